import { AuthError, RecordError, TransientError } from './errors.js';
import { failedWrite, writeFailureFor } from './write-results.js';

describe('write results', () => {
  it('builds a failed result, with the field only when there is one', () => {
    expect(failedWrite('r1', 'NOT_FOUND', 'member not found', false)).toEqual({
      ref: 'r1',
      status: 'failed',
      error: { code: 'NOT_FOUND', message: 'member not found', retryable: false },
    });
    expect(failedWrite('r2', 'REQUIRED_FIELD', 'name is required', false, 'name')).toMatchObject({ error: { field: 'name' } });
  });

  it("reports a rejected record with the app's own code and field, or the connector code when asked", () => {
    const rejected = new RecordError('mailchimp rejected the member', { appCode: 'Member Exists', field: 'email_address' });
    expect(writeFailureFor('r', rejected)).toMatchObject({ error: { code: 'Member Exists', field: 'email_address', retryable: false } });
    expect(writeFailureFor('r', rejected, 'connector')).toMatchObject({ error: { code: 'CONNECTOR_RECORD_REJECTED', field: 'email_address' } });
  });

  it('keeps a transient failure retryable', () => {
    const error = new TransientError('hubspot timed out', { maybeApplied: false });
    expect(writeFailureFor('r', error)).toMatchObject({ error: { code: 'CONNECTOR_TRANSIENT', retryable: true } });
  });

  it('throws on refused credentials and on errors that are not connector errors, instead of failing one op', () => {
    expect(() => writeFailureFor('r', new AuthError('token revoked'))).toThrow(AuthError);
    expect(() => writeFailureFor('r', new TypeError('bug'))).toThrow(TypeError);
  });
});
