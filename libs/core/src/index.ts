export * from './errors.js';
export * from './model.js';
export * from './reconcile-types.js';
export * from './transforms/index.js';
export * from './equality.js';
export * from './mapping/index.js';
export * from './matching/index.js';
export * from './reconcile/index.js';
