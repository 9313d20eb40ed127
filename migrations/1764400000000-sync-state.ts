import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-sync operator state shared by every engine instance: a sync paused through the admin API stays paused for all
 * of them and across restarts.
 */
export class SyncState1764400000000 implements MigrationInterface {
  name = 'SyncState1764400000000';

  async up(qr: QueryRunner): Promise<void> {
    const s = schemaOf(qr);
    await qr.query(`CREATE TABLE IF NOT EXISTS ${s}."sync_state" (
      "sync" text PRIMARY KEY,
      "paused" boolean NOT NULL DEFAULT false,
      "updated_at" timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query(`DROP TABLE IF EXISTS ${schemaOf(qr)}."sync_state"`);
  }
}

function schemaOf(qr: QueryRunner): string {
  const options = qr.connection.options as { schema?: string };
  return `"${(options.schema ?? 'public').replace(/"/g, '""')}"`;
}
