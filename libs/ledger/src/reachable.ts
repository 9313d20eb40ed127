import pg from 'pg';

/**
 * Whether a Postgres server answers at `url` within `timeoutMs` — how tests, benchmarks and fault runs choose between
 * Postgres and embedded PGlite.
 */
export async function postgresReachable(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
