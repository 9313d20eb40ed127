export { reconcile, resolveConflict, ConflictNotOpenError } from './reconcile.js';
export type { ConflictChoice } from './reconcile.js';
export { settle, unheldFields, SettleError } from './settle.js';
export type { SettleResult, StoredRecord } from './settle.js';
export { applyResult } from './apply.js';
export { isOlderVersion } from './views.js';
export { holdsImage } from './image.js';
