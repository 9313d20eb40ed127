import { isRecord } from '../common/http.js';
import { fail, invalid } from './mailchimp.errors.js';
import { validateMergeFields } from './mailchimp.merge-fields.js';
import type { MailchimpSimulator } from './mailchimp.simulator.js';
import { subscriberHash, type Member, type MemberStatus } from './mailchimp.store.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const WRITABLE: readonly MemberStatus[] = ['subscribed', 'unsubscribed', 'pending', 'transactional'];

export function checkEmail(value: unknown): string {
  if (typeof value !== 'string' || !EMAIL.test(value.trim())) invalid('Please provide a valid email address.', [{ field: 'email_address', message: 'This value should be a valid email.' }]);
  return value.trim();
}

function checkStatus(value: unknown, field: string): MemberStatus {
  if (!WRITABLE.includes(value as MemberStatus)) invalid('The resource submitted could not be validated. For field-specific details, see the \'errors\' array.', [{ field, message: 'Data did not match any of the schemas described in anyOf.' }]);
  return value as MemberStatus;
}

function memberExists(email: string): never {
  fail(400, 'Member Exists', `${email} is already a list member. Use PUT to insert or update list members.`);
}

function forgotten(email: string): never {
  fail(400, 'Forgotten Email Not Subscribed', `${email} was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list.`);
}

/** Applies the reformat-on-write fault to merge fields (named `merge_fields.TAG`). */
function reformatMerges(sim: MailchimpSimulator, merges: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [tag, value] of Object.entries(merges)) out[tag] = typeof value === 'string' ? sim.reformatField(`merge_fields.${tag}`, value) : value;
  return out;
}

/** Creates a member (POST, or PUT/batch for a new address). `status` is what the caller resolved from status / status_if_new. */
export function addMember(sim: MailchimpSimulator, listId: string, input: Record<string, unknown>, status: unknown): Member {
  const email = checkEmail(input.email_address);
  if (sim.store.isForgotten(listId, email)) forgotten(email);
  const existing = sim.store.find(listId, email);
  if (existing && (existing.status !== 'archived' || sim.settings.postOnArchivedIsMemberExists)) memberExists(email);
  const merges = reformatMerges(sim, validateMergeFields(input.merge_fields));
  const resolved = checkStatus(status, 'status');
  if (existing) sim.store.list(listId).delete(existing.id);
  const member = sim.store.add(listId, email, resolved, sim.clock.now(), 'API - Generic');
  member.merge_fields = merges;
  if (typeof input.email_type === 'string') member.email_type = input.email_type;
  if (Array.isArray(input.tags)) member.tags = input.tags.map((name) => ({ tag: sim.store.tag(listId, String(name), true)!, added: sim.clock.now() }));
  sim.stats.write(`members:${member.contact_id}`);
  if (resolved === 'subscribed') sim.event('subscribe', member);
  return member;
}

/** Partial update (PATCH, PUT on an existing member, batch update_existing). Returns the member under its possibly new id. */
export function updateMember(sim: MailchimpSimulator, member: Member, input: Record<string, unknown>, reviveStatus?: unknown): Member {
  const merges = input.merge_fields === undefined ? undefined : reformatMerges(sim, validateMergeFields(input.merge_fields));
  let status = input.status === undefined ? undefined : checkStatus(input.status, 'status');
  if (member.status === 'archived' && status === undefined) status = reviveStatus === undefined ? undefined : checkStatus(reviveStatus, 'status_if_new');
  const email = input.email_address === undefined ? undefined : checkEmail(input.email_address);
  const rekey = email !== undefined && subscriberHash(email) !== member.id;
  if (rekey && sim.store.find(member.listId, email)) memberExists(email);
  const before = { status: member.status, merges: JSON.stringify(member.merge_fields), email: member.email_address, id: member.id };
  if (merges) member.merge_fields = { ...member.merge_fields, ...merges };
  if (status) member.status = status;
  if (typeof input.email_type === 'string') member.email_type = input.email_type;
  if (rekey) sim.store.rekey(member, email, !sim.settings.contactIdSurvivesEmailChange);
  else if (email !== undefined) member.email_address = email;
  sim.stats.write(`members:${member.contact_id}`);
  const changed = before.status !== member.status || before.merges !== JSON.stringify(member.merge_fields) || before.email !== member.email_address;
  if (!changed) return member;
  member.last_changed = sim.clock.now();
  if (rekey) sim.event('upemail', member, { new_id: member.id, new_email: member.email_address, old_email: before.email, old_id: before.id });
  if (before.status !== member.status) statusEvent(sim, member);
  else if (before.merges !== JSON.stringify(member.merge_fields)) sim.event('profile', member);
  return member;
}

function statusEvent(sim: MailchimpSimulator, member: Member): void {
  if (member.status === 'subscribed') sim.event('subscribe', member);
  if (member.status === 'unsubscribed') sim.event('unsubscribe', member, { action: 'unsub', reason: 'manual', campaign_id: '' });
}

/** DELETE: the member is archived, not erased. */
export function archiveMember(sim: MailchimpSimulator, member: Member): void {
  if (member.status === 'archived') fail(405, 'Method Not Allowed', 'This list member cannot be removed. The member is already archived.');
  member.status = 'archived';
  member.last_changed = sim.clock.now();
  sim.stats.write(`members:${member.contact_id}`);
  sim.event('unsubscribe', member, { action: 'delete', reason: 'manual', campaign_id: '' });
}

export function deletePermanent(sim: MailchimpSimulator, member: Member): void {
  sim.store.forget(member);
  sim.stats.write(`members:${member.contact_id}`);
  sim.event('unsubscribe', member, { action: 'delete', reason: 'manual', campaign_id: '' });
}

/** `{tags:[{name, status}]}`: active adds (creating unknown tags), inactive removes. */
export function applyTags(sim: MailchimpSimulator, member: Member, input: unknown): void {
  if (!isRecord(input) || !Array.isArray(input.tags)) invalid('The resource submitted could not be validated.', [{ field: 'tags', message: 'Required property tags was not present.' }]);
  let changed = false;
  for (const raw of input.tags) {
    if (!isRecord(raw) || typeof raw.name !== 'string' || (raw.status !== 'active' && raw.status !== 'inactive')) invalid('Each tag needs a name and a status of active or inactive.');
    const has = member.tags.findIndex((t) => t.tag.name.toLowerCase() === String(raw.name).trim().toLowerCase());
    if (raw.status === 'active' && has < 0) {
      member.tags.push({ tag: sim.store.tag(member.listId, raw.name, true)!, added: sim.clock.now() });
      changed = true;
    }
    if (raw.status === 'inactive' && has >= 0) {
      member.tags.splice(has, 1);
      changed = true;
    }
  }
  sim.stats.write(`members:${member.contact_id}`);
  if (changed) member.last_changed = sim.clock.now();
}

/** Batch subscribe with `sync_tags`: the member's tags become exactly `names` (compared ignoring case). */
export function syncMemberTags(sim: MailchimpSimulator, member: Member, names: unknown[]): void {
  const wanted = new Map(names.map((n) => [String(n).trim().toLowerCase(), String(n).trim()] as const).filter(([k]) => k !== ''));
  const kept = member.tags.filter((t) => wanted.has(t.tag.name.toLowerCase()));
  const have = new Set(kept.map((t) => t.tag.name.toLowerCase()));
  const added = [...wanted].filter(([k]) => !have.has(k)).map(([, name]) => ({ tag: sim.store.tag(member.listId, name, true)!, added: sim.clock.now() }));
  const changed = kept.length !== member.tags.length || added.length > 0;
  member.tags = [...kept, ...added];
  sim.stats.write(`members:${member.contact_id}`);
  if (changed) member.last_changed = sim.clock.now();
}
