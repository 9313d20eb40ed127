/**
 * What libs/config knows about each connector type, so it can check a file without loading connectors:
 * which app field paths hold sets (tags) rather than single values. Connectors register their own entry
 * with `registerConnectionType`; these defaults cover the shipped ones.
 */
export interface ConnectionTypeInfo {
  /** App field paths that hold a set of strings, given the connection's settings. */
  setValuedPaths(settings: Record<string, unknown>): readonly string[];
}

const catalogue = new Map<string, ConnectionTypeInfo>([
  ['hubspot', { setValuedPaths: () => [] }],
  ['mailchimp', { setValuedPaths: () => ['tags'] }],
  ['zendesk', { setValuedPaths: () => ['tags'] }],
  // The in-memory test app is schemaless beyond its default contact catalogue (where `tags` is the set):
  // a connection may list its set-valued fields in `setFields`.
  ['memory', { setValuedPaths: (settings) => (settings.setFields === undefined ? ['tags'] : stringList(settings.setFields)) }],
]);

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Adds or replaces the entry of a connector type. */
export function registerConnectionType(type: string, info: ConnectionTypeInfo): void {
  catalogue.set(type, info);
}

export function connectionTypeInfo(type: string): ConnectionTypeInfo | undefined {
  return catalogue.get(type);
}

export function knownConnectionTypes(): string[] {
  return [...catalogue.keys()];
}
