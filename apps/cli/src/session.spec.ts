import type { TandemConfig } from '@tandem/config';
import { ledgerOptions, selectSyncs } from './session.js';

const config = (engine?: TandemConfig['engine']): TandemConfig => ({
  file: 't.yaml',
  connections: {},
  syncs: [{ name: 'contacts' }, { name: 'companies' }] as TandemConfig['syncs'],
  ...(engine ? { engine } : {}),
});

describe('where commands find the ledger', () => {
  it('prefers engine.database, then DATABASE_URL, for Postgres', () => {
    expect(ledgerOptions(config({ database: 'postgres://a/b' }), { DATABASE_URL: 'postgres://c/d' })).toEqual({ databaseUrl: 'postgres://a/b' });
    expect(ledgerOptions(config(), { DATABASE_URL: 'postgres://c/d' })).toEqual({ databaseUrl: 'postgres://c/d' });
  });

  it('falls back to embedded PGlite in engine.dataDir, then TANDEM_DATA_DIR, then .tandem/pgdata', () => {
    expect(ledgerOptions(config({ dataDir: 'memory://' }), { TANDEM_DATA_DIR: '/tmp/x' })).toEqual({ databaseUrl: null, dataDir: 'memory://' });
    expect(ledgerOptions(config(), { TANDEM_DATA_DIR: '/tmp/x' })).toEqual({ databaseUrl: null, dataDir: '/tmp/x' });
    expect(ledgerOptions(config(), {})).toEqual({ databaseUrl: null, dataDir: '.tandem/pgdata' });
  });

  it('passes the deployment\'s match-key secret through', () => {
    expect(ledgerOptions(config(), { TANDEM_KEY_SECRET: 's3cret' }).keySecret).toBe('s3cret');
  });
});

describe('choosing syncs', () => {
  it('takes every sync, or only the named one, and suggests the closest name for a typo', () => {
    expect(selectSyncs(config(), undefined).map((s) => s.name)).toEqual(['contacts', 'companies']);
    expect(selectSyncs(config(), 'companies').map((s) => s.name)).toEqual(['companies']);
    expect(() => selectSyncs(config(), 'contcts')).toThrow('no sync named "contcts" (did you mean "contacts"?) (syncs: contacts, companies)');
  });
});
