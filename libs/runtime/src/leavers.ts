/**
 * A linked record that no longer passes its member's filter (a helpdesk user promoted to agent, a member who
 * unsubscribed from a filtered audience) follows the member's `onLeave`: unlink (default) stops syncing it, keep
 * leaves it linked but unread, archive/delete also archives or deletes it in its app. It is never re-created.
 */
import type { Connector } from '@tandem/connector-sdk';
import type { AppName, LinkState, SyncSpec } from '@tandem/core';
import type { Ledger } from '@tandem/ledger';
import type { CycleTally } from './counts.js';
import { connectorOf } from './gather.js';
import type { WorkSet } from './pairing.js';
import { memberOf } from './read-phase.js';
import { writeToApp } from './write-phase.js';

export interface LeaverContext {
  spec: SyncSpec;
  ledger: Ledger;
  connectors: Record<AppName, Connector>;
  tally: CycleTally;
}

export async function applyLeavers(ctx: LeaverContext, work: WorkSet): Promise<void> {
  for (const leaver of work.leavers) {
    const policy = memberOf(ctx.spec, leaver.app).onLeave;
    if (policy === 'keep') continue;
    const link = await ctx.ledger.links.load(leaver.linkId);
    const member = link?.members.find((m) => m.app === leaver.app && m.externalId === leaver.externalId);
    if (!link || !member || member.deleted) continue;
    if (policy === 'archive' || policy === 'delete') {
      const [outcome] = await writeToApp(leaver.app, memberOf(ctx.spec, leaver.app).object, connectorOf(ctx.connectors, leaver.app), [
        { ref: leaver.externalId, linkId: link.linkId, patch: { app: leaver.app, externalId: leaver.externalId, op: policy, fields: {}, canonical: {} } },
      ]);
      if (outcome?.status !== 'ok') {
        ctx.tally.add(leaver.app, 'failed', 1, { externalId: leaver.externalId, linkId: link.linkId });
        continue;
      }
      ctx.tally.add(leaver.app, 'deleted', 1, { externalId: leaver.externalId, linkId: link.linkId });
      await ctx.ledger.tombstones.addDelete(ctx.spec.name, leaver.app, leaver.externalId);
    }
    const state: LinkState = { ...link, members: link.members.map((m) => (m === member ? { ...m, pending: [], deleted: true } : m)) };
    await ctx.ledger.links.save({
      sync: ctx.spec.name,
      state,
      expectedVersion: link.agreedVersion,
      changes: [{ app: leaver.app, op: `leave-${policy}`, rule: 'onLeave' }],
    });
    ctx.tally.flag({ kind: 'left-filter', app: leaver.app, linkId: link.linkId, message: `${leaver.app} record ${leaver.externalId} left the filter (${policy})` });
  }
}
