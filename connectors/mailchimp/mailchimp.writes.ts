/**
 * Mailchimp writes. Creates and plain updates go through one batch upsert (`POST /lists/{id}`, update_existing), keyed
 * by email, whose per-address `errors[]` become per-op failures; the batch is safe to repeat, so a retried create never
 * makes a second member. Tags ride in the batch with `sync_tags` (the member's tags become the list sent); should the
 * stored tags still differ, the difference goes to the tags endpoint. An update that changes the email cannot go
 * through the batch (it would add a new address): it is a PATCH on the member's current hash, its tags diffed against
 * the member's and sent to the tags endpoint. Delete and archive both archive (Mailchimp's DELETE); permanent deletion is `erase` only.
 */
import {
  NotFoundError,
  failedWrite,
  redactPii,
  writeFailureFor,
  type AppRecord,
  type FailedWrite,
  type WriteOp,
  type WriteResult,
} from '@tandem/connector-sdk';
import type { McBatchError, McMember, MailchimpClient } from './mailchimp.client.js';
import { tagDiff, toAppRecord, toMemberChange, type MemberChange } from './mailchimp.fields.js';
import type { MemberDirectory } from './mailchimp.members.js';

interface BatchItem {
  op: Extract<WriteOp, { op: 'create' | 'update' }>;
  email: string;
  body: Record<string, unknown>;
  tags?: string[];
}

interface PatchItem {
  op: Extract<WriteOp, { op: 'update' }>;
  change: MemberChange;
}

export interface MailchimpWriterOptions {
  client: MailchimpClient;
  directory: MemberDirectory;
  object: string;
  /** status_if_new when a create does not name a status. */
  statusIfNew?: string;
}

export class MailchimpWriter {
  constructor(private readonly options: MailchimpWriterOptions) {}

  async write(ops: WriteOp[]): Promise<WriteResult[]> {
    const results = new Map<string, WriteResult>();
    const batch: BatchItem[] = [];
    const patches: PatchItem[] = [];
    const archives: (WriteOp & { op: 'delete' | 'archive' })[] = [];
    for (const op of ops) {
      if (op.op === 'delete' || op.op === 'archive') archives.push(op);
      else if (op.op === 'create') this.planCreate(op, batch, results);
      else await this.planUpdate(op, { batch, patches }, results);
    }
    await Promise.all([
      this.runBatch(batch, results),
      ...patches.map((item) => this.runPatch(item, results)),
      ...archives.map((op) => this.runArchive(op, results)),
    ]);
    return ops.map((op) => results.get(op.ref) ?? { ref: op.ref, status: 'unknown' });
  }

  private planCreate(op: WriteOp & { op: 'create' }, batch: BatchItem[], results: Map<string, WriteResult>): void {
    const change = toMemberChange(op.fields);
    if (!('body' in change))
      return void results.set(op.ref, failedWrite(op.ref, change.code, change.message, false, change.field));
    const email = typeof change.body.email_address === 'string' ? change.body.email_address.trim() : '';
    if (email === '') {
      return void results.set(
        op.ref,
        failedWrite(op.ref, 'REQUIRED_FIELD', 'email_address is required', false, 'email_address'),
      );
    }
    const status = change.body.status ?? this.options.statusIfNew;
    if (typeof status !== 'string' || status === '') {
      return void results.set(
        op.ref,
        failedWrite(op.ref, 'REQUIRED_FIELD', 'status is required on create', false, 'status'),
      );
    }
    batch.push({ op, email, body: { ...change.body, email_address: email, status_if_new: status }, tags: change.tags });
  }

  private async planUpdate(
    op: WriteOp & { op: 'update' },
    plans: { batch: BatchItem[]; patches: PatchItem[] },
    results: Map<string, WriteResult>,
  ): Promise<void> {
    const change = toMemberChange(op.fields);
    if (!('body' in change))
      return void results.set(op.ref, failedWrite(op.ref, change.code, change.message, false, change.field));
    let current: string | undefined;
    try {
      current = await this.currentEmail(op.id);
    } catch (error) {
      return void results.set(op.ref, writeFailureFor(op.ref, error));
    }
    if (current === undefined) return void results.set(op.ref, failedWrite(op.ref, 'NOT_FOUND', 'member not found', false));
    const next = change.body.email_address;
    if (typeof next === 'string' && next.trim().toLowerCase() !== current.toLowerCase()) {
      plans.patches.push({ op, change });
    } else if (Object.keys(change.body).length > 0 || change.tags !== undefined) {
      plans.batch.push({ op, email: current, body: { ...change.body, email_address: current }, tags: change.tags });
    } else {
      results.set(op.ref, { ref: op.ref, status: 'ok', id: op.id });
    }
  }

  /** The member's current address, from what reads taught us, else by asking Mailchimp. */
  private async currentEmail(contactId: string): Promise<string | undefined> {
    const known = this.options.directory.email(contactId);
    if (known !== undefined) return known;
    const member = await this.options.client.getMember(contactId);
    if (member === null || member.contact_id !== contactId) return undefined;
    this.options.directory.learn(member, this.options.object);
    return member.email_address;
  }

  private async runBatch(items: BatchItem[], results: Map<string, WriteResult>): Promise<void> {
    const byEmail = new Map<string, BatchItem>();
    for (const item of items) {
      const key = item.email.toLowerCase();
      // Two ops on one address in one batch would be applied in an order we cannot see: send the second next time.
      if (byEmail.has(key))
        results.set(item.op.ref, failedWrite(item.op.ref, 'DUPLICATE_IN_BATCH', 'address already in this batch', true));
      else byEmail.set(key, item);
    }
    // Members whose tags are written go in a batch with sync_tags (their tags become exactly the list sent), so a
    // tag change costs no request of its own; the others go in a batch that leaves tags alone.
    const tagged = [...byEmail].filter(([, item]) => item.tags !== undefined);
    const untagged = [...byEmail].filter(([, item]) => item.tags === undefined);
    await Promise.all([this.sendBatch(tagged, true, results), this.sendBatch(untagged, false, results)]);
  }

  private async sendBatch(items: [string, BatchItem][], syncTags: boolean, results: Map<string, WriteResult>): Promise<void> {
    if (items.length === 0) return;
    let response;
    try {
      const members = items.map(([, item]) => (syncTags ? { ...item.body, tags: item.tags } : item.body));
      response = await this.options.client.batchUpsert(members, { syncTags });
    } catch (error) {
      for (const [, item] of items) results.set(item.op.ref, writeFailureFor(item.op.ref, error));
      return;
    }
    const errors = new Map<string, McBatchError>(response.errors.map((e) => [e.email_address.trim().toLowerCase(), e]));
    const stored = new Map<string, McMember>(
      [...response.new_members, ...response.updated_members].map((m) => [m.email_address.trim().toLowerCase(), m]),
    );
    await Promise.all(
      items.map(async ([key, item]) => {
        const error = errors.get(key);
        const member = stored.get(key);
        // settle() still diffs the tags the batch stored against those asked for, and fixes any difference.
        if (error) results.set(item.op.ref, this.batchFailure(item.op.ref, error));
        else if (member) results.set(item.op.ref, await this.settle(item.op.ref, member, item.tags));
      }),
    );
  }

  private batchFailure(ref: string, error: McBatchError): FailedWrite {
    const code = error.error_code || 'ERROR_GENERIC';
    return failedWrite(
      ref,
      code,
      `mailchimp rejected the member: ${redactPii(error.error)}`,
      false,
      error.field || undefined,
    );
  }

  private async runPatch(item: PatchItem, results: Map<string, WriteResult>): Promise<void> {
    const { op, change } = item;
    try {
      const member = await this.withMember(op.id, (key) => this.options.client.patchMember(key, change.body));
      results.set(op.ref, await this.settle(op.ref, member, change.tags));
    } catch (error) {
      results.set(op.ref, writeFailureFor(op.ref, error));
    }
  }

  private async runArchive(op: WriteOp & { op: 'delete' | 'archive' }, results: Map<string, WriteResult>) {
    try {
      const { directory, client } = this.options;
      const key = directory.pathKey(op.id);
      // Not found under its last known hash nor under its contact_id: already gone, which is what was asked.
      if (!(await client.archive(key)) && key !== op.id) await client.archive(op.id);
      results.set(op.ref, { ref: op.ref, status: 'ok', id: op.id });
    } catch (error) {
      results.set(op.ref, writeFailureFor(op.ref, error));
    }
  }

  /** Runs `call` on the member's last known hash, then on its contact_id if the hash is stale. */
  private async withMember<T>(contactId: string, call: (key: string) => Promise<T>): Promise<T> {
    const key = this.options.directory.pathKey(contactId);
    try {
      return await call(key);
    } catch (error) {
      if (!(error instanceof NotFoundError) || key === contactId) throw error;
      return call(contactId);
    }
  }

  /** Applies the tag diff, if any, and returns the member as stored. */
  private async settle(ref: string, member: McMember, tags: string[] | undefined): Promise<WriteResult> {
    const { client, directory, object } = this.options;
    directory.learn(member, object);
    let stored: McMember = member;
    const changes =
      tags === undefined
        ? []
        : tagDiff(
            (member.tags ?? []).map((t) => t.name),
            tags,
          );
    if (changes.length > 0) {
      try {
        await client.updateTags(member.id, changes);
        // The tag change moved last_changed; read the member back so the result carries the stored version.
        stored = (await client.getMember(member.id)) ?? member;
        directory.learn(stored, object);
      } catch (error) {
        return writeFailureFor(ref, error);
      }
    }
    const record: AppRecord = toAppRecord(stored);
    return { ref, status: 'ok', id: record.id, record };
  }
}
