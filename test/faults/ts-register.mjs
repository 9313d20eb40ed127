/** `node --import ./test/faults/ts-register.mjs apps/engine/src/main.ts …`: see ts-hooks.mjs. */
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
