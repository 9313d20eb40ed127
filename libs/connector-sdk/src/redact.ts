/**
 * Redaction of personal data in text that ends up in error messages or logs. App error bodies often echo the
 * offending value ("x@y is already a list member"), so anything an app says passes through here first.
 * Conservative on purpose: a long digit run is treated as a possible phone number even when it is an id.
 */

const EMAIL = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[^\s@<>()[\]"',;:]+/g;
// Seven or more digits, optionally separated by spaces, dots, dashes or brackets, optionally starting with '+'.
const PHONE_LIKE = /\+?\d(?:[\s().-]{0,2}\d){6,}/g;

/** Replaces emails and phone-like digit runs with placeholders. */
export function redactPii(text: string): string {
  return text.replace(EMAIL, '<email>').replace(PHONE_LIKE, '<number>');
}

/** Redacts the string values of a flat details object (nested values are left to the caller). */
export function redactDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    out[key] = typeof value === 'string' ? redactPii(value) : value;
  }
  return out;
}
