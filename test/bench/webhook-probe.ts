/**
 * The webhook-latency bench's user and observer: edits a HubSpot contact's last name through HubSpot's API, then
 * polls the other two apps' APIs (Zendesk `users/show_many`, Mailchimp members changed since) until both show the
 * new value. Polls are batched so observing 50 changes a second costs a few requests every 50 ms, not one per change.
 */
import { performance } from 'node:perf_hooks';
// eslint-disable-next-line no-restricted-imports -- the sandbox is an app with no path alias
import type { Sandbox } from '../../apps/sandbox/src/index.js';

/** One person present in all three apps (ids per app, normalised email). */
export interface Tracked {
  email: string;
  crmId: string;
  deskId: string;
}

export interface Change {
  person: Tracked;
  value: string;
  /** performance.now() just before the edit was sent, and wall time for Mailchimp's since filter. */
  t0: number;
  wall0: number;
  seenDesk: number | null;
  seenMail: number | null;
  failed: boolean;
}

const POLL_MS = 50;

export class LatencyProbe {
  private readonly inFlight = new Map<string, Change>();
  readonly done: Change[] = [];
  private polling = false;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly sb: Sandbox) {}

  busy(email: string): boolean {
    return this.inFlight.has(email);
  }

  pending(): number {
    return this.inFlight.size;
  }

  /** Sends the edit; the change counts from just before the request leaves. */
  edit(person: Tracked, value: string): void {
    const change: Change = { person, value, t0: performance.now(), wall0: Date.now(), seenDesk: null, seenMail: null, failed: false };
    this.inFlight.set(person.email, change);
    void fetch(`${this.sb.hubspot.url}/crm/v3/objects/contacts/${person.crmId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${this.sb.hubspot.credentials.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { lastname: value } }),
    }).then(
      async (res) => {
        await res.arrayBuffer();
        if (!res.ok) this.fail(change);
      },
      () => this.fail(change),
    );
  }

  start(): void {
    this.loop ??= (async () => {
      while (!this.stopped) {
        const started = performance.now();
        if (this.inFlight.size > 0 && !this.polling) await this.poll();
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, POLL_MS - (performance.now() - started))));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Changes still not visible everywhere: given up on when the bench ends. */
  unseen(): Change[] {
    return [...this.inFlight.values()];
  }

  private fail(change: Change): void {
    change.failed = true;
    this.inFlight.delete(change.person.email);
    this.done.push(change);
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      const changes = [...this.inFlight.values()];
      await Promise.all([this.pollDesk(changes.filter((c) => c.seenDesk === null)), this.pollMail(changes.filter((c) => c.seenMail === null))]);
      for (const change of changes) {
        if (change.seenDesk !== null && change.seenMail !== null && this.inFlight.get(change.person.email) === change) {
          this.inFlight.delete(change.person.email);
          this.done.push(change);
        }
      }
    } finally {
      this.polling = false;
    }
  }

  private async pollDesk(changes: Change[]): Promise<void> {
    const { url, credentials } = this.sb.zendesk;
    const auth = `Basic ${Buffer.from(`${credentials.email}/token:${credentials.token}`).toString('base64')}`;
    for (let i = 0; i < changes.length; i += 100) {
      const chunk = changes.slice(i, i + 100);
      const res = await fetch(`${url}/api/v2/users/show_many.json?ids=${chunk.map((c) => c.person.deskId).join(',')}`, { headers: { authorization: auth } });
      if (!res.ok) continue;
      const body = (await res.json()) as { users: { id: number; user_fields?: Record<string, unknown> }[] };
      const now = performance.now();
      const byId = new Map(body.users.map((u) => [String(u.id), u]));
      for (const change of chunk) if (byId.get(change.person.deskId)?.user_fields?.last_name === change.value) change.seenDesk = now;
    }
  }

  private async pollMail(changes: Change[]): Promise<void> {
    if (changes.length === 0) return;
    const { url, credentials } = this.sb.mailchimp;
    // Mailchimp's filter works in whole seconds; a margin keeps every change made since the oldest one in view.
    const since = new Date(Math.min(...changes.map((c) => c.wall0)) - 2000).toISOString();
    const query = `since_last_changed=${encodeURIComponent(since)}&count=1000&fields=members.email_address,members.merge_fields.LNAME`;
    const res = await fetch(`${url}/3.0/lists/${credentials.listId}/members?${query}`, {
      headers: { authorization: `Basic ${Buffer.from(`bench:${credentials.apiKey}`).toString('base64')}` },
    });
    if (!res.ok) return;
    const body = (await res.json()) as { members: { email_address: string; merge_fields?: Record<string, unknown> }[] };
    const now = performance.now();
    const byEmail = new Map(body.members.map((m) => [m.email_address.trim().toLowerCase(), m]));
    for (const change of changes) if (byEmail.get(change.person.email)?.merge_fields?.LNAME === change.value) change.seenMail = now;
  }
}

/** The p-th percentile (nearest rank) of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
