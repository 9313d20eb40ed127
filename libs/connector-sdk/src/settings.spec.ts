import fc from 'fast-check';
import { ConnectorConfigError, ConnectorError } from './errors.js';
import { readSettings } from './settings.js';

const reader = (settings: Record<string, unknown>) => readSettings('crmapp', 'crm', settings);

function thrown(read: () => unknown): ConnectorConfigError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConnectorConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorConfigError');
}

describe('SettingsReader', () => {
  it('names the connection, the app and the key of a missing required setting', () => {
    const error = thrown(() => reader({}).requiredText('token'));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe('CONNECTOR_CONFIG_INVALID');
    expect(error.message).toBe('connection crm: crmapp setting token is required');
    expect(error.details).toEqual({ connection: 'crm', key: 'token' });
  });

  it('reads a key left empty in YAML (null) as not set', () => {
    const read = reader({ baseUrl: null, pageSize: null, pollArchived: null, share: null, webhookSecrets: null });
    expect([read.text('baseUrl'), read.integer('pageSize'), read.flag('pollArchived'), read.fraction('share')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(read.webhookSecrets()).toEqual([]);
  });

  it('trims text and refuses blank or non-string text', () => {
    expect(reader({ token: '  abc  ' }).text('token')).toBe('abc');
    expect(() => reader({ token: '   ' }).text('token')).toThrow(/token must be a non-empty string/);
    expect(() => reader({ token: 42 }).text('token')).toThrow(/token must be a non-empty string/);
  });

  it('keeps integers within their bounds and says which bounds', () => {
    expect(reader({ pageSize: 100 }).integer('pageSize', { max: 100 })).toBe(100);
    expect(reader({ lag: 0 }).integer('lag', { min: 0 })).toBe(0);
    expect(() => reader({ pageSize: 101 }).integer('pageSize', { max: 100 })).toThrow(/pageSize must be an integer from 1 to 100/);
    expect(() => reader({ pageSize: 0 }).integer('pageSize')).toThrow(/pageSize must be an integer of at least 1/);
    expect(() => reader({ pageSize: 2.5 }).integer('pageSize')).toThrow(/pageSize/);
    expect(() => reader({ pageSize: '10' }).integer('pageSize')).toThrow(/pageSize/);
  });

  it('reads flags, fractions and fixed options', () => {
    expect(reader({ on: false }).flag('on')).toBe(false);
    expect(() => reader({ on: 'yes' }).flag('on')).toThrow(/on must be true or false/);
    expect(reader({ share: 1 }).fraction('share')).toBe(1);
    expect(() => reader({ share: 0 }).fraction('share')).toThrow(/share must be in \(0, 1\]/);
    expect(reader({ mode: 'none' }).oneOf('mode', ['signal', 'none'] as const)).toBe('none');
    expect(() => reader({ mode: 'sometimes' }).oneOf('mode', ['signal', 'none'])).toThrow(/mode must be one of signal, none/);
  });

  it('merges webhookSecret and the rotation list webhookSecrets without repeats, the single one first', () => {
    expect(reader({ webhookSecret: 'new', webhookSecrets: ['old', 'new'] }).webhookSecrets()).toEqual(['new', 'old']);
    expect(reader({ webhookSecrets: ['a', 'b'] }).webhookSecrets()).toEqual(['a', 'b']);
    expect(() => reader({ webhookSecrets: ['a', ''] }).webhookSecrets()).toThrow(/webhookSecrets must be a list of non-empty strings/);
    expect(() => reader({ webhookSecrets: 'a' }).webhookSecrets()).toThrow(/webhookSecrets/);
  });

  it('never puts a setting value into the error, whatever the value', () => {
    const readers = [
      (r: ReturnType<typeof reader>) => r.integer('key', { max: 10 }),
      (r: ReturnType<typeof reader>) => r.flag('key'),
      (r: ReturnType<typeof reader>) => r.fraction('key'),
      (r: ReturnType<typeof reader>) => r.oneOf('key', ['alpha', 'beta']),
      (r: ReturnType<typeof reader>) => r.textList('key'),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...readers), fc.string({ minLength: 6 }).filter((s) => s.trim().length >= 6 && !/alpha|beta/.test(s)), (read, secret) => {
        const error = thrown(() => read(reader({ key: secret })));
        expect(error.message).not.toContain(secret.trim());
        expect(JSON.stringify(error.details)).not.toContain(secret.trim());
      }),
    );
  });
});
