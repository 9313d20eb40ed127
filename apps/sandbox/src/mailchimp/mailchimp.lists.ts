import { HttpError, isRecord, json, type Reply, type Router, type SimRequest } from '../common/http.js';
import { fail, invalid } from './mailchimp.errors.js';
import { MERGE_FIELDS } from './mailchimp.merge-fields.js';
import { renderMember } from './mailchimp.render.js';
import { body, listId } from './mailchimp.routes.js';
import type { MailchimpSimulator } from './mailchimp.simulator.js';
import { addMember, syncMemberTags, updateMember } from './mailchimp.writes.js';

function errorCode(title: string): string {
  return title === 'Member Exists' ? 'ERROR_CONTACT_EXISTS' : 'ERROR_GENERIC';
}

/** `POST /lists/{id}`: up to 500 members; 200 even when some fail, with the failures in `errors`. */
function batchSubscribe(sim: MailchimpSimulator, req: SimRequest): Reply {
  const id = listId(sim, req);
  const input = body(req);
  if (!Array.isArray(input.members)) invalid('members is required', [{ field: 'members', message: 'Required property members was not present.' }]);
  if (input.members.length > sim.settings.batchLimit) invalid(`You may only submit up to ${sim.settings.batchLimit} members at a time.`);
  const updateExisting = input.update_existing === true;
  // sync_tags replaces an existing member's tags with the ones sent; Mailchimp honours it only with update_existing.
  const syncTags = input.sync_tags === true && updateExisting;
  const created: unknown[] = [];
  const updated: unknown[] = [];
  const errors: unknown[] = [];
  for (const raw of input.members as unknown[]) {
    const item = isRecord(raw) ? raw : {};
    const email = typeof item.email_address === 'string' ? item.email_address : '';
    try {
      const existing = email ? sim.store.find(id, email.trim()) : undefined;
      if (existing && existing.status !== 'archived' && updateExisting) {
        const member = updateMember(sim, existing, item, item.status_if_new);
        if (syncTags && Array.isArray(item.tags)) syncMemberTags(sim, member, item.tags);
        updated.push(renderMember(member));
      }
      else created.push(renderMember(addMember(sim, id, item, item.status ?? item.status_if_new)));
    } catch (error) {
      if (!(error instanceof HttpError) || !isRecord(error.reply.body)) throw error;
      const b = error.reply.body;
      errors.push({ email_address: email, error: String(b.detail ?? b.title), error_code: errorCode(String(b.title)), field: '', field_message: '' });
    }
  }
  return json(200, { new_members: created, updated_members: updated, errors, total_created: created.length, total_updated: updated.length, error_count: errors.length, _links: [] });
}

function renderList(sim: MailchimpSimulator, id: string): Record<string, unknown> {
  const members = [...sim.store.list(id).values()];
  const count = (status: string) => members.filter((m) => m.status === status).length;
  return { id, web_id: 1, name: `Sandbox audience ${id}`, stats: { member_count: count('subscribed'), unsubscribe_count: count('unsubscribed'), cleaned_count: count('cleaned') }, _links: [] };
}

function renderHook(sim: MailchimpSimulator): Record<string, unknown>[] {
  const hook = sim.hook;
  return hook ? [{ id: hook.id, url: hook.url, list_id: hook.listId, events: hook.events, sources: hook.sources, _links: [] }] : [];
}

/** Registering a webhook pings the URL with a GET first, as Mailchimp does. One hook per sandbox. */
async function createHook(sim: MailchimpSimulator, req: SimRequest): Promise<Reply> {
  const id = listId(sim, req);
  const input = body(req);
  if (typeof input.url !== 'string') invalid('url is required', [{ field: 'url', message: 'Required property url was not present.' }]);
  try {
    await sim.ping(input.url);
  } catch {
    invalid("The resource submitted could not be validated. For field-specific details, see the 'errors' array.", [{ field: 'url', message: "We couldn't verify the URL is working. Please double-check and try again." }]);
  }
  const flags = (v: unknown, keys: string[]) => Object.fromEntries(keys.map((k) => [k, isRecord(v) ? v[k] === true : true]));
  sim.setHook({ url: input.url }, {
    listId: id,
    events: flags(input.events, ['subscribe', 'unsubscribe', 'profile', 'cleaned', 'upemail', 'campaign']),
    sources: flags(input.sources, ['user', 'admin', 'api']),
  });
  return json(200, renderHook(sim)[0]);
}

export function registerListRoutes(router: Router, sim: MailchimpSimulator): void {
  router
    .add('GET', '/3.0/lists', () => json(200, { lists: sim.settings.listIds.map((id) => renderList(sim, id)), total_items: sim.settings.listIds.length, _links: [] }))
    .add('GET', '/3.0/lists/:listId', (req) => json(200, renderList(sim, listId(sim, req))))
    .add('POST', '/3.0/lists/:listId', (req) => batchSubscribe(sim, req))
    .add('GET', '/3.0/lists/:listId/merge-fields', (req) => json(200, { merge_fields: MERGE_FIELDS.map((f) => ({ ...f, list_id: listId(sim, req) })), list_id: listId(sim, req), total_items: MERGE_FIELDS.length }))
    .add('GET', '/3.0/lists/:listId/webhooks', (req) => json(200, { webhooks: renderHook(sim), list_id: listId(sim, req), total_items: renderHook(sim).length }))
    .add('POST', '/3.0/lists/:listId/webhooks', (req) => createHook(sim, req))
    .add('DELETE', '/3.0/lists/:listId/webhooks/:hookId', (req) => {
      listId(sim, req);
      if (sim.hook?.id !== req.params.hookId) fail(404, 'Resource Not Found', 'The requested resource could not be found.');
      sim.setHook(null);
      return json(204);
    });
}
