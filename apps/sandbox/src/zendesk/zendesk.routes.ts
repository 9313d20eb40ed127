import { isRecord, json, parseJson, type Reply, type Router, type SimRequest } from '../common/http.js';
import { tooMany, zdError, zdFail } from './zendesk.errors.js';
import { USER_FIELDS } from './zendesk.fields.js';
import type { ZendeskSimulator } from './zendesk.simulator.js';
import { renderUser, type ZdUser } from './zendesk.store.js';
import { createUser, mergeUsers, permanentDelete, softDelete, updateUser, upsertUser } from './zendesk.writes.js';

export function baseUrl(req: SimRequest): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

export function body(req: SimRequest): Record<string, unknown> {
  const parsed = parseJson(req, () => zdError(400, 'InvalidJSON', 'The request body is not valid JSON'));
  if (!isRecord(parsed)) zdFail(400, 'InvalidValue', 'The request body must be a JSON object');
  return parsed;
}

const cursorOf = (id: number) => Buffer.from(`id:${id}`).toString('base64url');
const idOfCursor = (cursor: string) => Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^id:/, '')) || 0;

/** Cursor pagination (`page[size]` ≤ 100, `page[after]`), or offset pagination when page[size] is absent. */
export function paginate(sim: ZendeskSimulator, req: SimRequest, keep: (u: ZdUser) => boolean, key: string, path: string): Reply {
  const base = baseUrl(req);
  const sizeRaw = req.query.get('page[size]');
  if (sizeRaw === null) {
    const rows = sim.store.sorted(keep);
    const perPage = Math.min(Number(req.query.get('per_page') ?? 100) || 100, 100);
    const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
    const slice = rows.slice((page - 1) * perPage, page * perPage);
    const next = page * perPage < rows.length ? `${base}${path}.json?page=${page + 1}&per_page=${perPage}` : null;
    const prev = page > 1 ? `${base}${path}.json?page=${page - 1}&per_page=${perPage}` : null;
    return json(200, { [key]: slice.map((u) => renderUser(u, base)), next_page: next, previous_page: prev, count: rows.length });
  }
  const size = Number(sizeRaw);
  if (!Number.isInteger(size) || size < 1 || size > sim.settings.pageSizeMax) zdFail(400, 'InvalidPaginationParameter', `page[size] must be between 1 and ${sim.settings.pageSizeMax}`);
  const after = req.query.get('page[after]');
  const from = after ? idOfCursor(after) : 0;
  const rest = sim.store.after(from, keep, size + 1);
  const page = rest.slice(0, size);
  const hasMore = rest.length > size;
  const last = page.at(-1);
  const first = page[0];
  return json(200, {
    [key]: page.map((u) => renderUser(u, base)),
    meta: { has_more: hasMore, after_cursor: last ? cursorOf(last.id) : null, before_cursor: first ? cursorOf(first.id) : null },
    links: { next: hasMore && last ? `${base}${path}.json?page%5Bsize%5D=${size}&page%5Bafter%5D=${cursorOf(last.id)}` : null, prev: null },
  });
}

function listUsers(sim: ZendeskSimulator, req: SimRequest): Reply {
  const roles = [...req.query.getAll('role'), ...req.query.getAll('role[]')];
  return paginate(sim, req, (u) => u.deletion === 'none' && (roles.length === 0 || roles.includes(u.role)), 'users', '/api/v2/users');
}

/** `query=email:x@y` or free text over name/email/phone; `external_id=` exact (case-insensitive). */
function searchUsers(sim: ZendeskSimulator, req: SimRequest): Reply {
  const query = (req.query.get('query') ?? '').trim().toLowerCase();
  const external = req.query.get('external_id');
  const rows = sim.store.sorted((u) => {
    if (u.deletion === 'permanent') return false;
    if (external !== null) return u.external_id?.toLowerCase() === external.toLowerCase();
    if (query.startsWith('email:')) return u.email === query.slice(6).replace(/^"|"$/g, '');
    return [u.name, u.email ?? '', u.phone ?? ''].some((v) => v.toLowerCase().includes(query));
  });
  return json(200, { users: rows.map((u) => renderUser(u, baseUrl(req))), next_page: null, previous_page: null, count: rows.length });
}

function showMany(sim: ZendeskSimulator, req: SimRequest): Reply {
  const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean).map(Number);
  const externals = (req.query.get('external_ids') ?? '').split(',').filter(Boolean).map((s) => s.toLowerCase());
  const wanted = new Set(ids);
  const byId = [...wanted].flatMap((id) => sim.store.users.get(id) ?? []);
  // External ids need a scan; ids alone (what the connector sends) are looked up directly.
  const candidates = externals.length === 0 ? byId.sort((a, b) => a.id - b.id) : sim.store.sorted((u) => wanted.has(u.id) || externals.includes(u.external_id?.toLowerCase() ?? '\u0000'));
  const rows = candidates.filter((u) => u.deletion !== 'permanent');
  return json(200, { users: rows.map((u) => renderUser(u, baseUrl(req))), next_page: null, previous_page: null, count: rows.length });
}

function createOrUpdate(sim: ZendeskSimulator, req: SimRequest): Reply {
  const input = body(req).user;
  const key = isRecord(input) ? String(input.email ?? input.external_id ?? '').toLowerCase() : '';
  const limit = sim.settings.perUserUpdatesPerMinute;
  if (limit > 0 && key && !sim.userWindow.tryHit(key, sim.clock.now(), limit)) {
    return tooMany(Math.ceil(sim.userWindow.retryAfterMs(key, sim.clock.now()) / 1000), 'You have exceeded the rate limit for updating a single unique user.');
  }
  const { user, created } = upsertUser(sim, input);
  return json(created ? 201 : 200, { user: renderUser(user, baseUrl(req)) }, { Location: `${baseUrl(req)}/api/v2/users/${user.id}.json` });
}

function createMany(sim: ZendeskSimulator, req: SimRequest): Reply {
  const users = body(req).users;
  if (!Array.isArray(users)) zdFail(400, 'InvalidValue', 'users must be an array');
  if (users.length > sim.settings.bulkLimit) zdFail(400, 'InvalidValue', `Too many users: the limit is ${sim.settings.bulkLimit}`);
  const job = sim.jobs.enqueue(users);
  return json(200, { job_status: sim.jobs.render(job, baseUrl(req)) });
}

function jobStatus(sim: ZendeskSimulator, req: SimRequest): Reply {
  const job = sim.jobs.jobs.get(req.params.id ?? '');
  if (!job || (job.lost && sim.jobs.state(job) === 'completed')) return sim.notFoundRecord();
  return json(200, { job_status: sim.jobs.render(job, baseUrl(req)) });
}

/** Runs `run` on the user in the path; a permanently deleted or unknown id is a 404. */
function withUser(sim: ZendeskSimulator, req: SimRequest, run: (u: ZdUser) => Reply): Reply {
  const user = sim.store.users.get(Number(req.params.id));
  if (!user || user.deletion === 'permanent') return sim.notFoundRecord();
  return run(user);
}

function merge(sim: ZendeskSimulator, req: SimRequest): Reply {
  return withUser(sim, req, (source) => {
    const input = body(req).user;
    const target = sim.store.users.get(Number(isRecord(input) ? input.id : NaN));
    if (!target) return sim.notFoundRecord();
    return json(200, { user: renderUser(mergeUsers(sim, source, target), baseUrl(req)) });
  });
}

export function registerUserRoutes(router: Router, sim: ZendeskSimulator): void {
  const render = (req: SimRequest, u: ZdUser) => ({ user: renderUser(u, baseUrl(req)) });
  router
    .add('GET', '/api/v2/users/me', (req) => json(200, { user: { id: 1, name: 'Sandbox Agent', email: sim.settings.agentEmail, role: 'admin', url: `${baseUrl(req)}/api/v2/users/1.json` } }))
    .add('GET', '/api/v2/users/search', (req) => searchUsers(sim, req))
    .add('GET', '/api/v2/users/show_many', (req) => showMany(sim, req))
    .add('POST', '/api/v2/users/create_or_update', (req) => createOrUpdate(sim, req))
    .add('POST', '/api/v2/users/create_or_update_many', (req) => createMany(sim, req))
    .add('GET', '/api/v2/users', (req) => listUsers(sim, req))
    .add('POST', '/api/v2/users', (req) => json(201, render(req, createUser(sim, body(req).user))))
    .add('GET', '/api/v2/users/:id', (req) => withUser(sim, req, (u) => json(200, render(req, u))))
    .add('PUT', '/api/v2/users/:id', (req) => withUser(sim, req, (u) => json(200, render(req, updateUser(sim, u, body(req).user)))))
    .add('PUT', '/api/v2/users/:id/merge', (req) => merge(sim, req))
    .add('DELETE', '/api/v2/users/:id', (req) => withUser(sim, req, (u) => json(200, render(req, softDelete(sim, u)))))
    .add('GET', '/api/v2/deleted_users', (req) => paginate(sim, req, (u) => u.deletion !== 'none', 'deleted_users', '/api/v2/deleted_users'))
    .add('GET', '/api/v2/deleted_users/:id', (req) => {
      const u = sim.store.users.get(Number(req.params.id));
      return u && u.deletion !== 'none' ? json(200, { deleted_user: renderUser(u, baseUrl(req)) }) : sim.notFoundRecord();
    })
    .add('DELETE', '/api/v2/deleted_users/:id', (req) => {
      const u = sim.store.users.get(Number(req.params.id));
      if (!u || u.deletion !== 'soft') return sim.notFoundRecord();
      permanentDelete(sim, u);
      return json(204);
    })
    .add('GET', '/api/v2/user_fields', () => json(200, { user_fields: USER_FIELDS, next_page: null, previous_page: null, count: USER_FIELDS.length }))
    .add('GET', '/api/v2/job_statuses/:id', (req) => jobStatus(sim, req));
}
