import type { LedgerContext } from '../context.js';

/** Operator state per sync (paused), shared by every engine instance through the ledger. */
export class SyncStatesRepository {
  constructor(private readonly ctx: LedgerContext) {}

  private table(): string {
    const schema = (this.ctx.dataSource.options as { schema?: string }).schema ?? 'public';
    return `"${schema.replace(/"/g, '""')}"."sync_state"`;
  }

  async setPaused(sync: string, paused: boolean): Promise<void> {
    await this.ctx.dataSource.query(
      `INSERT INTO ${this.table()} (sync, paused, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (sync) DO UPDATE SET paused = EXCLUDED.paused, updated_at = EXCLUDED.updated_at`,
      [sync, paused, this.ctx.now().toISOString()],
    );
  }

  async pausedSyncs(): Promise<string[]> {
    const rows: { sync: string }[] = await this.ctx.dataSource.query(`SELECT sync FROM ${this.table()} WHERE paused ORDER BY sync`);
    return rows.map((r) => r.sync);
  }
}
