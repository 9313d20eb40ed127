/**
 * Dotted-path access to the memory app's nested raw fields. A write patch may use dotted keys
 * (`address.city`) or nested objects (`{ address: { city } }`); both flatten to the same leaf paths,
 * so a patch to one nested field never wipes its siblings (as Zendesk merges `user_fields`).
 */

export type Fields = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Leaf entries of a patch by dotted path. Arrays and scalars are leaves; `undefined` means "remove". */
export function flattenPatch(patch: Fields, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(patch)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && Object.keys(value).length > 0) out.push(...flattenPatch(value, path));
    else out.push([path, value]);
  }
  return out;
}

/** Leaf paths of a stored record (used for per-field timestamps). */
export function leafPaths(fields: Fields): string[] {
  return flattenPatch(fields).map(([path]) => path);
}

export function getPath(fields: Fields, path: string): unknown {
  let node: unknown = fields;
  for (const part of path.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

export function setPath(fields: Fields, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = fields;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Fields;
  }
  node[parts[parts.length - 1]] = value;
}

/** Removes a leaf and any parent objects it leaves empty. */
export function deletePath(fields: Fields, path: string): void {
  const parts = path.split('.');
  const parents: Fields[] = [];
  let node = fields;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) return;
    parents.push(node);
    node = node[part] as Fields;
  }
  delete node[parts[parts.length - 1]];
  for (let i = parents.length - 1; i >= 0 && Object.keys(node).length === 0; i--) {
    delete parents[i][parts[i]];
    node = parents[i];
  }
}

/**
 * Whether two stored values are the same for the app. Set-valued fields compare unordered, so
 * re-sending the same tags in another order is not an effective change.
 */
export function sameStoredValue(a: unknown, b: unknown, setValued: boolean): boolean {
  if (setValued) {
    const left = new Set(asArray(a).map(String));
    const right = new Set(asArray(b).map(String));
    return left.size === right.size && [...left].every((v) => right.has(v));
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null || value === '' ? [] : [value];
}
