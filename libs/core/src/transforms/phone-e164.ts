/**
 * `phone_e164`: any spelling of a phone number → E.164 (`+12125550101`), read in the `region` option's numbering
 * plan (default US) when the number has no country code. An extension is kept as `;ext=12` (RFC 3966) rather than
 * dropped, so an edit to the extension is still an edit. Values that are not phone numbers are not observed.
 *
 * By default a number needs only a possible length for its country, not a currently assigned range: metadata
 * updates would otherwise flip stored values between readable and unreadable, and fictional 555 numbers fill
 * every demo and test. `strict: true` asks for a valid number instead.
 *
 * Options: `region` (ISO 3166 code, default US), `format` (what the app stores: e164 | national | international),
 * `strict` (boolean).
 */
import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import { cleanText, EMPTY, enumOption, enumProblem, isRawEmpty, notObserved, observed, textOf } from './common.js';
import type { Transform, TransformOutcome } from './transform.js';

const FORMATS = ['e164', 'national', 'international'] as const;
type PhoneFormat = (typeof FORMATS)[number];

/** The `region` option as a supported country code; undefined when it is not one. */
function regionOf(options: Record<string, unknown>): CountryCode | undefined {
  const region = options.region ?? 'US';
  if (typeof region !== 'string') return undefined;
  const upper = region.toUpperCase();
  return isSupportedCountry(upper) ? upper : undefined;
}

/**
 * The spellings to try, most specific first. `00` is the international prefix across Europe but not in the US,
 * so `00 44 …` read under US rules would be a wrong local number: try it as `+44 …` first.
 */
function candidates(text: string): string[] {
  const bare = text.replace(/^tel:/iu, '');
  return /^00\s*[1-9]/u.test(bare) ? [bare.replace(/^00\s*/u, '+'), bare] : [bare];
}

function parse(text: string, region: CountryCode, strict: boolean): PhoneNumber | undefined {
  for (const candidate of candidates(text)) {
    const number = parsePhoneNumberFromString(candidate, { defaultCountry: region, extract: false });
    if (number && (strict ? number.isValid() : number.isPossible())) return number;
  }
  return undefined;
}

function canonicalOf(number: PhoneNumber): string {
  return number.ext ? `${number.number};ext=${number.ext}` : number.number;
}

function readPhone(raw: unknown, options: Record<string, unknown>): TransformOutcome {
  if (isRawEmpty(raw)) return EMPTY;
  const region = regionOf(options);
  if (!region) return notObserved('option region is not a supported region code');
  const text = typeof raw === 'boolean' ? null : textOf(raw);
  if (text === null) return notObserved('not a phone number');
  const cleaned = cleanText(text);
  if (cleaned === '') return EMPTY;
  const strict = options.strict === true;
  const key = `${region}\u0000${strict ? 1 : 0}\u0000${cleaned}`;
  const known = parsed.get(key);
  if (known) return known;
  const number = parse(cleaned, region, strict);
  const outcome = number ? observed(canonicalOf(number)) : notObserved(`not a phone number in region ${region}`);
  if (parsed.size >= PARSE_CACHE_LIMIT) parsed.clear();
  parsed.set(key, Object.freeze(outcome));
  return outcome;
}

/**
 * Parsing is most of the reconciler's time (every linked phone is read on every cycle), and the outcome depends
 * only on the text, region and strictness: remember recent outcomes. Bounded; emptied when full.
 */
const PARSE_CACHE_LIMIT = 50_000;
const parsed = new Map<string, TransformOutcome>();

/**
 * E.164 (with `;ext=`), or the app's national or international format. A number from outside the app's region is
 * written internationally even under `national`: its national form would be read back as a local number.
 */
function writePhone(canonical: unknown, options: Record<string, unknown>): unknown {
  if (typeof canonical !== 'string') return canonical;
  const key = `${String(options.format ?? '')}\u0000${String(options.region ?? '')}\u0000${options.strict === true ? 1 : 0}\u0000${canonical}`;
  if (written.has(key)) return written.get(key);
  const raw = formatPhone(canonical, options);
  if (written.size >= PARSE_CACHE_LIMIT) written.clear();
  written.set(key, raw);
  return raw;
}

/** Remembered write formats, as for reads: the outcome depends only on the value and the options named in the key. */
const written = new Map<string, unknown>();

function formatPhone(canonical: string, options: Record<string, unknown>): unknown {
  const number = parsePhoneNumberFromString(canonical, { extract: false });
  const format: PhoneFormat | undefined = enumOption(options, 'format', FORMATS, 'e164');
  if (!number || !format) return canonical;
  switch (format) {
    case 'e164':
      return canonicalOf(number);
    case 'international':
      return number.formatInternational();
    case 'national': {
      const region = regionOf(options);
      const local = region !== undefined && getCountryCallingCode(region) === number.countryCallingCode;
      if (!local) return number.formatInternational();
      // Some regions share a calling code (Tristan da Cunha and Saint Helena on +290): a national form that would not
      // read back as the same number is written internationally instead.
      const national = number.formatNational();
      const back = readPhone(national, options);
      return back.ok && back.value === canonicalOf(number) ? national : number.formatInternational();
    }
  }
}

function checkPhoneOptions(options: Record<string, unknown>): string | null {
  if (!regionOf(options)) return 'option region must be a supported ISO 3166 region code (e.g. US, GB)';
  if (options.strict !== undefined && typeof options.strict !== 'boolean') return 'option strict must be true or false';
  return enumProblem(options, 'format', FORMATS);
}

export const phoneE164Transform: Transform = {
  name: 'phone_e164',
  optionNames: ['region', 'format', 'strict'],
  toCanonical: readPhone,
  toRaw: writePhone,
  lossy: () => null,
  checkOptions: checkPhoneOptions,
};
