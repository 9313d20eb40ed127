import { firstNotBefore } from '../common/ordered.js';
import { renderUserFields } from './zendesk.fields.js';

export interface ZdUser {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  external_id: string | null;
  role: string;
  active: boolean;
  suspended: boolean;
  verified: boolean;
  tags: string[];
  user_fields: Record<string, unknown>;
  organization_id: number | null;
  notes: string;
  details: string;
  alias: string;
  locale: string;
  time_zone: string;
  created_at: number;
  updated_at: number;
  /** `permanent` users are scrubbed tombstones, listed only under deleted_users. */
  deletion: 'none' | 'soft' | 'permanent';
}

/** Zendesk timestamps: ISO 8601 to the second with `Z`. */
export function zdTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export class ZendeskStore {
  readonly users = new Map<number, ZdUser>();
  private nextId = 360_001;
  /** Ids of the users that hold (or held) each email, so lookups by email do not scan every user; checked on use. */
  private readonly emails = new Map<string, Set<number>>();
  /** Users in id order (ids only grow and users are never removed, only scrubbed): cursor pages start by binary search. */
  private readonly ordered: ZdUser[] = [];

  clear(): void {
    this.users.clear();
    this.ordered.length = 0;
    this.emails.clear();
    this.nextId = 360_001;
  }

  create(fields: Partial<ZdUser> & { name: string }, now: number): ZdUser {
    const user: ZdUser = {
      id: this.nextId++,
      email: null,
      phone: null,
      external_id: null,
      role: 'end-user',
      active: true,
      suspended: false,
      verified: false,
      tags: [],
      user_fields: {},
      organization_id: null,
      notes: '',
      details: '',
      alias: '',
      locale: 'en-US',
      time_zone: 'UTC',
      created_at: now,
      updated_at: now,
      deletion: 'none',
      ...fields,
    };
    this.users.set(user.id, user);
    this.ordered.push(user);
    this.emailChanged(user, null);
    return user;
  }

  /** Every write that may change a user's email calls this with the email it had before. */
  emailChanged(user: ZdUser, previous: string | null): void {
    if (previous !== null && previous !== user.email) this.emails.get(previous)?.delete(user.id);
    if (user.email === null) return;
    let ids = this.emails.get(user.email);
    if (!ids) this.emails.set(user.email, (ids = new Set()));
    ids.add(user.id);
  }

  /** Live or soft-deleted users hold their email; matching ignores case. */
  byEmail(email: string): ZdUser | undefined {
    const wanted = email.trim().toLowerCase();
    // Lowest id first, as a scan of the users in creation order would find it.
    const ids = [...(this.emails.get(wanted) ?? [])].sort((a, b) => a - b);
    for (const id of ids) {
      const u = this.users.get(id);
      if (u && u.deletion === 'none' && u.email === wanted) return u;
    }
    return undefined;
  }

  byExternalId(externalId: string): ZdUser | undefined {
    const wanted = externalId.toLowerCase();
    return [...this.users.values()].find((u) => u.deletion === 'none' && u.external_id?.toLowerCase() === wanted);
  }

  sorted(filter: (u: ZdUser) => boolean): ZdUser[] {
    return this.ordered.filter(filter);
  }

  /** Up to `limit` users with an id above `afterId` that `keep` accepts, in id order, without walking those before. */
  after(afterId: number, keep: (u: ZdUser) => boolean, limit: number): ZdUser[] {
    const out: ZdUser[] = [];
    for (let i = firstNotBefore(this.ordered, (u) => u.id <= afterId); i < this.ordered.length && out.length < limit; i += 1) {
      const u = this.ordered[i] as ZdUser;
      if (keep(u)) out.push(u);
    }
    return out;
  }
}

export function renderUser(u: ZdUser, base: string): Record<string, unknown> {
  return {
    id: u.id,
    url: `${base}/api/v2/users/${u.id}.json`,
    name: u.name,
    email: u.email,
    created_at: zdTime(u.created_at),
    updated_at: zdTime(u.updated_at),
    time_zone: u.time_zone,
    iana_time_zone: 'Etc/UTC',
    phone: u.phone,
    shared_phone_number: null,
    photo: null,
    locale_id: 1,
    locale: u.locale,
    organization_id: u.organization_id,
    role: u.role,
    verified: u.verified,
    external_id: u.external_id,
    tags: u.tags,
    alias: u.alias,
    active: u.active,
    shared: false,
    shared_agent: false,
    last_login_at: null,
    two_factor_auth_enabled: null,
    signature: null,
    details: u.details,
    notes: u.notes,
    role_type: null,
    custom_role_id: null,
    moderator: false,
    ticket_restriction: 'requested',
    only_private_comments: false,
    restricted_agent: true,
    suspended: u.suspended,
    default_group_id: null,
    report_csv: false,
    user_fields: renderUserFields(u.user_fields),
  };
}
