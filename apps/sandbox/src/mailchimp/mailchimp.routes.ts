import { isRecord, json, parseJson, type Reply, type Router, type SimRequest } from '../common/http.js';
import { fail, invalid, problem } from './mailchimp.errors.js';
import { mcTime, projectFields, renderMember } from './mailchimp.render.js';
import type { MailchimpSimulator } from './mailchimp.simulator.js';
import { STATUSES, subscriberHash, type Member } from './mailchimp.store.js';
import { addMember, applyTags, archiveMember, checkEmail, deletePermanent, updateMember } from './mailchimp.writes.js';

export function body(req: SimRequest): Record<string, unknown> {
  const parsed = parseJson(req, () => problem(400, 'JSON Parse Error', "We encountered an unspecified JSON parsing error."));
  if (!isRecord(parsed)) invalid('The resource submitted could not be validated.');
  return parsed;
}

export function listId(sim: MailchimpSimulator, req: SimRequest): string {
  const id = req.params.listId ?? '';
  if (!sim.settings.listIds.includes(id)) fail(404, 'Resource Not Found', 'The requested resource could not be found.');
  return id;
}

function member(sim: MailchimpSimulator, req: SimRequest): Member {
  const found = sim.store.find(listId(sim, req), req.params.hash ?? '');
  if (!found) fail(404, 'Resource Not Found', 'The requested resource could not be found.');
  return found;
}

function timeParam(req: SimRequest, name: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return undefined;
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) invalid(`${name} must be an ISO 8601 time`);
  return Math.floor(ms / 1000) * 1000;
}

function numberParam(req: SimRequest, name: string, fallback: number): number {
  const raw = req.query.get(name);
  const n = raw === null ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0) invalid(`${name} must be a non-negative integer`);
  return n;
}

const SORTABLE: Record<string, (m: Member) => number> = {
  last_changed: (m) => m.last_changed,
  timestamp_opt: (m) => m.timestamp_opt,
  timestamp_signup: (m) => m.timestamp_signup,
};

function listMembers(sim: MailchimpSimulator, req: SimRequest): Reply {
  const id = listId(sim, req);
  const count = numberParam(req, 'count', 10);
  if (count > sim.settings.countMax) invalid(`count must be at most ${sim.settings.countMax}`);
  const offset = numberParam(req, 'offset', 0);
  const status = req.query.get('status');
  if (status !== null && !STATUSES.includes(status as Member['status'])) invalid('status is not a valid member status');
  const since = timeParam(req, 'since_last_changed');
  const before = timeParam(req, 'before_last_changed');
  const second = (ms: number) => Math.floor(ms / 1000) * 1000;
  let rows = [...sim.store.list(id).values()].filter((m) => {
    if (status ? m.status !== status : m.status === 'archived' && !sim.settings.listIncludesArchived) return false;
    const changed = second(m.last_changed);
    if (since !== undefined && (sim.settings.sinceLastChangedInclusive ? changed < since : changed <= since)) return false;
    return before === undefined || changed < before;
  });
  const sortField = req.query.get('sort_field');
  if (sortField !== null) {
    const key = SORTABLE[sortField] ?? invalid('sort_field is not sortable');
    const dir = req.query.get('sort_dir') === 'DESC' ? -1 : 1;
    rows = [...rows].sort((a, b) => dir * (second(key(a)) - second(key(b))) || a.web_id - b.web_id);
  }
  const page = { members: rows.slice(offset, offset + count).map(renderMember), list_id: id, total_items: rows.length, _links: [] };
  return json(200, projectFields(page, req.query.get('fields'), req.query.get('exclude_fields')));
}

/** PUT: add or update; a new address needs status_if_new (or status), and the path must be its hash. */
function upsert(sim: MailchimpSimulator, req: SimRequest): Reply {
  const id = listId(sim, req);
  const input = body(req);
  const existing = sim.store.find(id, req.params.hash ?? '');
  if (existing) return json(200, renderMember(updateMember(sim, existing, input, input.status_if_new)));
  const email = checkEmail(input.email_address);
  const hash = req.params.hash ?? '';
  if (hash !== subscriberHash(email) && hash.toLowerCase() !== email.toLowerCase()) fail(400, 'Member Exists', `${email} does not match the subscriber hash in the URL. Use the MD5 hash of the lowercase address.`);
  const status = input.status ?? input.status_if_new;
  if (status === undefined) invalid("The resource submitted could not be validated. For field-specific details, see the 'errors' array.", [{ field: 'status_if_new', message: 'Required when the member is new.' }]);
  return json(200, renderMember(addMember(sim, id, input, status)));
}

function getTags(sim: MailchimpSimulator, req: SimRequest): Reply {
  const m = member(sim, req);
  return json(200, { tags: m.tags.map((t) => ({ id: t.tag.id, name: t.tag.name, date_added: mcTime(t.added) })), total_items: m.tags.length, _links: [] });
}

export function registerMemberRoutes(router: Router, sim: MailchimpSimulator): void {
  const base = '/3.0/lists/:listId/members';
  router
    .add('GET', base, (req) => listMembers(sim, req))
    .add('POST', base, (req) => {
      const input = body(req);
      return json(200, renderMember(addMember(sim, listId(sim, req), input, input.status)));
    })
    .add('POST', `${base}/:hash/actions/delete-permanent`, (req) => (deletePermanent(sim, member(sim, req)), json(204)))
    .add('GET', `${base}/:hash/tags`, (req) => getTags(sim, req))
    .add('POST', `${base}/:hash/tags`, (req) => (applyTags(sim, member(sim, req), body(req)), json(204)))
    .add('GET', `${base}/:hash`, (req) => json(200, projectFields(renderMember(member(sim, req)), req.query.get('fields'), req.query.get('exclude_fields'))))
    .add('PUT', `${base}/:hash`, (req) => upsert(sim, req))
    .add('PATCH', `${base}/:hash`, (req) => json(200, renderMember(updateMember(sim, member(sim, req), body(req)))))
    .add('DELETE', `${base}/:hash`, (req) => (archiveMember(sim, member(sim, req)), json(204)));
  router.add('GET', '/3.0/ping', () => json(200, { health_status: "Everything's Chimpy!" }));
}
