/**
 * Three simulated apps, an in-memory ledger and a sync cycle in the order of DESIGN §6: read → match → reconcile
 * → write-ahead → write → settle → cursors. A cycle can be made to crash after any durable step; everything not
 * yet saved in the ledger is lost, as in a real process crash.
 */
import type { AppName, SyncSpec } from '../model.js';
import { flattenMapped } from '../mapping/read.js';
import { matchRecords, type KnownLink, type MatchCandidate } from '../matching/match.js';
import { normaliseKey, recordKeys } from '../matching/keys.js';
import { applyResult } from '../reconcile/apply.js';
import { reconcile } from '../reconcile/reconcile.js';
import { settle } from '../reconcile/settle.js';
import type { LinkState, MemberState, Observation, Patch } from '../reconcile-types.js';
import { deskReformat, simSpec } from './sim-spec.js';
import { SimApp, SimClock, type SimRecord } from './sim-app.js';

export class SimCrash extends Error {}

export interface CycleReport {
  patches: Patch[];
}

export class SimWorld {
  readonly clock = new SimClock();
  readonly apps: Record<AppName, SimApp>;
  readonly links = new Map<string, LinkState>();
  private readonly index = new Map<string, string>();
  private readonly cursors: Record<AppName, number> = {};
  /** Records held back as duplicates: matched again every cycle until they resolve (the cursor moved past them). */
  private held = new Set<string>();
  private nextLink = 1;
  private steps = 0;
  private crashAt = Infinity;

  constructor(public spec: SyncSpec = simSpec()) {
    this.apps = {
      crm: new SimApp('crm', this.clock, { returnsStored: true, fieldTimestamps: true }),
      mail: new SimApp('mail', this.clock, { returnsStored: true, fieldTimestamps: false }),
      desk: new SimApp('desk', this.clock, { returnsStored: false, fieldTimestamps: false, reformat: deskReformat }),
    };
    for (const app of Object.keys(this.apps)) this.cursors[app] = 0;
  }

  app(name: AppName): SimApp {
    const app = this.apps[name];
    if (!app) throw new Error(`no sim app ${name}`);
    return app;
  }

  /** A durable step happened; crash here if told to. */
  private durable(): void {
    this.steps += 1;
    if (this.steps >= this.crashAt) throw new SimCrash(`crash after step ${this.steps}`);
  }

  private save(link: LinkState): void {
    this.links.set(link.linkId, structuredClone(link));
    for (const m of link.members) if (m.externalId !== null) this.index.set(`${m.app}:${m.externalId}`, link.linkId);
  }

  private observation(app: AppName, record: SimRecord): Observation {
    const sim = this.app(app);
    const fields = flattenMapped(this.spec, app, record.fields);
    const fieldUpdatedAt = sim.timestamps() ? Object.fromEntries(Object.keys(fields).map((p) => [p, record.fieldTimes[p] ?? 0])) : undefined;
    return { app, externalId: record.id, version: String(record.version), fields, updatedAt: record.version, ...(fieldUpdatedAt ? { fieldUpdatedAt } : {}), ...(record.deleted ? { deleted: true } : {}) };
  }

  /** Runs one cycle; with `crashAfter`, throws SimCrash after that many durable steps (ledger saves, writes). */
  cycle(crashAfter = Infinity): CycleReport {
    this.steps = 0;
    this.crashAt = crashAfter;
    const read = this.readAll();
    const observations = this.pairOrMatch(read.records);
    const report: CycleReport = { patches: [] };
    for (const [linkId, obs] of observations) report.patches.push(...this.reconcileLink(linkId, obs));
    // Records held as duplicates of a link that this cycle deleted (a person deleted and re-created) match again now.
    for (const [linkId, obs] of this.rematchHeld()) report.patches.push(...this.reconcileLink(linkId, obs));
    for (const [app, version] of Object.entries(read.maxVersion)) {
      this.cursors[app] = Math.max(this.cursors[app] ?? 0, version);
      this.durable();
    }
    return report;
  }

  private readAll(): { records: { app: AppName; record: SimRecord }[]; maxVersion: Record<AppName, number> } {
    const records: { app: AppName; record: SimRecord }[] = [];
    const maxVersion: Record<AppName, number> = {};
    for (const [app, sim] of Object.entries(this.apps)) {
      for (const record of sim.changedSince(this.cursors[app] ?? 0)) {
        records.push({ app, record });
        maxVersion[app] = Math.max(maxVersion[app] ?? 0, record.version);
      }
    }
    for (const key of this.held) {
      const [app, id] = key.split(':') as [AppName, string];
      const record = this.app(app).fetch(id);
      if (record && !records.some((r) => r.app === app && r.record.id === id)) records.push({ app, record });
    }
    return { records, maxVersion };
  }

  /** Linked records become observations; pending creates are looked up by key; the rest are matched into links. */
  private pairOrMatch(read: { app: AppName; record: SimRecord }[]): Map<string, Observation[]> {
    const byLink = new Map<string, Observation[]>();
    const add = (linkId: string, obs: Observation) => byLink.set(linkId, [...(byLink.get(linkId) ?? []), obs]);
    const claimed = this.claimPendingCreates(add);
    const candidates: MatchCandidate[] = [];
    const records = new Map<string, SimRecord>();
    for (const { app, record } of read) {
      const linkId = this.index.get(`${app}:${record.id}`);
      if (linkId) add(linkId, this.observation(app, record));
      else if (!record.deleted && !claimed.has(`${app}:${record.id}`)) {
        candidates.push({ app, externalId: record.id, keys: recordKeys(this.spec, app, record.fields) });
        records.set(`${app}:${record.id}`, record);
      }
    }
    this.matchAndLink(candidates, records, add);
    for (const linkId of this.links.keys()) if (!byLink.has(linkId) && this.needsRepair(linkId)) byLink.set(linkId, []);
    return byLink;
  }

  private matchAndLink(candidates: MatchCandidate[], records: Map<string, SimRecord>, add: (linkId: string, obs: Observation) => void): void {
    const result = matchRecords(this.spec, candidates, this.knownLinks());
    this.held = new Set(result.duplicates.flatMap((d) => d.records.map((r) => `${r.app}:${r.externalId}`)));
    for (const join of result.joins) this.linkRecords(join.linkId, join.records, records, add);
    for (const group of result.groups) this.linkRecords(null, group, records, add);
  }

  private rematchHeld(): Map<string, Observation[]> {
    const byLink = new Map<string, Observation[]>();
    const add = (linkId: string, obs: Observation) => byLink.set(linkId, [...(byLink.get(linkId) ?? []), obs]);
    const records = new Map<string, SimRecord>();
    const candidates: MatchCandidate[] = [];
    for (const key of this.held) {
      const [app, id] = key.split(':') as [AppName, string];
      const record = this.app(app).fetch(id);
      if (!record || record.deleted || this.index.has(key)) continue;
      records.set(key, record);
      candidates.push({ app, externalId: id, keys: recordKeys(this.spec, app, record.fields) });
    }
    if (candidates.length > 0) this.matchAndLink(candidates, records, add);
    return byLink;
  }

  /** A member behind its agreed version or with unsettled intents (a crash between write-ahead and settle) is reconciled again. */
  private needsRepair(linkId: string): boolean {
    const link = this.links.get(linkId);
    return !!link && link.members.some((m) => !m.deleted && (m.pending.length > 0 || (!link.deleted && (m.ackedVersion < link.agreedVersion || m.externalId === null))));
  }

  private claimPendingCreates(add: (linkId: string, obs: Observation) => void): Set<string> {
    const claimed = new Set<string>();
    for (const link of this.links.values()) {
      const email = normaliseKey(this.emailField(), link.agreed.email ?? null);
      for (const m of link.members.filter((x) => x.externalId === null && x.pending.some((p) => p.op === 'create'))) {
        const path = this.emailField().apps[m.app]?.path;
        const [found] = path && email ? this.app(m.app).findByKey(path, email) : [];
        if (!found) continue;
        claimed.add(`${m.app}:${found.id}`);
        add(link.linkId, this.observation(m.app, found));
      }
    }
    return claimed;
  }

  private emailField() {
    const field = this.spec.fields.find((f) => f.name === 'email');
    if (!field) throw new Error('sim spec has no email');
    return field;
  }

  private knownLinks(): KnownLink[] {
    return [...this.links.values()]
      .filter((l) => !l.deleted)
      .map((l) => {
        const value = normaliseKey(this.emailField(), l.agreed.email ?? null);
        return { linkId: l.linkId, apps: l.members.filter((m) => !m.deleted).map((m) => m.app), keys: value ? [{ field: 'email', value }] : [] };
      });
  }

  private linkRecords(linkId: string | null, records: MatchCandidate[], raw: Map<string, SimRecord>, add: (linkId: string, obs: Observation) => void): void {
    const link: LinkState = linkId ? structuredClone(this.links.get(linkId) as LinkState) : { linkId: `L${this.nextLink++}`, agreed: {}, fieldMeta: {}, agreedVersion: 0, members: [], openConflicts: [] };
    for (const c of records) {
      const member: MemberState = { app: c.app, externalId: c.externalId, shadow: null, appVersion: null, ackedVersion: 0, pending: [] };
      link.members = [...link.members.filter((m) => m.app !== c.app), member];
      add(link.linkId, this.observation(c.app, raw.get(`${c.app}:${c.externalId}`) as SimRecord));
    }
    this.save(link);
    this.durable();
  }

  private reconcileLink(linkId: string, obs: Observation[]): Patch[] {
    const link = this.links.get(linkId) as LinkState;
    const now = this.clock.now();
    const result = reconcile(this.spec, link, obs, now);
    const next = applyResult(link, result, now);
    // Write-ahead: every patch is a pending intent on its member before any app is called.
    next.members = next.members.map((m) => {
      const patch = result.patches.find((p) => p.app === m.app);
      return patch ? { ...m, pending: [...m.pending, { agreedVersion: result.agreedVersion, op: patch.op, fields: patch.fields }] } : m;
    });
    this.save(next);
    this.durable();
    for (const patch of result.patches) this.writeAndSettle(linkId, patch);
    return result.patches;
  }

  private writeAndSettle(linkId: string, patch: Patch): void {
    const sim = this.app(patch.app);
    const response = sim.write(patch);
    this.durable();
    // The helpdesk does not return what it stored: read it back, as the runtime's settle step does.
    const stored = response.stored ?? sim.fetch(response.id);
    if (!stored) return;
    const link = this.links.get(linkId) as LinkState;
    const { member } = settle(this.spec, link, patch.app, { externalId: stored.id, version: String(stored.version), fields: stored.fields, ...(stored.deleted ? { deleted: true } : {}) });
    this.save({ ...link, members: link.members.map((m) => (m.app === patch.app ? member : m)) });
    this.durable();
  }

  /** A full re-read from scratch on the next cycle (what `tandem resync` / `plan` does after a config edit). */
  resync(): void {
    for (const app of Object.keys(this.cursors)) this.cursors[app] = 0;
  }

  /** Cycles until one writes nothing (bounded); returns how many cycles wrote something. */
  quiesce(max = 6): number {
    for (let i = 0; i < max; i++) if (this.cycle().patches.length === 0) return i;
    throw new Error(`no quiescence after ${max} cycles`);
  }

  /** The live record of a person (by email) in an app. */
  recordOf(app: AppName, email: string): SimRecord | undefined {
    const path = this.emailField().apps[app]?.path;
    return path ? this.app(app).findByKey(path, email)[0] : undefined;
  }

  effectiveWrites(): number {
    return Object.values(this.apps).reduce((n, a) => n + a.effectiveWrites, 0);
  }
}
