import { writeFileSync } from 'node:fs';
import { schemaText } from '../src/schema/build-schema.js';
it('gen', () => writeFileSync('schema/tandem.schema.json', schemaText()));
