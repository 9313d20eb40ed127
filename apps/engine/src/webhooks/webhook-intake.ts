/**
 * Receiving one webhook request: verify it with the connection's verifier, parse it into change hints, and persist it
 * (deduplicated) before the caller answers 2xx. Processing happens later, in WebhookDrain.
 */
import { createHash } from 'node:crypto';
import {
  WebhookPayloadError,
  WebhookSignatureError,
  type ChangeHint,
  type Connector,
  type WebhookRequest,
} from '@tandem/connector-sdk';
import type { Ledger } from '@tandem/ledger';
import type { RuntimeLogger } from '@tandem/runtime';
import type { EngineMetrics } from '../ops/metrics.js';

/** Stored beside the raw body: the hints as parsed at receipt (parsers may depend on what this process has read). */
export const HINTS_HEADER = 'x-tandem-hints';
/** Request headers worth keeping with the event; nothing that authenticates. */
const KEPT_HEADERS = ['content-type', 'user-agent'];

export type IntakeResult =
  | { status: 200; eventId: string; duplicate: boolean }
  | { status: 400 | 401 | 404; code: string; message: string };

export interface IntakeDeps {
  ledger: Ledger;
  connectors(): Record<string, Connector>;
  metrics: EngineMetrics;
  logger: RuntimeLogger;
  /** Called after a new event is stored, to get it processed. */
  onStored(connection: string): void;
}

/**
 * The provider's id for a delivery: its one event id, a digest of all its event ids (HubSpot batches events), or a
 * digest of the body when the provider sends no ids. A redelivery carries the same ids and so the same key.
 */
export function providerEventId(hints: ChangeHint[], rawBody: Buffer): string {
  const ids = [...new Set(hints.flatMap((h) => (h.eventId === undefined ? [] : [h.eventId])))].sort();
  if (ids.length === 1) return `event:${ids[0]}`;
  if (ids.length > 1) return `events:${createHash('sha256').update(ids.join('\u0000')).digest('hex')}`;
  return `body:${createHash('sha256').update(rawBody).digest('hex')}`;
}

export class WebhookIntake {
  constructor(private readonly deps: IntakeDeps) {}

  /** True when the connection exists and can receive webhooks (Mailchimp's validation GET gets 200). */
  accepts(connection: string): boolean {
    return this.handler(connection) !== undefined;
  }

  async receive(connection: string, req: WebhookRequest): Promise<IntakeResult> {
    const handler = this.handler(connection);
    if (!handler) {
      this.deps.metrics.webhook('unknown', 'unknown-connection');
      return { status: 404, code: 'WEBHOOK_UNKNOWN_CONNECTION', message: 'no connection of that name receives webhooks' };
    }
    let hints: ChangeHint[];
    try {
      handler.verify(req);
      hints = handler.parse(req);
    } catch (error) {
      return this.rejected(connection, error);
    }
    const stored = await this.deps.ledger.webhookEvents.insert({
      connection,
      providerEventId: providerEventId(hints, req.rawBody),
      headers: { ...keptHeaders(req), [HINTS_HEADER]: JSON.stringify(hints) },
      body: req.rawBody.toString('utf8'),
      receivedAt: new Date(req.receivedAt),
    });
    this.deps.metrics.webhook(connection, stored.isNew ? 'accepted' : 'duplicate');
    if (stored.isNew) this.deps.onStored(connection);
    return { status: 200, eventId: stored.id, duplicate: !stored.isNew };
  }

  private handler(connection: string): Connector['webhooks'] {
    const connectors = this.deps.connectors();
    return Object.hasOwn(connectors, connection) ? connectors[connection]?.webhooks : undefined;
  }

  private rejected(connection: string, error: unknown): IntakeResult {
    if (error instanceof WebhookSignatureError) {
      this.deps.metrics.webhook(connection, 'unauthorized');
      this.deps.logger.warn({ connection, reason: error.reason }, 'webhook refused: signature');
      return { status: 401, code: error.code, message: 'webhook signature refused' };
    }
    if (error instanceof WebhookPayloadError) {
      this.deps.metrics.webhook(connection, 'malformed');
      this.deps.logger.warn({ connection, code: error.code }, 'webhook refused: malformed body');
      return { status: 400, code: error.code, message: 'webhook body cannot be read' };
    }
    throw error;
  }
}

function keptHeaders(req: WebhookRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const key = name.toLowerCase();
    if (KEPT_HEADERS.includes(key) && value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
