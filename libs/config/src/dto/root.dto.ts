import { IsObject, IsString, IsNotEmpty } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsWholeNumber, Optional } from './validators.js';

/** The top level of tandem.yaml. */
export class TandemConfigDto {
  @JSONSchema({ description: 'Apps Tandem talks to, by name. Each has a `type` and the settings of that connector.' })
  @IsObject()
  connections!: Record<string, unknown>;

  @JSONSchema({ description: 'Sync groups by name: which apps keep which fields identical.' })
  @IsObject()
  syncs!: Record<string, unknown>;

  @JSONSchema({ description: 'Settings of the long-running engine (`npm start`).' })
  @Optional()
  @IsObject()
  engine?: Record<string, unknown>;
}

/** `connections.<name>`: the type plus connector settings (which the connector itself checks). */
export class ConnectionDto {
  @JSONSchema({ description: 'Connector type: hubspot, mailchimp, zendesk, memory, …' })
  @IsString()
  @IsNotEmpty()
  type!: string;
}

/** `engine`: how the long-running service listens and where it keeps its ledger. */
export class EngineDto {
  @JSONSchema({ description: 'HTTP port for webhooks, the admin API, /metrics and /health.' })
  @Optional()
  @IsWholeNumber()
  port?: number | string;

  @JSONSchema({ description: 'Address to listen on (default 127.0.0.1).' })
  @Optional()
  @IsString()
  host?: string;

  @JSONSchema({ description: 'Postgres URL for the ledger; without it the embedded PGlite store is used.' })
  @Optional()
  @IsString()
  database?: string;

  @JSONSchema({ description: 'Folder of the embedded ledger (default .tandem/).' })
  @Optional()
  @IsString()
  dataDir?: string;

  @JSONSchema({ description: 'Bearer token of the admin API. Give it as ${ENV_VAR}.' })
  @Optional()
  @IsString()
  adminToken?: string;
}
