import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigIssue } from '@tandem/core';
import { connectionTypeInfo, knownConnectionTypes } from './connection-types.js';
import { didYouMean } from './did-you-mean.js';
import { checkDto } from './dto/check-dto.js';
import { ConnectionDto, EngineDto, TandemConfigDto } from './dto/root.dto.js';
import { isMapping, wholeNumber } from './dto/validators.js';
import { interpolateDocument } from './interpolate.js';
import { Issues } from './issues.js';
import { checkName } from './names.js';
import { resolveSync } from './resolve/sync.js';
import { warnLiteralSecrets } from './secrets.js';
import type { ConnectionConfig, EngineConfig, LoadedConfig, TandemConfig } from './types.js';
import { YamlSource } from './yaml-source.js';
import { checkStructure, toPlainData } from './yaml-structure.js';

type Env = Record<string, string | undefined>;

/**
 * Reads, interpolates and validates a tandem.yaml. Returns the resolved config and its warnings; throws a
 * ConfigError carrying every issue (errors and warnings, in file order) when anything is wrong.
 */
export function loadConfig(file: string, env: Env = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot read the file';
    throw new ConfigError(`${file}: 1 error`, [{ file, line: 1, col: 1, path: '', message: reason, severity: 'error' }]);
  }
  return parseConfig(text, file, env);
}

/** Like loadConfig, for text already in memory; `file` is only used in messages. */
export function parseConfig(text: string, file: string, env: Env = process.env): LoadedConfig {
  const { source, problems } = YamlSource.parse(text);
  const issues = new Issues(file, source);
  // After the first syntax error the parser's further errors are mostly echoes of it: report that one.
  const syntax = problems.find((p) => p.severity === 'error');
  if (syntax) {
    issues.addAt(syntax.pos.line, syntax.pos.col, `YAML syntax error: ${syntax.message}${flowHint(text, syntax.pos.line)}`, 'error');
    fail(file, issues);
  }
  for (const p of problems) issues.addAt(p.pos.line, p.pos.col, `YAML warning: ${p.message}`, p.severity);
  checkStructure(source, issues);
  if (issues.errorCount > 0) fail(file, issues);

  const interpolated = interpolateDocument(source, env, issues);
  const raw = toPlainData(source, issues);
  if (raw === undefined && issues.errorCount > 0) fail(file, issues);
  const config = resolveConfig(raw, file, interpolated, issues);
  if (issues.errorCount > 0 || !config) fail(file, issues);
  return { config, warnings: issues.sorted() };
}

/** `${VAR}` is not a plain value inside `{ … }` or `[ … ]`; that is the likeliest cause of a syntax error there. */
function flowHint(text: string, line: number): string {
  const source = text.split('\n')[line - 1] ?? '';
  return /[{[].*\$\{/.test(source) ? ' (inside { … } or [ … ], quote values that use ${…}: "${VAR}")' : '';
}

function fail(file: string, issues: Issues): never {
  const all: ConfigIssue[] = issues.sorted();
  const errors = issues.errorCount;
  throw new ConfigError(`${file}: ${errors} error${errors === 1 ? '' : 's'}`, all);
}

function resolveConfig(raw: unknown, file: string, interpolated: Set<string>, issues: Issues): TandemConfig | undefined {
  if (!isMapping(raw)) {
    issues.error([], 'the file must be a mapping with connections and syncs');
    return undefined;
  }
  checkDto(TandemConfigDto, raw, [], issues);
  const connections = resolveConnections(raw.connections, issues);
  warnLiteralSecrets(raw.connections, ['connections'], interpolated, issues);
  warnLiteralSecrets(raw.engine, ['engine'], interpolated, issues);
  const syncEntries = isMapping(raw.syncs) ? Object.entries(raw.syncs).filter(([name]) => checkName('sync', name, ['syncs', name], issues)) : [];
  const syncs = syncEntries.map(([name, sync]) => resolveSync(name, sync, connections, issues));
  if (isMapping(raw.syncs) && Object.keys(raw.syncs).length === 0) issues.error(['syncs'], 'define at least one sync');
  const engine = raw.engine === undefined ? undefined : resolveEngine(raw.engine, issues);
  if (issues.errorCount > 0) return undefined;
  const config: TandemConfig = { file, connections, syncs: syncs.filter((s) => s !== undefined) };
  if (engine) config.engine = engine;
  return config;
}

function resolveConnections(raw: unknown, issues: Issues): Record<string, ConnectionConfig> {
  const connections: Record<string, ConnectionConfig> = {};
  if (!isMapping(raw)) return connections;
  for (const [name, value] of Object.entries(raw)) {
    const path = ['connections', name];
    if (!checkName('connection', name, path, issues)) continue;
    // A broken connection is still recorded (its errors are reported here), so syncs naming it do not
    // add "unknown connection" errors on top.
    if (!isMapping(value)) {
      issues.error(path, 'must be a mapping with a type, e.g. { type: hubspot, token: ${HUBSPOT_TOKEN} }');
      connections[name] = { type: '', settings: {} };
      continue;
    }
    const { type, ...settings } = value;
    connections[name] = { type: typeof type === 'string' ? type : '', settings };
    if (!checkDto(ConnectionDto, value, path, issues, { extraKey: () => true })) continue;
    if (!connectionTypeInfo(type as string)) {
      issues.error([...path, 'type'], `unknown connection type "${String(type)}"${didYouMean(String(type), knownConnectionTypes())}`);
    }
  }
  return connections;
}

function resolveEngine(raw: unknown, issues: Issues): EngineConfig | undefined {
  if (!isMapping(raw) || !checkDto(EngineDto, raw, ['engine'], issues)) return undefined;
  const engine = raw as EngineDto;
  const { port, ...rest } = engine;
  return port === undefined ? { ...rest } : { ...rest, port: wholeNumber(port) };
}
