/**
 * Reconciler core alone (DESIGN §5): `reconcile(spec, link, observations, now)` over a realistic cycle of linked
 * people, on the main thread (one core). Records are observations: three per link. No ledger, no I/O.
 */
import { reconcile, type SyncSpec } from '@tandem/core';
import { benchSpec } from './bench-spec.js';
import { settledHeap } from './gc.js';
import { checked, info, type Figure } from './report.js';
import { linkedStates, workload, type WorkItem } from './workload.js';


function pass(spec: SyncSpec, items: WorkItem[], now: number): { records: number; patches: number } {
  let records = 0;
  let patches = 0;
  for (const item of items) {
    const result = reconcile(spec, item.link, item.observations, now);
    records += item.observations.length;
    patches += result.patches.length;
  }
  return { records, patches };
}

/** Best of `rounds` timed passes after a warm-up pass (JIT), in records per second. */
function rate(spec: SyncSpec, items: WorkItem[], rounds: number): { perSecond: number; patches: number } {
  pass(spec, items.slice(0, Math.min(items.length, 5000)), 1);
  let best = 0;
  let patches = 0;
  for (let r = 0; r < rounds; r += 1) {
    const started = process.hrtime.bigint();
    const done = pass(spec, items, 3000 + r);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    best = Math.max(best, done.records / seconds);
    patches = done.patches;
  }
  return { perSecond: best, patches };
}

/** Heap held per linked person (a LinkState with three members and their shadows), bytes. */
function heapPerLink(count: number): number {
  const before = settledHeap();
  const states = linkedStates(count);
  const after = settledHeap();
  if (states.length !== count) throw new Error('linked states went missing');
  return (after - before) / count;
}

export function reconcilerBench(links: number): Figure[] {
  const SECTION = links === 10_000 ? 'reconciler core' : `reconciler core, ${links.toLocaleString('en-US')} links`;
  const spec = benchSpec();
  const items = workload(links);
  const mix = ['unchanged', 'one-edit', 'concurrent-edits', 'first-link']
    .map((k) => `${k} ${Math.round((items.filter((i) => i.kind === k).length / items.length) * 100)} %`)
    .join(', ');
  const { perSecond, patches } = rate(spec, items, 3);
  const perLink = heapPerLink(Math.min(links, 20_000));
  const note = `${links.toLocaleString('en-US')} links × 3 apps, 7 fields (phone in 3 formats); mix: ${mix}; ${patches.toLocaleString('en-US')} patches planned; best of 3 passes, main thread`;
  // The same cycle without the phone field shows how much of the time phone parsing (libphonenumber-js) takes.
  const noPhone: SyncSpec = { ...spec, fields: spec.fields.filter((f) => f.name !== 'phone') };
  const withoutPhone = rate(noPhone, items, 3).perSecond;
  return [
    checked(SECTION, 'records reconciled per second (one core)', perSecond, 'records/s', { min: 100_000 }, note),
    info(SECTION, 'records per second, same cycle without the phone field', withoutPhone, 'records/s', 'diagnostic: the cost of phone_e164 parsing'),
    info(SECTION, 'heap per linked person (LinkState, 3 members)', perLink, 'bytes', 'after a full GC'),
    info(SECTION, 'heap per app record', perLink / 3, 'bytes', 'the same, per member'),
  ];
}
