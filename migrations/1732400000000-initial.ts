import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first ledger schema (DESIGN §4). Hand-written SQL so that Postgres and embedded PGlite get exactly the same
 * tables. Names are qualified with the data source's schema because PGlite shares one backend session between all
 * connections, so a per-connection search_path cannot be relied on.
 */
export class Initial1732400000000 implements MigrationInterface {
  name = 'Initial1732400000000';

  async up(qr: QueryRunner): Promise<void> {
    const s = schemaOf(qr);
    await qr.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);

    await qr.query(`CREATE TABLE IF NOT EXISTS ${s}."link" (
      "id" uuid PRIMARY KEY,
      "sync" text NOT NULL,
      "agreed" jsonb NOT NULL DEFAULT '{}'::jsonb,
      "field_meta" jsonb NOT NULL DEFAULT '{}'::jsonb,
      "agreed_version" integer NOT NULL DEFAULT 0,
      "deleted_at" timestamptz NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await qr.query(`CREATE INDEX IF NOT EXISTS "idx_link_sync" ON ${s}."link" ("sync")`);

    await qr.query(`CREATE TABLE IF NOT EXISTS ${s}."link_member" (
      "id" uuid PRIMARY KEY,
      "link_id" uuid NOT NULL,
      "sync" text NOT NULL,
      "app" text NOT NULL,
      "external_id" text NULL,
      "shadow" jsonb NULL,
      "app_version" text NULL,
      "acked_version" integer NOT NULL DEFAULT 0,
      "pending" jsonb NOT NULL DEFAULT '[]'::jsonb,
      "field_updated_at" jsonb NULL,
      "match_keys" text[] NOT NULL DEFAULT '{}'::text[],
      "deleted" boolean NOT NULL DEFAULT false,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "fk_link_member_link" FOREIGN KEY ("link_id") REFERENCES ${s}."link" ("id") ON DELETE CASCADE,
      CONSTRAINT "uq_link_member_external" UNIQUE ("sync", "app", "external_id"),
      CONSTRAINT "uq_link_member_link_app" UNIQUE ("link_id", "app")
    )`);
    // Match-key lookups (`match_keys && $hashes`) need GIN; a b-tree cannot index array overlap.
    await qr.query(
      `CREATE INDEX IF NOT EXISTS "idx_link_member_match_keys" ON ${s}."link_member" USING gin ("match_keys")`,
    );

    await qr.query(`CREATE TABLE IF NOT EXISTS ${s}."cursor" (
      "sync" text NOT NULL,
      "connection" text NOT NULL,
      "object" text NOT NULL,
      "value" text NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_cursor" PRIMARY KEY ("sync", "connection", "object")
    )`);

    await qr.query(`CREATE TABLE IF NOT EXISTS ${s}."run" (
      "id" uuid PRIMARY KEY,
      "sync" text NOT NULL,
      "trigger" text NOT NULL CONSTRAINT "ck_run_trigger" CHECK ("trigger" IN ('schedule', 'webhook', 'manual', 'startup')),
      "stage" text NULL,
      "status" text NOT NULL CONSTRAINT "ck_run_status" CHECK ("status" IN ('running', 'succeeded', 'failed', 'held', 'abandoned')),
      "heartbeat_at" timestamptz NOT NULL DEFAULT now(),
      "counts" jsonb NOT NULL DEFAULT '{}'::jsonb,
      "started_at" timestamptz NOT NULL DEFAULT now(),
      "finished_at" timestamptz NULL,
      "error_summary" text NULL
    )`);
    await qr.query(`CREATE INDEX IF NOT EXISTS "idx_run_sync_status" ON ${s}."run" ("sync", "status")`);

    await qr.query(`CREATE TABLE IF NOT EXISTS ${s}."change" (
      "id" bigserial PRIMARY KEY,
      "run_id" uuid NULL,
      "link_id" uuid NULL,
      "app" text NULL,
      "op" text NOT NULL,
      "field" text NULL,
      "before" jsonb NULL,
      "after" jsonb NULL,
      "rule" text NULL,
      "decided_by" jsonb NULL,
      "at" timestamptz NOT NULL DEFAULT now()
    )`);
    // No foreign key to link: the audit outlives what it describes.
    await qr.query(`CREATE INDEX IF NOT EXISTS "idx_change_link" ON ${s}."change" ("link_id", "id")`);
    await qr.query(`CREATE INDEX IF NOT EXISTS "idx_change_run" ON ${s}."change" ("run_id")`);

    await qr.query(`CREATE TABLE IF NOT EXISTS ${s}."retry" (
      "id" uuid PRIMARY KEY,
      "sync" text NOT NULL,
      "app" text NOT NULL,
      "external_id" text NULL,
      "link_id" uuid NULL,
      "op" text NOT NULL,
      "payload" jsonb NOT NULL DEFAULT '{}'::jsonb,
      "attempts" integer NOT NULL DEFAULT 0,
      "next_at" timestamptz NOT NULL,
      "last_error_class" text NULL,
      "last_error_message" text NULL,
      "dead" boolean NOT NULL DEFAULT false,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await qr.query(`CREATE INDEX IF NOT EXISTS "idx_retry_due" ON ${s}."retry" ("next_at") WHERE "dead" = false`);
    await qr.query(`CREATE INDEX IF NOT EXISTS "idx_retry_target" ON ${s}."retry" ("sync", "app", "external_id")`);

    await qr.query(`CREATE TABLE IF NOT EXISTS ${s}."conflict" (
      "id" uuid PRIMARY KEY,
      "link_id" uuid NOT NULL,
      "field" text NOT NULL,
      "candidates" jsonb NOT NULL DEFAULT '{}'::jsonb,
      "status" text NOT NULL CONSTRAINT "ck_conflict_status" CHECK ("status" IN ('open', 'resolved')),
      "opened_at" timestamptz NOT NULL DEFAULT now(),
      "resolved_at" timestamptz NULL,
      "resolution" jsonb NULL,
      CONSTRAINT "fk_conflict_link" FOREIGN KEY ("link_id") REFERENCES ${s}."link" ("id") ON DELETE CASCADE
    )`);
    await qr.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS "uq_conflict_open" ON ${s}."conflict" ("link_id", "field") WHERE "status" = 'open'`,
    );

    await qr.query(`CREATE TABLE IF NOT EXISTS ${s}."webhook_event" (
      "id" uuid PRIMARY KEY,
      "connection" text NOT NULL,
      "provider_event_id" text NOT NULL,
      "received_at" timestamptz NOT NULL DEFAULT now(),
      "headers" jsonb NOT NULL DEFAULT '{}'::jsonb,
      "body" text NOT NULL,
      "processed_at" timestamptz NULL,
      "error" text NULL,
      CONSTRAINT "uq_webhook_event_provider" UNIQUE ("connection", "provider_event_id")
    )`);
    await qr.query(
      `CREATE INDEX IF NOT EXISTS "idx_webhook_event_unprocessed" ON ${s}."webhook_event" ("received_at") WHERE "processed_at" IS NULL`,
    );

    await qr.query(`CREATE TABLE IF NOT EXISTS ${s}."tombstone" (
      "id" uuid PRIMARY KEY,
      "sync" text NOT NULL,
      "kind" text NOT NULL CONSTRAINT "ck_tombstone_kind" CHECK ("kind" IN ('delete', 'erasure')),
      "app" text NULL,
      "external_id" text NULL,
      "key_hash" text NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "lifted_at" timestamptz NULL
    )`);
    await qr.query(
      `CREATE INDEX IF NOT EXISTS "idx_tombstone_record" ON ${s}."tombstone" ("sync", "app", "external_id")`,
    );
    await qr.query(`CREATE INDEX IF NOT EXISTS "idx_tombstone_key" ON ${s}."tombstone" ("sync", "key_hash")`);
  }

  async down(qr: QueryRunner): Promise<void> {
    const s = schemaOf(qr);
    for (const table of [
      'tombstone',
      'webhook_event',
      'conflict',
      'retry',
      'change',
      'run',
      'cursor',
      'link_member',
      'link',
    ]) {
      await qr.query(`DROP TABLE IF EXISTS ${s}."${table}"`);
    }
  }
}

/** The quoted schema the data source was opened with (`public` unless the `schema` option says otherwise). */
function schemaOf(qr: QueryRunner): string {
  const options = qr.connection.options as { schema?: string };
  const name = options.schema ?? 'public';
  return `"${name.replace(/"/g, '""')}"`;
}
