import type { FieldInfo } from './connector.js';

/** A catalogue entry with the common defaults: optional on create, writable, set-valued only when its type is `set`. */
export function fieldInfo(path: string, type: FieldInfo['type'], extra: Partial<FieldInfo> = {}): FieldInfo {
  return { path, type, requiredOnCreate: false, setValued: type === 'set', readOnly: false, ...extra };
}
