export { expandPaths, getPath, setPath } from './path.js';
export { appFields, flattenMapped, onlyElements, readField, readScalar, toCanonical, transformOptions } from './read.js';
export type { ReadOutcome, Unobserved } from './read.js';
export { buildCreate, fieldToRaw, holdsValue, renderTemplate, scalarToRaw, setToRaw, toRaw, wantedValue } from './write.js';
export type { WriteOutcome } from './write.js';
