// migrations/ is the repo's top-level migration folder, not a lib, so it has no @tandem alias.
// eslint-disable-next-line no-restricted-imports
export { LEDGER_MIGRATIONS } from '../../../migrations/index.js';
