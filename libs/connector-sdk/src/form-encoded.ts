import { WebhookPayloadError } from './errors.js';

export type FormValue = string | FormValue[] | { [key: string]: FormValue };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses an application/x-www-form-urlencoded body with PHP-style bracketed keys (Mailchimp webhooks:
 * `data[merges][FNAME]=Ann`) into a nested object. `a[]=x` appends to a list; objects whose keys are exactly
 * 0..n-1 become arrays (`data[merges][GROUPINGS][0][id]`). A repeated plain key keeps its last value.
 * Throws WebhookPayloadError on malformed keys or a key used both as a value and as a container.
 */
export function parseFormEncoded(body: string | Buffer): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  const params = new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'));
  for (const [key, value] of params) {
    assign(root, splitKey(key), value);
  }
  return listify(root) as Record<string, FormValue>;
}

/** `a[b][c]` → ['a', 'b', 'c']; `a[]` → ['a', '']. */
function splitKey(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) throw new WebhookPayloadError('form body has a malformed key', { keyLength: key.length });
  const segments = [match[1]];
  for (const part of match[2].matchAll(/\[([^[\]]*)\]/g)) segments.push(part[1]);
  for (const segment of segments) {
    if (FORBIDDEN_KEYS.has(segment)) throw new WebhookPayloadError('form body uses a reserved key');
  }
  return segments;
}

type Container = Record<string, FormValue> | FormValue[];

function assign(root: Record<string, FormValue>, segments: string[], value: string): void {
  let node: Container = root;
  for (let i = 0; i < segments.length; i++) {
    const isLast = i === segments.length - 1;
    const segment = segments[i];
    if (Array.isArray(node)) {
      if (segment !== '') throw conflict();
      if (isLast) node.push(value);
      else {
        const child: Container = segments[i + 1] === '' ? [] : {};
        node.push(child);
        node = child;
      }
      continue;
    }
    if (isLast) {
      if (isContainer(node[segment])) throw conflict();
      node[segment] = value;
      return;
    }
    const existing: FormValue | undefined = node[segment];
    if (typeof existing === 'string') throw conflict();
    const child: Container = existing ?? (segments[i + 1] === '' ? [] : {});
    if (Array.isArray(child) !== (segments[i + 1] === '')) throw conflict();
    node[segment] = child;
    node = child;
  }
}

function isContainer(value: FormValue | undefined): boolean {
  return value !== undefined && typeof value !== 'string';
}

function conflict(): WebhookPayloadError {
  return new WebhookPayloadError('form body uses a key both as a value and as a group');
}

/** Turns objects keyed exactly '0'..'n-1' into arrays, recursively. */
function listify(value: FormValue): FormValue {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(listify);
  const keys = Object.keys(value);
  const out: Record<string, FormValue> = {};
  for (const key of keys) out[key] = listify(value[key]);
  const sequential = keys.length > 0 && keys.every((k, i) => k === String(i));
  return sequential ? keys.map((k) => out[k]) : out;
}
