import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookPayloadError, WebhookSignatureError, type WebhookRequest } from '@tandem/connector-sdk';
import { subscriberHash } from './mailchimp.client.js';
import { MemberDirectory } from './mailchimp.members.js';
import { MailchimpWebhooks, parseFiredAt } from './mailchimp.webhooks.js';
import { mailchimpKit, type McKit } from './mailchimp.test-kit.js';

interface Receiver {
  url: string;
  received: WebhookRequest[];
  close(): Promise<void>;
}

/** A loopback endpoint that answers Mailchimp's GET validation ping and keeps every POST as the engine would see it. */
async function startReceiver(): Promise<Receiver> {
  const received: WebhookRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST') {
        received.push({
          method: 'POST',
          url: req.url ?? '',
          headers: req.headers,
          rawBody: Buffer.concat(chunks),
          receivedAt: Date.now(),
        });
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/mc`,
    received,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

function formRequest(body: string, url = '/webhooks/mc?secret=s3cret'): WebhookRequest {
  return { method: 'POST', url, headers: {}, rawBody: Buffer.from(body), receivedAt: Date.now() };
}

describe('MailchimpWebhooks verification', () => {
  const hooks = new MailchimpWebhooks(['new-secret', 'old-secret'], new MemberDirectory());
  const reason = (url: string) => {
    try {
      hooks.verify(formRequest('type=profile', url));
      return 'accepted';
    } catch (error) {
      return error instanceof WebhookSignatureError ? error.reason : 'other';
    }
  };

  it('accepts the current and the previous secret during a rotation', () => {
    expect(reason('/hooks?secret=new-secret')).toBe('accepted');
    expect(reason('/hooks?secret=old-secret')).toBe('accepted');
  });

  it('rejects a forged, truncated or missing secret with 401 reasons', () => {
    expect(reason('/hooks?secret=guess')).toBe('mismatch');
    expect(reason('/hooks?secret=new-secre')).toBe('mismatch');
    expect(reason('/hooks')).toBe('missing-signature');
    expect(() => new MailchimpWebhooks([], new MemberDirectory()).verify(formRequest('type=profile'))).toThrow(
      expect.objectContaining({ reason: 'no-secret', httpStatus: 401 }),
    );
  });
});

describe('MailchimpWebhooks parsing of simulator deliveries', () => {
  let kit: McKit;
  let receiver: Receiver;
  afterEach(async () => {
    await kit.close();
    await receiver.close();
  });

  it('turns subscribe, profile, email change and archive deliveries into hints on contact_ids', async () => {
    kit = await mailchimpKit({ webhookSecrets: ['s3cret'] });
    receiver = await startReceiver();
    await kit.sb.mailchimp.configureWebhook({ url: `${receiver.url}?secret=s3cret` });
    const { connector } = kit;
    const [created] = await connector.write('members', [
      { op: 'create', ref: 'c', fields: { email_address: 'hook@example.test', status: 'subscribed' } },
    ]);
    const id = created.status === 'ok' ? created.id : '';
    await connector.write('members', [{ op: 'update', ref: 'u', id, fields: { 'merge_fields.FNAME': 'Hook' } }]);
    await connector.write('members', [{ op: 'update', ref: 'e', id, fields: { email_address: 'moved@example.test' } }]);
    await connector.write('members', [{ op: 'archive', ref: 'a', id }]);
    await kit.sb.mailchimp.webhooksIdle();
    const handler = connector.webhooks!;
    const hints = receiver.received.flatMap((req) => (handler.verify(req), handler.parse(req)));
    expect(hints.map((h) => [h.kind, h.id])).toEqual([
      ['changed', id],
      ['changed', id],
      ['changed', id],
      ['deleted', id],
    ]);
    expect(new Set(hints.map((h) => h.eventId)).size).toBe(4);
    expect(hints.every((h) => h.object === 'members' && typeof h.occurredAt === 'number')).toBe(true);
  });
});

describe('MailchimpWebhooks parsing of hand-written bodies', () => {
  const directory = new MemberDirectory();
  directory.learn(
    {
      id: subscriberHash('ann@example.test'),
      email_address: 'ann@example.test',
      contact_id: 'c-ann',
      web_id: 1,
      status: 'subscribed',
      last_changed: '',
    },
    'members',
  );
  directory.learn(
    {
      id: subscriberHash('bo@example.test'),
      email_address: 'bo@example.test',
      contact_id: 'c-bo',
      web_id: 2,
      status: 'subscribed',
      last_changed: '',
    },
    'members',
  );
  const hooks = new MailchimpWebhooks(['s3cret'], directory);
  const parse = (body: string) => hooks.parse(formRequest(body));

  it('reads a cleaned address by email and fired_at as UTC', () => {
    const [hint] = parse(
      'type=cleaned&fired_at=2009-03-26+21%3A31%3A21&data%5Breason%5D=hard&data%5Bemail%5D=ANN%40example.test',
    );
    expect(hint).toMatchObject({ kind: 'changed', id: 'c-ann', occurredAt: Date.parse('2009-03-26T21:31:21Z') });
    expect(parseFiredAt('not a time')).toBeUndefined();
  });

  it('gives one delivery the same event id every time and another delivery a different one', () => {
    const body = 'type=profile&fired_at=2009-03-26+21%3A31%3A21&data%5Bemail%5D=ann%40example.test';
    expect(parse(body)[0].eventId).toBe(parse(body)[0].eventId);
    expect(parse(`${body}&data%5Bmerges%5D%5BFNAME%5D=A`)[0].eventId).not.toBe(parse(body)[0].eventId);
  });

  it('reports an email change onto an address already read under another contact_id as rekeyed', () => {
    const [hint] = parse('type=upemail&data%5Bold_email%5D=ann%40example.test&data%5Bnew_email%5D=bo%40example.test');
    expect(hint).toMatchObject({ kind: 'rekeyed', id: 'c-ann', newId: 'c-bo' });
  });

  it('ignores campaign events and members it never read, and refuses a body without a type', () => {
    expect(parse('type=campaign&data%5Bid%5D=abc&data%5Bsubject%5D=Hi')).toEqual([]);
    expect(parse('type=subscribe&data%5Bemail%5D=stranger%40example.test')).toEqual([]);
    expect(() => parse('data%5Bemail%5D=ann%40example.test')).toThrow(WebhookPayloadError);
  });

  it('treats an unsubscribe with action=delete as a delete and a plain one as a change', () => {
    expect(parse('type=unsubscribe&data%5Baction%5D=delete&data%5Bemail%5D=bo%40example.test')[0]).toMatchObject({
      kind: 'deleted',
      id: 'c-bo',
    });
    expect(parse('type=unsubscribe&data%5Baction%5D=unsub&data%5Bemail%5D=bo%40example.test')[0]).toMatchObject({
      kind: 'changed',
      id: 'c-bo',
    });
  });
});
