import { createHmac } from 'node:crypto';

/**
 * Development-only secret for match-key hashing. Deployments MUST set TANDEM_KEY_SECRET (passed as `keySecret`):
 * with this public value anyone holding a ledger copy could test guessed emails against its hashes.
 */
export const DEV_KEY_SECRET = 'tandem-dev-key-secret-do-not-use-in-production';

/** A normalised identity key of a record, e.g. `{ field: 'email', value: 'ada@example.test' }` after the email transform. */
export interface MatchKey {
  field: string;
  value: string;
}

/**
 * Keyed hash (HMAC-SHA256, hex) of one normalised match key. The field name is part of the input so equal strings
 * under different keys (an email and a username) never collide; the key keeps raw emails out of the ledger.
 */
export function hashMatchKey(secret: string, field: string, normalisedValue: string): string {
  return createHmac('sha256', secret).update(field).update('\u0000').update(normalisedValue).digest('hex');
}
