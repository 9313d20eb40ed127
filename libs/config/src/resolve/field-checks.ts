import { connectionTypeInfo } from '../connection-types.js';
import { didYouMean } from '../did-you-mean.js';
import type { Issues } from '../issues.js';
import type { ConnectionConfig } from '../types.js';
import type { FieldDraft } from './field.js';
import { transformLossy } from './transforms.js';

const TEMPLATE_REF = /\{([^{}]*)\}/g;

/** Two fields writing one app path would overwrite each other forever. */
export function checkDuplicatePaths(fields: FieldDraft[], issues: Issues): void {
  const owner = new Map<string, string>();
  for (const field of fields) {
    for (const [app, spec] of Object.entries(field.spec.apps)) {
      const key = `${app}\u0000${spec.path}`;
      const first = owner.get(key);
      if (first === undefined) owner.set(key, field.spec.name);
      else issues.error(field.appPathAt[app], `${app} path "${spec.path}" is already mapped by field "${first}"`);
    }
  }
}

/** A list of tags cannot be compared with a single value: the field's type must match what the app stores. */
export function checkSetPaths(fields: FieldDraft[], connections: Record<string, ConnectionConfig>, issues: Issues): void {
  for (const field of fields) {
    for (const [app, spec] of Object.entries(field.spec.apps)) {
      const connection = connections[app];
      const info = connectionTypeInfo(connection.type);
      if (!info) continue;
      const setPaths = info.setValuedPaths(connection.settings);
      const holdsSet = setPaths.includes(spec.path);
      if (field.spec.type === 'scalar' && holdsSet) {
        issues.error(field.appPathAt[app], `${app} path "${spec.path}" holds a set in ${connection.type}; declare the field with type: set`);
      } else if (field.spec.type === 'set' && !holdsSet) {
        const known = setPaths.length ? `set-valued paths: ${setPaths.join(', ')}` : `${connection.type} has no set-valued paths`;
        issues.error(field.appPathAt[app], `${app} path "${spec.path}" holds a single value, but the field is type: set (${known})`);
      }
    }
  }
}

/** A transform that drops information (a date without a year) would destroy data when copied back. */
export function checkLossyTransforms(fields: FieldDraft[], issues: Issues): void {
  for (const field of fields) {
    const transform = field.spec.transform;
    if (!field.twoWay || !transform) continue;
    const apps = Object.entries(field.spec.apps);
    let reportedAtTransform = false;
    for (const [app, spec] of apps) {
      if (!(spec.read && spec.write)) continue;
      const reason = transformLossy(transform.name, { ...transform.options, ...spec.transformOptions });
      if (reason === null) continue;
      const others = apps.map(([name]) => name).filter((name) => name !== app);
      const message = `transform "${transform.name}" loses information here (${reason}) and the field is two-way; make it one-way (direction: "${others.join(', ')} -> ${app}")`;
      if (spec.transformOptions?.format !== undefined) {
        issues.error([...field.path, app, 'format'], message);
      } else if (!reportedAtTransform) {
        issues.error([...field.path, 'transform'], message);
        reportedAtTransform = true;
      }
    }
  }
}

/** `{name}` references in templates must be canonical fields of the sync. */
export function checkTemplateRefs(template: string, at: (string | number)[], fieldNames: string[], issues: Issues, self?: string): void {
  for (const [, ref] of template.matchAll(TEMPLATE_REF)) {
    const name = ref.trim();
    if (name === self) issues.error(at, `template refers to its own field "${name}"`);
    else if (!fieldNames.includes(name)) issues.error(at, `template refers to unknown field "${name}"${didYouMean(name, fieldNames)}`);
  }
}
