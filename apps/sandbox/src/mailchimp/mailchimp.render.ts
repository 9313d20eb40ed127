import { renderMergeFields } from './mailchimp.merge-fields.js';
import type { Member } from './mailchimp.store.js';

/** Mailchimp times: ISO 8601 to the second with a `+00:00` offset. */
export function mcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

export function renderMember(m: Member): Record<string, unknown> {
  const merges = renderMergeFields(m.merge_fields);
  return {
    id: m.id,
    email_address: m.email_address,
    unique_email_id: m.unique_email_id,
    contact_id: m.contact_id,
    full_name: `${String(merges.FNAME ?? '')} ${String(merges.LNAME ?? '')}`.trim(),
    web_id: m.web_id,
    email_type: m.email_type,
    status: m.status,
    consents_to_one_to_one_messaging: true,
    merge_fields: merges,
    interests: {},
    stats: { avg_open_rate: 0, avg_click_rate: 0 },
    ip_signup: '',
    timestamp_signup: mcTime(m.timestamp_signup),
    ip_opt: '',
    timestamp_opt: mcTime(m.timestamp_opt),
    member_rating: 2,
    last_changed: mcTime(m.last_changed),
    language: m.language,
    vip: m.vip,
    email_client: '',
    location: { latitude: 0, longitude: 0, gmtoff: 0, dstoff: 0, country_code: '', timezone: '', region: '' },
    source: m.source,
    tags_count: m.tags.length,
    tags: m.tags.map((t) => ({ id: t.tag.id, name: t.tag.name })),
    list_id: m.listId,
    _links: [],
  };
}

/** `fields` / `exclude_fields` with dotted paths such as `members.email_address`. */
export function projectFields(body: Record<string, unknown>, fields: string | null, exclude: string | null): Record<string, unknown> {
  const split = (v: string | null) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
  const keep = split(fields);
  const drop = split(exclude);
  const walk = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, path));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      const full = path ? `${path}.${key}` : key;
      if (drop.includes(full)) continue;
      const wanted = keep.length === 0 || keep.some((k) => k === full || k.startsWith(`${full}.`) || full.startsWith(`${k}.`));
      if (wanted) out[key] = walk(inner, full);
    }
    return out;
  };
  return walk(body, '') as Record<string, unknown>;
}
