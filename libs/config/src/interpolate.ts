import { isMap, isScalar, isSeq } from 'yaml';
import type { Issues } from './issues.js';
import type { Segment, YamlSource } from './yaml-source.js';

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

type Env = Record<string, string | undefined>;

/** Result of expanding one string: the text, whether it used any `${…}`, and the problems found. */
interface Expansion {
  text: string;
  referenced: boolean;
  problems: string[];
}

/**
 * Expands `${VAR}` and `${VAR:-default}` in one string; `$${` stands for a literal `${`. As in the shell, the
 * default applies when the variable is unset or empty, and a plain `${VAR}` set to "" gives "".
 */
export function expand(text: string, env: Env): Expansion {
  let out = '';
  let referenced = false;
  const problems: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i + 2);
      if (end < 0) {
        problems.push('unterminated "${" (write "$${" for a literal "${")');
        return { text: out + text.slice(i), referenced, problems };
      }
      const body = text.slice(i + 2, end);
      referenced = true;
      out += resolveReference(body, env, problems);
      i = end + 1;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return { text: out, referenced, problems };
}

function resolveReference(body: string, env: Env, problems: string[]): string {
  const match = REFERENCE.exec(body);
  if (!match) {
    problems.push(`"\${${body}}" is not a variable reference (use \${NAME} or \${NAME:-default})`);
    return '';
  }
  const [, name, fallback] = match;
  const value = env[name];
  if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
  if (value === undefined) {
    problems.push(`environment variable ${name} is not set`);
    // Keep the reference, so later checks see a plausible value and do not add errors of their own.
    return `\${${name}}`;
  }
  return value;
}

/**
 * Expands every string scalar value of the document in place (never keys) and returns the paths whose value
 * came from a `${…}` reference, which the secret check needs. Problems are reported at the scalar.
 */
export function interpolateDocument(source: YamlSource, env: Env, issues: Issues): Set<string> {
  const referenced = new Set<string>();
  const walk = (node: unknown, path: Segment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index]));
    } else if (isScalar(node) && typeof node.value === 'string') {
      const result = expand(node.value, env);
      node.value = result.text;
      if (result.referenced) referenced.add(pathKey(path));
      for (const problem of result.problems) issues.error(path, problem);
    }
  };
  walk(source.doc.contents, []);
  return referenced;
}

/** A stable key for a path, used to remember which values were interpolated. */
export function pathKey(path: readonly Segment[]): string {
  return JSON.stringify(path);
}
