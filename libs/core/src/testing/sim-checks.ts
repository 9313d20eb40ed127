/**
 * What the properties assert about a simulated world, kept out of the spec so each property reads as one sentence.
 */
import type { AppName, CanonRecord } from '../model.js';
import { getPath } from '../mapping/path.js';
import { readField, toCanonical } from '../mapping/read.js';
import { wantedValue } from '../mapping/write.js';
import type { LinkState } from '../reconcile-types.js';
import { holdsImage } from '../reconcile/image.js';
import type { SimWorld } from './sim-world.js';

/** Fields of live links where an app does not hold its own stored image of agreed (empty when quiescent). */
export function imageViolations(world: SimWorld): string[] {
  const problems: string[] = [];
  for (const link of world.links.values()) {
    if (link.deleted) continue;
    for (const m of link.members) {
      if (m.deleted || m.externalId === null) continue;
      const record = world.app(m.app).fetch(m.externalId);
      if (!record || record.deleted || record.archived) continue;
      for (const field of world.spec.fields) {
        const appSpec = field.apps[m.app];
        if (!appSpec || !appSpec.write || appSpec.writeMode !== 'always' || link.openConflicts.some((c) => c.field === field.name)) continue;
        const raw = getPath(record.fields, appSpec.path);
        const held = readField(field, appSpec, raw);
        const wanted = wantedValue(field, link.agreed);
        if (!held.ok || !holdsImage(field, appSpec, held.value, wanted, raw)) {
          problems.push(`${link.linkId} ${m.app} ${field.name}: holds ${JSON.stringify(raw)}, agreed ${JSON.stringify(wanted)}`);
        }
      }
    }
  }
  return problems;
}

/** The live link a record belongs to. */
export function linkOfRecord(world: SimWorld, app: AppName, id: string): LinkState | undefined {
  return [...world.links.values()].find((l) => !l.deleted && l.members.some((m) => m.app === app && m.externalId === id && !m.deleted));
}

/** A comparable picture of a world: per live link (by email) the agreed record, per app every live record canonically. */
export function snapshot(world: SimWorld): { links: Record<string, CanonRecord>; apps: Record<AppName, CanonRecord[]> } {
  const links: Record<string, CanonRecord> = {};
  for (const l of world.links.values()) if (!l.deleted) links[String(l.agreed.email)] = l.agreed;
  const apps: Record<AppName, CanonRecord[]> = {};
  for (const [name, sim] of Object.entries(world.apps)) {
    apps[name] = [...sim.records.values()]
      .filter((r) => !r.deleted && !r.archived)
      .map((r) => toCanonical(world.spec, name, r.fields).values)
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return { links, apps };
}

/**
 * Whether an outside edit of one field in `editedApp` cannot race anything unread: every app of the person's link
 * holds its shadow or one of our pending writes for that field, and the edited app has no write of ours in flight.
 */
export function fieldAtRest(world: SimWorld, email: string, fieldName: string, editedApp: AppName): boolean {
  const link = [...world.links.values()].find((l) => !l.deleted && l.agreed.email === email);
  const field = world.spec.fields.find((f) => f.name === fieldName);
  if (!link || !field) return false;
  return link.members.every((m) => {
    const appSpec = field.apps[m.app];
    if (!appSpec || m.deleted) return true;
    if (m.externalId === null || m.shadow === null) return false;
    const record = world.app(m.app).fetch(m.externalId);
    if (!record || record.deleted || record.archived) return false;
    const held = readField(field, appSpec, getPath(record.fields, appSpec.path));
    const holds = (raw: unknown) => {
      const value = readField(field, appSpec, raw);
      return held.ok && value.ok && JSON.stringify(value.value) === JSON.stringify(held.value);
    };
    const sent = m.pending.filter((p) => Object.hasOwn(p.fields, appSpec.path)).map((p) => p.fields[appSpec.path]);
    // The edited app itself must be settled: typing over a write whose settle was lost is ambiguous with record
    // versions only (a value equal to the old shadow may be "our write never landed" or "the person reverted it").
    if (m.app === editedApp) return sent.length === 0 && holds(m.shadow[appSpec.path]);
    return [m.shadow[appSpec.path], ...sent].some(holds);
  });
}
