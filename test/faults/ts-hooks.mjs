/**
 * Node module hooks that run the repo's TypeScript sources without a build (the kill -9 fault test spawns the real
 * engine entry point, apps/engine/src/main.ts, as its own process; `npm test` does not build dist/). Each .ts file is
 * transpiled alone, as ts-jest does for the rest of the suite, and the tsconfig path aliases are resolved here.
 * Output is cached by content hash in the OS temp folder: restarts (the test starts the engine several times) skip
 * loading the compiler and transpiling, which is most of a cold start.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../../', import.meta.url);
const LIBS = new Set(['core', 'config', 'ledger', 'runtime', 'connector-sdk']);

const CACHE = join(tmpdir(), 'tandem-ts-hooks-cache');
let ts;

function transpile(source, fileName) {
  ts ??= createRequire(import.meta.url)('typescript');
  const compilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    inlineSourceMap: true,
  };
  return ts.transpileModule(source, { fileName, compilerOptions }).outputText;
}

/** The transpiled file, from the cache when this exact source (and path) was transpiled before. */
async function cached(source, fileName) {
  const key = createHash('sha256').update(fileName).update('\0').update(source).digest('hex');
  const file = join(CACHE, `${key}.js`);
  try {
    return await readFile(file, 'utf8');
  } catch {
    const output = transpile(source, fileName);
    await mkdir(CACHE, { recursive: true });
    // Written aside then renamed, so a concurrent start never reads half a file.
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, output);
    await rename(temp, file);
    return output;
  }
}

function alias(specifier) {
  if (!specifier.startsWith('@tandem/')) return undefined;
  const name = specifier.slice('@tandem/'.length);
  if (LIBS.has(name)) return new URL(`libs/${name}/src/index.ts`, ROOT);
  if (name === 'connectors') return new URL('connectors/index.ts', ROOT);
  if (name.startsWith('connectors/')) return new URL(`connectors/${name.slice('connectors/'.length)}/index.ts`, ROOT);
  return undefined;
}

export async function resolve(specifier, context, next) {
  const aliased = alias(specifier);
  if (aliased) return { url: aliased.href, shortCircuit: true };
  const relative = specifier.startsWith('./') || specifier.startsWith('../');
  if (relative && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(source))) return { url: source.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  return { format: 'module', source: await cached(await readFile(fileName, 'utf8'), fileName), shortCircuit: true };
}
