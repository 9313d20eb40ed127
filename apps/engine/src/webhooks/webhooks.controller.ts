/**
 * `POST /webhooks/:connection`: verify, persist, answer — the event is processed later (WebhookDrain).
 * `GET /webhooks/:connection`: Mailchimp checks a webhook URL with a GET before it saves it; a known connection says 200.
 * The body arrives raw (a Buffer) for every content type: signatures are computed over the exact bytes.
 */
import { Controller, Get, HttpCode, HttpException, Inject, NotFoundException, Param, Post, Req } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { WebhookRequest } from '@tandem/connector-sdk';
import { EngineCore } from '../core/engine-core.js';

/** The parts of Express's request the receiver reads (Express ships no types here). */
export interface RawRequest {
  method: string;
  protocol: string;
  originalUrl: string;
  headers: IncomingHttpHeaders;
  body?: unknown;
  get(name: string): string | undefined;
}

/** Requests under this path keep their body raw (see engine.ts). */
export const WEBHOOK_PATH_PREFIX = '/webhooks/';

@Controller('webhooks')
export class WebhooksController {
  constructor(@Inject(EngineCore) private readonly core: EngineCore) {}

  @Get(':connection')
  ping(@Param('connection') connection: string): { ok: true } {
    if (!this.core.intake.accepts(connection)) throw new NotFoundException({ error: 'WEBHOOK_UNKNOWN_CONNECTION' });
    return { ok: true };
  }

  @Post(':connection')
  @HttpCode(200)
  async receive(@Param('connection') connection: string, @Req() req: RawRequest): Promise<{ received: true; duplicate: boolean }> {
    const result = await this.core.intake.receive(connection, toWebhookRequest(req));
    if (result.status !== 200) throw new HttpException({ error: result.code, message: result.message }, result.status);
    return { received: true, duplicate: result.duplicate };
  }
}

/**
 * The request as the app sent it. The URL is rebuilt from the Host header because HubSpot signs the full URL it
 * posted to (a proxy in front sets `webhookUrl` on the connection instead).
 */
export function toWebhookRequest(req: RawRequest): WebhookRequest {
  const body: unknown = req.body;
  return {
    method: req.method,
    url: `${req.protocol}://${req.get('host') ?? '127.0.0.1'}${req.originalUrl}`,
    headers: req.headers,
    rawBody: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
    receivedAt: Date.now(),
  };
}
