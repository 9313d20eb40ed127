import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRANSFORM_NAMES } from '@tandem/core';
import { buildSchema, schemaText } from './build-schema.js';

const SCHEMA_FILE = join(process.cwd(), 'schema/tandem.schema.json');

describe('JSON Schema of tandem.yaml', () => {
  it('is checked in as generated from the DTO classes (run `npm run build && npm run schema` when this fails)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaText());
  });

  it('describes sync keys from the DTO and forbids keys it does not know', () => {
    const schema = buildSchema() as { definitions: Record<string, { properties: Record<string, unknown>; additionalProperties: unknown; required?: string[] }> };
    const sync = schema.definitions.SyncDto;
    expect(Object.keys(sync.properties)).toEqual(
      expect.arrayContaining(['members', 'match', 'authority', 'onLink', 'deletes', 'onDeleteConflict', 'schedule', 'debounce', 'maxDeletes', 'fields', 'conflicts']),
    );
    expect(sync.additionalProperties).toBe(false);
    expect(sync.required).toEqual(expect.arrayContaining(['members', 'match', 'fields']));
    expect(sync.properties.deletes).toMatchObject({ enum: ['propagate', 'archive', 'ignore'] });
  });

  it('lets a field name any member and offers the known transforms', () => {
    const schema = buildSchema() as { definitions: Record<string, { properties: Record<string, unknown>; additionalProperties: unknown }> };
    const field = schema.definitions.FieldDto;
    expect(field.additionalProperties).toEqual({ oneOf: [{ type: 'string', minLength: 1 }, { $ref: '#/definitions/FieldMemberDto' }] });
    expect(field.properties.transform).toMatchObject({ oneOf: [{ enum: [...TRANSFORM_NAMES] }, { $ref: '#/definitions/TransformDto' }] });
  });
});
