/**
 * Mailchimp webhooks. Mailchimp signs nothing: the callback URL carries a secret (`?secret=…`), compared in constant
 * time against every configured secret (two during a rotation). Bodies are form-encoded with PHP-style keys
 * (`type`, `fired_at`, `data[email]`, `data[merges][FNAME]`) and carry no event id, so the id is a hash of the body:
 * Mailchimp's retries of one delivery share it and the engine's dedup drops them.
 *
 * Members are named by subscriber hash and email, never by contact_id; the hints are translated through what the
 * connector has read (MemberDirectory). A member the connector has never read yields no hint: its change reaches the
 * sync through the next incremental read, since every change moves `last_changed`.
 */
import { createHash } from 'node:crypto';
import {
  constantTimeEqual,
  parseFormEncoded,
  WebhookPayloadError,
  WebhookSignatureError,
  type ChangeHint,
  type FormValue,
  type WebhookHandler,
  type WebhookRequest,
} from '@tandem/connector-sdk';
import type { MemberDirectory } from './mailchimp.members.js';

export const MAILCHIMP_SECRET_PARAM = 'secret';

type WebhookHint = { kind: 'changed' | 'deleted'; id: string } | { kind: 'rekeyed'; id: string; newId: string };

/** Mailchimp's `fired_at` ("2009-03-26 21:35:57", UTC) as epoch ms. */
export function parseFiredAt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(`${value.trim().replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

function text(value: FormValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export class MailchimpWebhooks implements WebhookHandler {
  private readonly secrets: string[];

  constructor(
    secrets: readonly string[],
    private readonly directory: MemberDirectory,
    private readonly object = 'members',
  ) {
    this.secrets = secrets.filter((s) => s !== '');
  }

  /** Checks the URL secret; every failure is a WebhookSignatureError (401). */
  verify(req: WebhookRequest): void {
    if (this.secrets.length === 0)
      throw new WebhookSignatureError('no-secret', 'no mailchimp webhook secret is configured');
    const presented = new URL(req.url, 'http://receiver.invalid').searchParams.get(MAILCHIMP_SECRET_PARAM);
    if (presented === null || presented === '') {
      throw new WebhookSignatureError('missing-signature', 'mailchimp webhook URL carries no secret');
    }
    // Compare against every secret (no early exit) so timing does not tell which one is current.
    let matched = false;
    for (const secret of this.secrets) matched = constantTimeEqual(secret, presented) || matched;
    if (!matched) throw new WebhookSignatureError('mismatch', 'mailchimp webhook secret does not match');
  }

  parse(req: WebhookRequest): ChangeHint[] {
    const form = parseFormEncoded(req.rawBody);
    const type = text(form.type);
    const data = form.data;
    if (type === undefined) throw new WebhookPayloadError('mailchimp webhook has no type');
    if (typeof data !== 'object' || Array.isArray(data)) throw new WebhookPayloadError('mailchimp webhook has no data');
    const eventId = createHash('sha256').update(req.rawBody).digest('hex').slice(0, 32);
    const occurredAt = parseFiredAt(text(form.fired_at));
    const base = { object: this.object, eventId, ...(occurredAt !== undefined ? { occurredAt } : {}) };
    const hint = this.hintFor(type, data);
    return hint === undefined ? [] : [{ ...hint, ...base } as ChangeHint];
  }

  private hintFor(type: string, data: Record<string, FormValue>): WebhookHint | undefined {
    switch (type) {
      case 'subscribe':
      case 'profile':
      case 'cleaned':
      case 'unsubscribe': {
        const id = this.contactOf(text(data.id), text(data.email));
        if (id === undefined) return undefined;
        // action=delete is an archive or a permanent deletion, not an opt-out.
        return { kind: type === 'unsubscribe' && text(data.action) === 'delete' ? 'deleted' : 'changed', id };
      }
      case 'upemail': {
        const oldEmail = text(data.old_email);
        const newEmail = text(data.new_email);
        if (oldEmail === undefined || newEmail === undefined)
          throw new WebhookPayloadError('mailchimp upemail lacks an address');
        return this.emailChange(oldEmail, newEmail);
      }
      default:
        // campaign events and anything newer say nothing about members.
        return undefined;
    }
  }

  /**
   * The contact_id usually survives an email change (a plain change). If a read already showed the new address under
   * another contact_id, the member was re-keyed; if not, and the account issues new ids, the next read reports it.
   */
  private emailChange(oldEmail: string, newEmail: string): WebhookHint | undefined {
    const oldId = this.directory.contactOfEmail(oldEmail);
    const newId = this.directory.contactOfEmail(newEmail);
    if (oldId !== undefined && newId !== undefined && oldId !== newId) return { kind: 'rekeyed', id: oldId, newId };
    const id = this.directory.moveEmail(oldEmail, newEmail) ?? newId;
    return id === undefined ? undefined : { kind: 'changed', id };
  }

  private contactOf(hash: string | undefined, email: string | undefined): string | undefined {
    if (hash !== undefined) {
      const byHash = this.directory.contactOfHash(hash);
      if (byHash !== undefined) return byHash;
    }
    return email === undefined ? undefined : this.directory.contactOfEmail(email);
  }
}
