/**
 * `email`: trimmed, composed (NFC), lowercased address; values that are not plausible addresses are not observed.
 *
 * The whole address is lowercased although the local part is case-sensitive in theory: no mainstream provider
 * treats it so, and email is the identity key every sync matches on. "Plausible" is deliberately not RFC 5322:
 * it accepts what real systems store (Unicode letters, `+` tags) and rejects what breaks matching (two `@`,
 * spaces, no dot in the domain, a domain label starting with `-`).
 */
import { cleanText, EMPTY, isRawEmpty, nothingToReport, notObserved, observed, sameText } from './common.js';
import type { Transform, TransformOutcome } from './transform.js';

const LOCAL_PART = /^[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64}$/u;
const DOMAIN_LABEL = /^[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?$/u;
/** `Ada Lovelace <ada@example.test>`, the display form CSV exports and mail clients produce. */
const DISPLAY_FORM = /^[^<>]*<([^<>]*)>$/u;

function plausibleLocal(local: string): boolean {
  return LOCAL_PART.test(local) && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

function plausibleDomain(domain: string): boolean {
  const labels = domain.split('.');
  const tld = labels[labels.length - 1] ?? '';
  return labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label)) && tld.length >= 2 && !/^\d+$/u.test(tld);
}

/** Whether a (cleaned, lowercased) string looks like a deliverable address. */
export function isPlausibleEmail(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.length > 254) return false;
  return plausibleLocal(address.slice(0, at)) && plausibleDomain(address.slice(at + 1));
}

/** The bare address inside a `mailto:` link or a `Name <address>` display form. */
function bareAddress(text: string): string {
  const display = DISPLAY_FORM.exec(text);
  const inner = display ? cleanText(display[1] ?? '') : text;
  return inner.startsWith('mailto:') ? cleanText(inner.slice('mailto:'.length)) : inner;
}

function readEmail(raw: unknown): TransformOutcome {
  if (isRawEmpty(raw)) return EMPTY;
  if (typeof raw !== 'string') return notObserved('not a text value');
  const cleaned = cleanText(raw).toLowerCase().normalize('NFC');
  if (cleaned === '') return EMPTY;
  const address = bareAddress(cleaned);
  return isPlausibleEmail(address) ? observed(address) : notObserved('not a plausible email address');
}

export const emailTransform: Transform = {
  name: 'email',
  optionNames: [],
  toCanonical: readEmail,
  toRaw: sameText,
  lossy: nothingToReport,
  checkOptions: nothingToReport,
};
