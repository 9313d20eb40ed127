export { loadConfig, parseConfig } from './load-config.js';
export { formatIssue, formatPath } from './issues.js';
export { expand } from './interpolate.js';
export { closest, didYouMean, levenshtein } from './did-you-mean.js';
export { connectionTypeInfo, knownConnectionTypes, registerConnectionType, type ConnectionTypeInfo } from './connection-types.js';
export { buildSchema, schemaText } from './schema/build-schema.js';
export type { ConnectionConfig, EngineConfig, LoadedConfig, TandemConfig } from './types.js';
