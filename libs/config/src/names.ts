import type { Issues } from './issues.js';
import type { Segment } from './yaml-source.js';

/**
 * Names of connections, syncs and fields appear in dotted paths, `{field}` templates and commands, so they
 * stay simple: a letter, then letters, digits, `_` or `-`. (This also keeps `__proto__` out of our records.)
 */
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export function checkName(kind: 'connection' | 'sync' | 'field', name: string, path: Segment[], issues: Issues): boolean {
  if (NAME.test(name)) return true;
  issues.error(path, `${kind} name "${name}" must start with a letter and use only letters, digits, _ and -`, 'key');
  return false;
}
