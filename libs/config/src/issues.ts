import type { ConfigIssue } from '@tandem/core';
import type { Segment, YamlSource } from './yaml-source.js';

/** `syncs.contacts.match[1]`: dotted keys, list indexes in brackets. */
export function formatPath(path: readonly Segment[]): string {
  return path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), '');
}

/**
 * One line per issue: `FILE:LINE:COL  path: message`, warnings marked as such. This exact shape is what editors
 * and CI logs turn into clickable locations.
 */
export function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.col}`;
  const kind = issue.severity === 'warning' ? 'warning: ' : '';
  return issue.path ? `${where}  ${issue.path}: ${kind}${issue.message}` : `${where}  ${kind}${issue.message}`;
}

/** Collects every problem of one file, located by the YAML source, so the user sees them all at once. */
export class Issues {
  readonly list: ConfigIssue[] = [];

  constructor(
    readonly file: string,
    private readonly source: YamlSource | null,
  ) {}

  error(path: readonly Segment[], message: string, at: 'key' | 'value' = 'value'): void {
    this.add(path, message, 'error', at);
  }

  warn(path: readonly Segment[], message: string, at: 'key' | 'value' = 'value'): void {
    this.add(path, message, 'warning', at);
  }

  /** An issue at a known position (YAML syntax errors have a position but no path). */
  addAt(line: number, col: number, message: string, severity: ConfigIssue['severity'], path: readonly Segment[] = []): void {
    this.list.push({ file: this.file, line, col, path: formatPath(path), message, severity });
  }

  get errorCount(): number {
    return this.list.filter((i) => i.severity === 'error').length;
  }

  /** Issues in file order, errors before warnings on the same spot. */
  sorted(): ConfigIssue[] {
    return [...this.list].sort((a, b) => a.line - b.line || a.col - b.col || severityRank(a) - severityRank(b));
  }

  private add(path: readonly Segment[], message: string, severity: ConfigIssue['severity'], at: 'key' | 'value'): void {
    const pos = this.source ? this.source.locate(path, at) : { line: 1, col: 1 };
    this.list.push({ file: this.file, line: pos.line, col: pos.col, path: formatPath(path), message, severity });
  }
}

function severityRank(issue: ConfigIssue): number {
  return issue.severity === 'error' ? 0 : 1;
}
