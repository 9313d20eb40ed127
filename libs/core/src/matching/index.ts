export { normaliseKey, recordKeys } from './keys.js';
export type { IdentityKey } from './keys.js';
export { matchRecords } from './match.js';
export type { DuplicateReport, KnownLink, MatchCandidate, MatchResult } from './match.js';
