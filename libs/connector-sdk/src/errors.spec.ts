import { TandemError } from '@tandem/core';
import {
  AuthError,
  ConnectorError,
  RateLimitError,
  RecordError,
  TransientError,
  WebhookPayloadError,
} from './errors.js';
import { redactPii } from './redact.js';

describe('connector errors', () => {
  it('are TandemErrors with stable codes and retry flags', () => {
    const cases: Array<[ConnectorError, string, boolean]> = [
      [new AuthError('x'), 'CONNECTOR_AUTH_FAILED', false],
      [new RateLimitError('x', 1_000), 'CONNECTOR_RATE_LIMITED', true],
      [new TransientError('x', { maybeApplied: false }), 'CONNECTOR_TRANSIENT', true],
      [new RecordError('x'), 'CONNECTOR_RECORD_REJECTED', false],
      [new WebhookPayloadError('x'), 'CONNECTOR_WEBHOOK_PAYLOAD_INVALID', false],
    ];
    for (const [error, code, retryable] of cases) {
      expect(error).toBeInstanceOf(TandemError);
      expect(error.code).toBe(code);
      expect(error.retryable).toBe(retryable);
    }
    expect(new RateLimitError('x', 1_000).name).toBe('RateLimitError');
  });

  it('never carry an email or a phone number in their message or details', () => {
    const error = new RecordError('write of ann.lee@example.org failed', {
      appMessage: 'Phone +1 (555) 123-4567 is invalid for ann.lee@example.org',
      field: 'phone',
      details: { path: '/members/ann.lee@example.org' },
    });
    const text = JSON.stringify({ m: error.message, d: error.details, a: error.appMessage });
    expect(text).not.toContain('ann.lee');
    expect(text).not.toContain('123-4567');
    expect(error.appMessage).toBe('Phone <number> is invalid for <email>');
  });
});

describe('redactPii', () => {
  it('keeps short numbers and field names readable', () => {
    expect(redactPii('field FNAME failed on record 512 (status 400)')).toBe(
      'field FNAME failed on record 512 (status 400)',
    );
  });

  it('redacts phone numbers in common shapes', () => {
    expect(redactPii('call 030 1234567 or +49-30-1234567 or 555.123.4567')).toBe(
      'call <number> or <number> or <number>',
    );
  });
});
