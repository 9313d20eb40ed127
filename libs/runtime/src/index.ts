export * from './api.js';
export * from './counts.js';
export * from './errors.js';
export { runCycle } from './cycle.js';
export * from './erase.js';
export { explainRecord, approveRun, type RecordExplanation } from './explain.js';
export { deleteLimit } from './holds.js';
export { settledEchoes, type EchoQuery } from './echoes.js';
