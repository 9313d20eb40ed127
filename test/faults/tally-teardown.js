/**
 * Jest globalTeardown: sums the per-file fault tallies this run wrote to test/faults/.tally/ (see Tally.print in
 * fault-size.ts) and prints the one line for the whole fault run. Files older than this Jest process are leftovers
 * of earlier runs and are ignored; a run that wrote none (no fault file ran) prints nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const COUNTS = ['scenarios', 'lost', 'duplicated', 'doubleWrites', 'crashes'];

export default function tallyTeardown() {
  const dir = join(process.cwd(), 'test', 'faults', '.tally');
  const startedAt = Date.now() - process.uptime() * 1000;
  let files = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return;
  }
  const sum = Object.fromEntries(COUNTS.map((c) => [c, 0]));
  let read = 0;
  for (const file of files) {
    const path = join(dir, file);
    if (statSync(path).mtimeMs < startedAt) continue;
    const tally = JSON.parse(readFileSync(path, 'utf8'));
    for (const c of COUNTS) sum[c] += Number(tally[c] ?? 0);
    read += 1;
  }
  if (read === 0) return;
  process.stdout.write(
    `\nfaults: ${sum.scenarios} scenarios, ${sum.lost} lost, ${sum.duplicated} duplicated, ${sum.doubleWrites} double writes, ${sum.crashes} crashes (${read} fault files)\n`,
  );
}
