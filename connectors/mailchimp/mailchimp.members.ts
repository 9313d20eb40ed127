/**
 * What the connector has learnt about members from reads, fetches and writes: for each contact_id (our id), the
 * current subscriber hash (member URLs need it) and web_id; and the reverse lookups webhooks need, since Mailchimp
 * webhooks name members by email and hash, never by contact_id. Hashes a member had before an email change stay as
 * aliases, because a webhook about the old address may arrive after a read or write saw the new one.
 *
 * It also detects re-keys. If an account gives a member a new contact_id when its email changes, the member
 * re-appears under a new id; we recognise it by its web_id (which an email change keeps) or by an `upemail` webhook
 * that announced the new address, and report `{kind: 'rekeyed', id: old, newId: new}` instead of a delete plus a
 * create. Kept in memory only: after a restart the first read re-learns it.
 */
import type { ChangeHint } from '@tandem/connector-sdk';
import { subscriberHash, type McMember } from './mailchimp.client.js';

interface Known {
  hash: string;
  email: string;
  webId?: number;
  tags: string[];
}

export class MemberDirectory {
  private readonly byContact = new Map<string, Known>();
  private readonly contactByHash = new Map<string, string>();
  private readonly contactByWebId = new Map<number, string>();
  /** New subscriber hash → contact_id before the change, from `upemail` webhooks not yet seen on a read. */
  private readonly announced = new Map<string, string>();

  /** Records a member as just read; returns a rekeyed hint when it is a known member under a new contact_id. */
  learn(member: McMember, object: string): ChangeHint | undefined {
    const hash = member.id || subscriberHash(member.email_address);
    const previous = this.previousContact(member, hash);
    this.byContact.set(member.contact_id, {
      hash,
      email: member.email_address,
      webId: member.web_id,
      tags: (member.tags ?? []).map((t) => t.name),
    });
    this.contactByHash.set(hash, member.contact_id);
    if (member.web_id !== undefined) this.contactByWebId.set(member.web_id, member.contact_id);
    this.announced.delete(hash);
    if (previous === undefined || previous === member.contact_id) return undefined;
    this.byContact.delete(previous);
    return { kind: 'rekeyed', object, id: previous, newId: member.contact_id };
  }

  /** The contact_id this member had before, if we knew it under another one. */
  private previousContact(member: McMember, hash: string): string | undefined {
    const viaWebId = member.web_id === undefined ? undefined : this.contactByWebId.get(member.web_id);
    if (viaWebId !== undefined && viaWebId !== member.contact_id) return viaWebId;
    return this.announced.get(hash);
  }

  /** The path key for a member URL: its current hash when known, else the contact_id (Mailchimp accepts both). */
  pathKey(contactId: string): string {
    return this.byContact.get(contactId)?.hash ?? contactId;
  }

  email(contactId: string): string | undefined {
    return this.byContact.get(contactId)?.email;
  }

  tags(contactId: string): string[] | undefined {
    return this.byContact.get(contactId)?.tags;
  }

  contactOfHash(hash: string): string | undefined {
    return this.contactByHash.get(hash);
  }

  contactOfEmail(email: string): string | undefined {
    return this.contactByHash.get(subscriberHash(email));
  }

  /**
   * An `upemail` webhook: the member moves to the new hash. Whether its contact_id survives is only known on the next
   * read, which reports a rekey if it did not.
   */
  moveEmail(oldEmail: string, newEmail: string): string | undefined {
    const oldHash = subscriberHash(oldEmail);
    const contact = this.contactByHash.get(oldHash);
    if (contact === undefined) return undefined;
    const newHash = subscriberHash(newEmail);
    this.contactByHash.set(newHash, contact);
    const known = this.byContact.get(contact);
    // A late webhook must not move a member back from an address a read already saw it under.
    if (known?.hash === oldHash) this.byContact.set(contact, { ...known, hash: newHash, email: newEmail });
    this.announced.set(newHash, contact);
    return contact;
  }

  forget(contactId: string): void {
    this.byContact.delete(contactId);
    for (const [hash, contact] of this.contactByHash) if (contact === contactId) this.contactByHash.delete(hash);
    for (const [webId, contact] of this.contactByWebId) if (contact === contactId) this.contactByWebId.delete(webId);
  }
}
