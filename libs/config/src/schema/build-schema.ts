import 'reflect-metadata';
import { CONFLICT_RULES, TRANSFORM_NAMES } from '@tandem/core';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { knownConnectionTypes } from '../connection-types.js';
import '../dto/conflicts.dto.js';
import '../dto/field.dto.js';
import '../dto/root.dto.js';
import '../dto/sync.dto.js';
import { CONSTRAINT } from '../dto/validators.js';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema> };

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
const scalar: Schema = { type: ['string', 'number', 'boolean', 'null'] };

/** JSON Schema of our custom class-validator decorators (keyed by constraint name). */
const CUSTOM: Record<string, Schema> = {
  [CONSTRAINT.scalar]: scalar,
  [CONSTRAINT.stringOrMapping]: { oneOf: [{ type: 'string' }, { type: 'object' }] },
  [CONSTRAINT.wholeNumber]: { description: 'A whole number, or a ${VAR} reference to one.', oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^\\d+$|\\$\\{' }] },
};

/**
 * The JSON Schema of tandem.yaml, for editors (validation and completion). Each fixed-shape section comes from
 * its class-validator DTO; the sections keyed by user-chosen names (connections, syncs, members, fields) are
 * assembled here, since a DTO cannot describe a mapping with free keys.
 */
export function buildSchema(): Schema {
  const defs = validationMetadatasToSchemas({
    refPointerPrefix: '#/definitions/',
    additionalConverters: { customValidation: (meta: { name?: string }) => CUSTOM[meta.name ?? ''] ?? {} },
  }) as Record<string, Schema>;
  const def = (name: string, additional: boolean | Schema, props: Record<string, Schema> = {}): Schema => {
    const base = defs[name];
    return { ...base, properties: { ...base.properties, ...merge(base.properties ?? {}, props) }, additionalProperties: additional };
  };
  const definitions: Record<string, Schema> = {
    ConnectionDto: def('ConnectionDto', true, { type: { type: 'string', minLength: 1, examples: knownConnectionTypes() } }),
    EngineDto: def('EngineDto', false),
    SyncDto: def('SyncDto', false, {
      members: { type: 'object', minProperties: 2, additionalProperties: ref('MemberDto') },
      fields: { type: 'object', minProperties: 1, additionalProperties: ref('FieldDto') },
      conflicts: ref('ConflictsDto'),
      onLink: { oneOf: [{ const: 'authority' }, preferRule()] },
    }),
    MemberDto: def('MemberDto', false, {
      filter: { type: 'object', additionalProperties: { oneOf: [scalar, { type: 'array', items: scalar, minItems: 1 }] } },
      onCreate: { type: 'object', additionalProperties: scalar },
    }),
    FieldDto: def('FieldDto', { oneOf: [{ type: 'string', minLength: 1 }, ref('FieldMemberDto')] }, {
      transform: { oneOf: [{ enum: [...TRANSFORM_NAMES] }, ref('TransformDto')] },
    }),
    FieldMemberDto: def('FieldMemberDto', false, {
      map: { type: 'object', additionalProperties: scalar },
      reverse: { type: 'object', additionalProperties: scalar },
      unmapped: { oneOf: [{ enum: ['pass', 'drop', 'error'] }, { type: 'object', properties: { default: scalar }, required: ['default'], additionalProperties: false }] },
    }),
    TransformDto: def('TransformDto', true, { name: { enum: [...TRANSFORM_NAMES] } }),
    ConflictsDto: def('ConflictsDto', false, {
      default: ref('ConflictRule'),
      fields: { type: 'object', additionalProperties: ref('ConflictRule') },
    }),
    ConflictRule: conflictRule(),
    LastWriteWinsDto: def('LastWriteWinsDto', false),
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://tandem-sync.dev/schema/tandem.schema.json',
    title: 'tandem.yaml',
    description: 'Configuration of Tandem, a two-way sync engine. Values may use ${VAR} and ${VAR:-default}.',
    ...def('TandemConfigDto', false, {
      connections: { type: 'object', additionalProperties: ref('ConnectionDto') },
      syncs: { type: 'object', minProperties: 1, additionalProperties: ref('SyncDto') },
      engine: ref('EngineDto'),
    }),
    definitions,
  };
}

/** The schema file's exact text: stable key order, two-space indent, trailing newline. */
export function schemaText(): string {
  return `${JSON.stringify(buildSchema(), null, 2)}\n`;
}

/** Keeps each property's generated description while replacing its type. */
function merge(base: Record<string, Schema>, overrides: Record<string, Schema>): Record<string, Schema> {
  return Object.fromEntries(
    Object.entries(overrides).map(([key, schema]) => {
      const description = base[key]?.description;
      const kept = description === undefined ? {} : { description };
      return [key, { ...kept, ...('$ref' in schema ? { allOf: [schema] } : schema) }];
    }),
  );
}

function preferRule(): Schema {
  return { type: 'object', properties: { prefer: { type: 'string' } }, required: ['prefer'], additionalProperties: false };
}

function conflictRule(): Schema {
  const plain = CONFLICT_RULES.filter((rule) => rule !== 'prefer');
  const lww = { type: 'object', properties: { 'last-write-wins': { oneOf: [{ type: 'null' }, ref('LastWriteWinsDto')] } }, required: ['last-write-wins'], additionalProperties: false };
  return { description: 'How concurrent different edits of a field are decided.', oneOf: [{ enum: plain }, preferRule(), lww] };
}
