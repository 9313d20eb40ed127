import { webhookHeader } from './webhook-request.js';

describe('webhookHeader', () => {
  it('finds a header whatever case the proxy sent it in', () => {
    expect(webhookHeader({ headers: { 'X-HubSpot-Signature-v3': 'sig' } }, 'x-hubspot-signature-v3')).toBe('sig');
    expect(webhookHeader({ headers: { 'x-memory-timestamp': '1' } }, 'X-Memory-Timestamp')).toBe('1');
  });

  it('takes the first value of a repeated header and nothing for a missing one', () => {
    expect(webhookHeader({ headers: { 'x-sig': ['a', 'b'] } }, 'x-sig')).toBe('a');
    expect(webhookHeader({ headers: {} }, 'x-sig')).toBeUndefined();
  });
});
