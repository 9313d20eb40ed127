#!/usr/bin/env node
// The `tandem` command: runs the compiled CLI (built by `npm ci`/`npm run build`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/apps/cli/src/main.js');
if (!existsSync(entry)) {
  process.stderr.write('tandem: the project is not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(2);
}
await import(entry);
