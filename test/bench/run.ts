/**
 * `npm run bench` — measures, prints each figure with its target and verdict, and appends a section to
 * BENCHMARKS.md. Flags: `--json` prints one JSON object instead of lines; `--large` runs the engine at 100k people
 * (10k by default) as well as 10k, so RSS at both sizes shows whether memory is flat; `--no-write` leaves
 * BENCHMARKS.md alone; `--quick` runs the webhook-latency load for 15 s instead of 60 s (and says so);
 * `--only <word>` runs only the sections whose name contains the word (e.g. `--only webhook`).
 * Engine figures are measured with the sandbox's rate limits off.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { ledgerBench } from './ledger.bench.js';
import { quotaBench } from './quota.bench.js';
import { reconcilerBench } from './reconciler.bench.js';
import { consoleLine, machine, markdown, notMeasured, type Figure } from './report.js';
import { syncBench } from './sync.bench.js';
import { webhookLatencyBench } from './webhook.bench.js';

const argv = process.argv.slice(2);
const args = new Set(argv);
const json = args.has('--json');
const large = args.has('--large');
const quick = args.has('--quick');
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] ?? '' : '';
const FILE = 'BENCHMARKS.md';

function say(line: string): void {
  if (!json) process.stdout.write(`${line}\n`);
}

async function section(name: string, work: () => Promise<Figure[]> | Figure[]): Promise<Figure[]> {
  if (only !== '' && !name.includes(only)) return [];
  say(`… ${name}`);
  try {
    const figures = await work();
    for (const f of figures) say(`  ${consoleLine(f)}`);
    return figures;
  } catch (err) {
    // A section that crashes is reported as not measured, with the reason, and the other sections still run.
    const reason = `bench crashed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`.slice(0, 300);
    const figure = notMeasured(name, 'whole section', '', reason);
    say(`  ${consoleLine(figure)}`);
    return [figure];
  }
}

/**
 * An engine section in a fresh process of its own (`--engine-only N`), so its peak RSS is its own and not what earlier
 * sections (the 100k reconciler workload, the smaller sync) left in this one.
 */
async function engineInChild(people: number): Promise<Figure[]> {
  const script = process.argv[1] ?? '';
  const { stdout } = await promisify(execFile)(process.execPath, [script, '--engine-only', String(people)], { maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as Figure[];
}

/** People synced into HubSpot with its quota on: 300 batch requests, three 10 s windows at least, so the first read and the last settle weigh little. */
const QUOTA_PEOPLE = 30_000;

/** Webhook latency load: 50 edits/s for 60 s as the issue asks; `--quick` shortens it to 15 s. */
const WEBHOOK = { rate: 50, seconds: quick ? 15 : 60, people: 2_000 };

async function main(): Promise<void> {
  const m = machine();
  say(`Tandem bench — ${m.date}; ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB; Node ${m.node}; commit ${m.commit}`);
  say('Engine figures: sandbox rate limits OFF (HubSpot burst/search limits, Zendesk per-minute limits, Mailchimp concurrency).');
  const sizes = large ? [10_000, 100_000] : [10_000];
  const figures: Figure[] = [
    ...(await section('reconciler core', () => reconcilerBench(10_000))),
    // At 100k links the per-process memos of the transforms no longer hold every distinct value: shown, not hidden.
    ...(large ? await section('reconciler core, 100,000 links', () => reconcilerBench(100_000)) : []),
    ...(await section('ledger write rate', () => ledgerBench(10_000))),
  ];
  for (const people of sizes) figures.push(...(await section(`engine, ${people.toLocaleString('en-US')} people`, () => engineInChild(people))));
  figures.push(...(await section('quota efficiency', () => quotaBench(QUOTA_PEOPLE))));
  figures.push(...(await section('webhook latency', () => webhookLatencyBench(WEBHOOK))));
  const flags = [large ? '--large' : '', quick ? '--quick' : '', only ? `--only ${only}` : ''].filter(Boolean).join(' ');
  const preamble = [
    `Command: \`npm run bench${flags ? ` -- ${flags}` : ''}\`. Engine figures: sandbox and connector rate limits OFF; quota efficiency: HubSpot limits ON.`,
    `Webhook latency: ${WEBHOOK.rate} edits/s for ${WEBHOOK.seconds} s${quick ? ' (--quick; the issue asks for 60 s)' : ''}.`,
    'Every figure is a measurement of this run; "not measured yet" rows say why.',
  ];
  if (!args.has('--no-write')) {
    if (!existsSync(FILE)) writeFileSync(FILE, '# Benchmarks\n\nAppended by `npm run bench` (test/bench/run.ts); newest last.\n\n');
    appendFileSync(FILE, `${markdown(m, figures, large ? 'Bench run (--large)' : 'Bench run', preamble)}\n`);
    say(`appended to ${FILE}`);
  }
  if (json) process.stdout.write(`${JSON.stringify({ machine: m, limits: 'off for engine figures', figures })}\n`);
}

async function engineOnly(people: number): Promise<void> {
  process.stdout.write(`${JSON.stringify(await syncBench(people))}\n`);
}

const engineOnlyAt = argv.indexOf('--engine-only');
(engineOnlyAt >= 0 ? engineOnly(Number(argv[engineOnlyAt + 1])) : main()).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
