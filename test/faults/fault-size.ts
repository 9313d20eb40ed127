import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How big a fault run is. CI (`npm test`) runs the small size; `TANDEM_FAULTS=large` runs the large one
 * (10,000 simulated histories, 10,000 fuzz cases per input kind).
 */
export const LARGE = process.env.TANDEM_FAULTS === 'large';

/** fast-check runs per malformed-input property (the issue asks for at least 1,000). */
export const FUZZ_RUNS = LARGE ? 10_000 : 1_000;

/** Randomized engine histories per simulation property. */
export const HISTORIES = LARGE ? 10_000 : 200;

/** Fixed seed in CI so a red run reproduces; TANDEM_FAULTS_SEED overrides it. */
export const SEED = Number(process.env.TANDEM_FAULTS_SEED ?? 20260301);

/** Counts what one fault file saw, printed as the one-line tally the issue asks for. */
export class Tally {
  scenarios = 0;
  lost = 0;
  duplicated = 0;
  doubleWrites = 0;
  crashes = 0;

  line(label: string): string {
    return `faults: ${this.scenarios} scenarios, ${this.lost} lost, ${this.duplicated} duplicated, ${this.doubleWrites} double writes, ${this.crashes} crashes (${label})`;
  }

  /**
   * Printed straight to stdout so it shows in CI logs without Jest's console decoration, and saved as JSON under
   * test/faults/.tally/ so test/faults/tally-teardown.js can print one line for the whole run.
   */
  print(label: string): void {
    process.stdout.write(`${this.line(label)}\n`);
    const dir = join(process.cwd(), 'test', 'faults', '.tally');
    mkdirSync(dir, { recursive: true });
    const file = `${label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.json`;
    const { scenarios, lost, duplicated, doubleWrites, crashes } = this;
    writeFileSync(join(dir, file), `${JSON.stringify({ label, scenarios, lost, duplicated, doubleWrites, crashes, at: new Date().toISOString() })}\n`);
  }
}
