import { ConfigError, TandemError } from './errors.js';

describe('TandemError', () => {
  it('carries a stable code and its subclass name', () => {
    const err = new ConfigError('bad file', []);
    expect(err).toBeInstanceOf(TandemError);
    expect(err.code).toBe('TANDEM_CONFIG_INVALID');
    expect(err.name).toBe('ConfigError');
  });
});
