import { createHmac } from 'node:crypto';
import { WebhookSignatureError } from './errors.js';
import { ReplayGuard } from './replay-guard.js';
import { constantTimeEqual, hmacSha256, verifyHmacSignature, type VerifyHmacOptions } from './signatures.js';

const NOW = 1_760_000_000_000;
const body = '{"type":"zen:event-type:user.created","detail":{"id":"42"}}';
const stamp = '2025-10-09T08:53:20Z';
// Zendesk signs timestamp + body and sends base64.
const zendeskPayload = stamp + body;
const sign = (secret: string) => createHmac('sha256', secret).update(zendeskPayload).digest('base64');

function reasonOf(options: VerifyHmacOptions): string | undefined {
  try {
    verifyHmacSignature(options);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as WebhookSignatureError).httpStatus).toBe(401);
    return (error as WebhookSignatureError).reason;
  }
}

const base = (over: Partial<VerifyHmacOptions> = {}): VerifyHmacOptions => ({
  secrets: ['new-secret'],
  payload: zendeskPayload,
  signature: sign('new-secret'),
  encoding: 'base64',
  timestampMs: Date.parse(stamp),
  nowMs: Date.parse(stamp) + 1_000,
  toleranceMs: 300_000,
  ...over,
});

describe('hmacSha256', () => {
  it('matches node crypto in hex and base64', () => {
    expect(hmacSha256('k', 'payload', 'hex')).toBe(createHmac('sha256', 'k').update('payload').digest('hex'));
    expect(hmacSha256('k', Buffer.from('payload'), 'base64')).toBe(
      createHmac('sha256', 'k').update('payload').digest('base64'),
    );
  });
});

describe('constantTimeEqual', () => {
  it('is true only for identical strings and false for different lengths without throwing', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});

describe('verifyHmacSignature', () => {
  it('accepts a Zendesk delivery signed with the current secret', () => {
    expect(reasonOf(base())).toBeUndefined();
    expect(verifyHmacSignature(base())).toBe(0);
  });

  it('rejects a forged signature', () => {
    expect(reasonOf(base({ signature: sign('guessed') }))).toBe('mismatch');
  });

  it('rejects a body changed after signing', () => {
    expect(reasonOf(base({ payload: zendeskPayload.replace('42', '43') }))).toBe('mismatch');
  });

  it('rejects a delivery older than the tolerance, and one from too far in the future', () => {
    expect(reasonOf(base({ nowMs: Date.parse(stamp) + 300_001 }))).toBe('stale');
    expect(reasonOf(base({ nowMs: Date.parse(stamp) - 300_001 }))).toBe('stale');
  });

  it('rejects a missing signature, a missing timestamp and an empty secret list', () => {
    expect(reasonOf(base({ signature: undefined }))).toBe('missing-signature');
    expect(reasonOf(base({ signature: '  ' }))).toBe('missing-signature');
    expect(reasonOf(base({ timestampMs: undefined }))).toBe('missing-timestamp');
    expect(reasonOf(base({ timestampMs: Number.NaN }))).toBe('missing-timestamp');
    expect(reasonOf(base({ secrets: [''] }))).toBe('no-secret');
  });

  it('accepts both the old and the new secret during a rotation and says which one matched', () => {
    const secrets = ['new-secret', 'old-secret'];
    expect(verifyHmacSignature(base({ secrets, signature: sign('old-secret') }))).toBe(1);
    expect(verifyHmacSignature(base({ secrets, signature: sign('new-secret') }))).toBe(0);
    expect(reasonOf(base({ secrets: ['new-secret'], signature: sign('old-secret') }))).toBe('mismatch');
  });

  it('checks a HubSpot v3 signature over method + uri + body + timestamp', () => {
    const ts = NOW;
    const payload = `POST` + `https://tandem.example/webhooks/hubspot` + `[{"eventId":1}]` + String(ts);
    const signature = hmacSha256('client-secret', payload, 'base64');
    expect(
      verifyHmacSignature({
        secrets: ['client-secret'],
        payload,
        signature,
        encoding: 'base64',
        timestampMs: ts,
        nowMs: NOW + 10,
        toleranceMs: 300_000,
      }),
    ).toBe(0);
  });

  it('skips the age check when no tolerance is given (apps that sign without a timestamp)', () => {
    const payload = 'v1-body';
    const signature = hmacSha256('s', payload, 'hex');
    expect(verifyHmacSignature({ secrets: ['s'], payload, signature, encoding: 'hex', nowMs: NOW })).toBe(0);
  });
});

describe('ReplayGuard', () => {
  it('rejects a replayed event id within the TTL and accepts it again after', () => {
    const guard = new ReplayGuard({ ttlMs: 300_000 });
    expect(() => guard.assertFresh('evt-1', NOW)).not.toThrow();
    let error: unknown;
    try {
      guard.assertFresh('evt-1', NOW + 1_000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as WebhookSignatureError).reason).toBe('replayed');
    expect(guard.checkAndRemember('evt-1', NOW + 300_001)).toBe(true);
  });

  it('tells distinct events apart', () => {
    const guard = new ReplayGuard({ ttlMs: 1_000 });
    expect(guard.checkAndRemember('a', NOW)).toBe(true);
    expect(guard.checkAndRemember('b', NOW)).toBe(true);
    expect(guard.has('a', NOW + 1)).toBe(true);
  });

  it('keeps memory bounded by forgetting the oldest ids first', () => {
    const guard = new ReplayGuard({ ttlMs: 3_600_000, maxEntries: 100 });
    for (let i = 0; i < 1_000; i++) guard.checkAndRemember(`e${i}`, NOW + i);
    expect(guard.size).toBe(100);
    expect(guard.has('e999', NOW + 1_000)).toBe(true);
    expect(guard.has('e0', NOW + 1_000)).toBe(false);
  });

  it('drops expired ids as time passes', () => {
    const guard = new ReplayGuard({ ttlMs: 10 });
    for (let i = 0; i < 50; i++) guard.checkAndRemember(`e${i}`, NOW);
    guard.checkAndRemember('late', NOW + 11);
    expect(guard.size).toBe(1);
  });
});
