import { Initial1732400000000 } from './1732400000000-initial.js';
import { SyncState1764400000000 } from './1764400000000-sync-state.js';

/** Every ledger migration, oldest first. Add a new class here when you add a file. */
export const LEDGER_MIGRATIONS = [Initial1732400000000, SyncState1764400000000];
