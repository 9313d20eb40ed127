/** Small builders for example-based reconciler specs: links, members and observations in one line each. */
import type { AppName, RawFields } from '../model.js';
import type { LinkState, MemberState, Observation } from '../reconcile-types.js';

export function member(app: AppName, id: string | null, shadow: RawFields | null, extra: Partial<MemberState> = {}): MemberState {
  return { app, externalId: id, shadow, appVersion: shadow ? '100' : null, ackedVersion: 1, pending: [], ...extra };
}

export function link(agreed: LinkState['agreed'], members: MemberState[], extra: Partial<LinkState> = {}): LinkState {
  return { linkId: 'L1', agreed, fieldMeta: {}, agreedVersion: 1, members, openConflicts: [], ...extra };
}

export function observed(app: AppName, id: string, fields: RawFields, extra: Partial<Observation> = {}): Observation {
  return { app, externalId: id, version: '200', fields, ...extra };
}
