import { isMapping } from './dto/validators.js';
import { pathKey } from './interpolate.js';
import type { Issues } from './issues.js';
import type { Segment } from './yaml-source.js';

/** Setting names that hold credentials: token, apiKey, api_key, secret, webhookSecret, clientSecret, password, … */
const SECRET_KEY = /(token|api_?key|secret|password)$/i;

/**
 * Warns about credentials written into the file instead of `${ENV}` references: the file ends up in git,
 * the environment does not.
 */
export function warnLiteralSecrets(value: unknown, path: Segment[], interpolated: Set<string>, issues: Issues): void {
  if (!isMapping(value)) return;
  for (const [key, entry] of Object.entries(value)) {
    const at = [...path, key];
    if (isMapping(entry)) warnLiteralSecrets(entry, at, interpolated, issues);
    else if (SECRET_KEY.test(key) && typeof entry === 'string' && entry !== '' && !interpolated.has(pathKey(at))) {
      issues.warn(at, `"${key}" looks like a secret written in the file; use \${ENV_VAR} instead`);
    }
  }
}
