/**
 * Bench figures and how they are printed: each figure carries its target and whether it was met, and a figure
 * that could not be measured says so with the reason instead of a number.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export type Verdict = 'met' | 'missed' | 'info' | 'not measured yet';

export interface Figure {
  section: string;
  name: string;
  /** Measured value, null when not measured. */
  value: number | null;
  unit: string;
  /** Human-readable target (`≥ 100000`), or '' for informative figures. */
  target: string;
  verdict: Verdict;
  /** Workload, conditions (limits off/on), or why it was not measured. */
  note: string;
}

/** A measured figure checked against a lower (`min`) or upper (`max`) bound. */
export function checked(
  section: string,
  name: string,
  value: number,
  unit: string,
  bound: { min?: number; max?: number },
  note = '',
): Figure {
  const okMin = bound.min === undefined || value >= bound.min;
  const okMax = bound.max === undefined || value <= bound.max;
  const target = [bound.min !== undefined ? `≥ ${fmt(bound.min)}` : '', bound.max !== undefined ? `≤ ${fmt(bound.max)}` : '']
    .filter(Boolean)
    .join(' and ');
  return { section, name, value, unit, target: `${target} ${unit}`.trim(), verdict: okMin && okMax ? 'met' : 'missed', note };
}

/** A measured figure with no target of its own (context for another one). */
export function info(section: string, name: string, value: number, unit: string, note = ''): Figure {
  return { section, name, value, unit, target: '', verdict: 'info', note };
}

/** A figure the bench could not measure in this run, and why. */
export function notMeasured(section: string, name: string, target: string, reason: string): Figure {
  return { section, name, value: null, unit: '', target, verdict: 'not measured yet', note: reason };
}

export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  ramGb: number;
  os: string;
  node: string;
  commit: string;
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    commit: gitCommit(),
  };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The markdown section appended to BENCHMARKS.md for one run. */
export function markdown(m: Machine, figures: Figure[], title: string, preamble: string[]): string {
  const lines = [
    `## ${title} — ${m.date}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}; Node ${m.node}; commit ${m.commit}.`,
    '',
    ...preamble.map((p) => `- ${p}`),
    ...(preamble.length ? [''] : []),
    '| section | figure | value | target | verdict | notes |',
    '|---|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${cell(f.section)} | ${cell(f.name)} | ${f.value === null ? '—' : `${fmt(f.value)} ${f.unit}`.trim()} | ${cell(f.target || '—')} | ${f.verdict} | ${cell(f.note)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** One line per figure for the terminal. */
export function consoleLine(f: Figure): string {
  const value = f.value === null ? 'not measured yet' : `${fmt(f.value)} ${f.unit}`.trim();
  const target = f.target ? ` (target ${f.target}: ${f.verdict})` : '';
  return `${f.section} · ${f.name}: ${value}${target}${f.note ? ` — ${f.note}` : ''}`;
}
