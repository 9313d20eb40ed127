import { createHash } from 'node:crypto';
import type { Prng } from '../common/prng.js';

export type MemberStatus = 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional' | 'archived';
export const STATUSES: readonly MemberStatus[] = ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional', 'archived'];

export interface Tag {
  id: number;
  name: string;
}

export interface Member {
  listId: string;
  id: string;
  email_address: string;
  unique_email_id: string;
  contact_id: string;
  web_id: number;
  email_type: string;
  status: MemberStatus;
  merge_fields: Record<string, unknown>;
  tags: { tag: Tag; added: number }[];
  timestamp_signup: number;
  timestamp_opt: number;
  last_changed: number;
  source: string;
  language: string;
  vip: boolean;
}

/** Mailchimp's subscriber hash: MD5 of the trimmed, lowercased address. */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** Audience members, the tag catalogue, and addresses erased for good. */
export class MailchimpStore {
  /** `listId` → member id (hash) → member. */
  readonly members = new Map<string, Map<string, Member>>();
  /** `listId` → lowercased emails removed with delete-permanent. */
  readonly forgotten = new Map<string, Set<string>>();
  private readonly tags = new Map<string, Tag[]>();
  private nextWebId = 100001;
  private nextTagId = 1001;

  constructor(private readonly rng: Prng) {}

  clear(): void {
    this.members.clear();
    this.forgotten.clear();
    this.tags.clear();
    this.nextWebId = 100001;
    this.nextTagId = 1001;
  }

  list(listId: string): Map<string, Member> {
    let members = this.members.get(listId);
    if (!members) this.members.set(listId, (members = new Map()));
    return members;
  }

  /** The path position accepts the hash, the raw email, or the contact_id. */
  find(listId: string, key: string): Member | undefined {
    const members = this.list(listId);
    const found = members.get(key.toLowerCase()) ?? members.get(subscriberHash(key));
    // A contact_id is hex, never an address: an email that is not a member needs no scan (creates at 100k members).
    if (found || key.includes('@')) return found;
    return [...members.values()].find((m) => m.contact_id === key);
  }

  isForgotten(listId: string, email: string): boolean {
    return this.forgotten.get(listId)?.has(email.trim().toLowerCase()) ?? false;
  }

  add(listId: string, email: string, status: MemberStatus, now: number, source: string): Member {
    const member: Member = {
      listId,
      id: subscriberHash(email),
      email_address: email.trim(),
      unique_email_id: this.rng.hex(10),
      contact_id: this.rng.hex(32),
      web_id: this.nextWebId++,
      email_type: 'html',
      status,
      merge_fields: {},
      tags: [],
      timestamp_signup: now,
      timestamp_opt: now,
      last_changed: now,
      source,
      language: '',
      vip: false,
    };
    this.list(listId).set(member.id, member);
    return member;
  }

  /** Changes the address: the member is re-keyed under the new hash. */
  rekey(member: Member, email: string, newContactId: boolean): void {
    const members = this.list(member.listId);
    members.delete(member.id);
    member.email_address = email.trim();
    member.id = subscriberHash(email);
    member.unique_email_id = this.rng.hex(10);
    if (newContactId) member.contact_id = this.rng.hex(32);
    members.set(member.id, member);
  }

  forget(member: Member): void {
    this.list(member.listId).delete(member.id);
    let set = this.forgotten.get(member.listId);
    if (!set) this.forgotten.set(member.listId, (set = new Set()));
    set.add(member.email_address.toLowerCase());
  }

  /** Finds a tag by name ignoring case (Mailchimp keeps the first spelling it saw), creating it if asked. */
  tag(listId: string, name: string, create: boolean): Tag | undefined {
    const catalogue = this.tags.get(listId) ?? [];
    this.tags.set(listId, catalogue);
    const found = catalogue.find((t) => t.name.toLowerCase() === name.trim().toLowerCase());
    if (found || !create) return found;
    const tag = { id: this.nextTagId++, name: name.trim() };
    catalogue.push(tag);
    return tag;
  }
}
