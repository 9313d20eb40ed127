import { json, type Reply, type Router, type SimRequest } from '../common/http.js';
import { tooMany, zdFail } from './zendesk.errors.js';
import { baseUrl } from './zendesk.routes.js';
import type { ZendeskSimulator } from './zendesk.simulator.js';
import { renderUser, type ZdUser } from './zendesk.store.js';

/** A position in the export: everything strictly after (updated_at ms, id). */
interface Position {
  t: number;
  id: number;
}

function encode(p: Position): string {
  return Buffer.from(JSON.stringify(p)).toString('base64url');
}

function decode(cursor: string): Position {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Position;
    if (typeof p.t === 'number' && typeof p.id === 'number') return p;
  } catch {
    // answered below
  }
  zdFail(400, 'InvalidCursor', 'The cursor is not valid');
}

const after = (u: ZdUser, p: Position) => u.updated_at > p.t || (u.updated_at === p.t && u.id > p.id);

function startPosition(sim: ZendeskSimulator, req: SimRequest): Position {
  const cursor = req.query.get('cursor');
  if (cursor) return decode(cursor);
  const raw = req.query.get('start_time');
  if (raw === null || !/^\d+$/.test(raw)) zdFail(400, 'InvalidValue', 'start_time or cursor is required');
  const startMs = Number(raw) * 1000;
  if (startMs > sim.clock.now() - sim.settings.incrementalMinAgeMs) {
    zdFail(400, 'InvalidValue', 'Too recent start_time. Use a start_time at least one minute in the past');
  }
  return { t: startMs - 1, id: Number.MAX_SAFE_INTEGER };
}

/**
 * `GET /api/v2/incremental/users/cursor.json`: users changed since the position, oldest first, never including changes
 * from the last minute; soft-deleted users come with active:false and erased ones as scrubbed tombstones.
 */
function exportUsers(sim: ZendeskSimulator, req: SimRequest): Reply {
  const now = sim.clock.now();
  if (!sim.exportWindow.tryHit('export', now, sim.settings.incrementalPerMinute)) {
    return tooMany(Math.ceil(sim.exportWindow.retryAfterMs('export', now) / 1000), 'Number of allowed incremental export API requests per minute exceeded');
  }
  const from = startPosition(sim, req);
  const perPage = Math.min(Number(req.query.get('per_page') ?? sim.settings.incrementalPerPage) || sim.settings.incrementalPerPage, 1000);
  const until = now - sim.settings.incrementalMinAgeMs;
  const rows = [...sim.store.users.values()]
    .filter((u) => after(u, from) && u.updated_at <= until)
    .sort((a, b) => a.updated_at - b.updated_at || a.id - b.id);
  const page = rows.slice(0, perPage);
  const last = page.at(-1);
  const next = last ? { t: last.updated_at, id: last.id } : from;
  const base = baseUrl(req);
  return json(200, {
    users: page.map((u) => renderUser(u, base)),
    after_url: `${base}/api/v2/incremental/users/cursor.json?cursor=${encode(next)}`,
    after_cursor: encode(next),
    before_url: null,
    before_cursor: null,
    end_of_stream: rows.length <= perPage,
  });
}

export function registerExportRoutes(router: Router, sim: ZendeskSimulator): void {
  router.add('GET', '/api/v2/incremental/users/cursor', (req) => exportUsers(sim, req));
}
