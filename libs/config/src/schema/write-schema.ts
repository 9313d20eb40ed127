/** Writes schema/tandem.schema.json (run `npm run schema` after changing a DTO; a spec fails while it is stale). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { schemaText } from './build-schema.js';

const target = resolve(process.argv[2] ?? 'schema/tandem.schema.json');
writeFileSync(target, schemaText());
process.stdout.write(`wrote ${target}\n`);
