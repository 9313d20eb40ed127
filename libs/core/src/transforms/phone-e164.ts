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
import { BoundedMemo } from './memo.js';
import type { Transform, TransformOutcome } from './transform.js';

const FORMATS = ['e164', 'national', 'international'] as const;
type PhoneFormat = (typeof FORMATS)[number];

/** The `region` option as a supported country code; undefined when it is not one. */
function regionOf(options: Record<string, unknown>): CountryCode | undefined {
  const region = options.region ?? 'US';
  if (typeof region !== 'string') return undefined;
  const known = regions.get(region);
  if (known !== undefined) return known ?? undefined;
  const upper = region.toUpperCase();
  const code = isSupportedCountry(upper) ? upper : null;
  if (regions.size >= REGION_SPELLINGS) regions.clear();
  regions.set(region, code);
  return code ?? undefined;
}

/** Region option spellings already looked up (a handful per config; bounded all the same). */
const REGION_SPELLINGS = 1_000;
const regions = new Map<string, CountryCode | null>();

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
  // Keyed by the text as the app sent it, before cleaning: cleaning (NFC, trimming) is itself a good part of the cost.
  const memo = readMemo(region, options.strict === true);
  const known = memo.get(text);
  if (known) return known;
  const outcome = Object.freeze(readPhoneText(text, region, options.strict === true));
  memo.set(text, outcome);
  return outcome;
}

function readPhoneText(text: string, region: CountryCode, strict: boolean): TransformOutcome {
  const cleaned = cleanText(text);
  if (cleaned === '') return EMPTY;
  const number = parse(cleaned, region, strict);
  return number ? observed(canonicalOf(number)) : notObserved(`not a phone number in region ${region}`);
}

/**
 * Parsing is most of the reconciler's time (every linked phone is read on every cycle), and the outcome depends
 * only on the text, region and strictness: recent outcomes are remembered for the process, per region and
 * strictness, each memo at most 2 × PARSE_MEMO_LIMIT entries (see BoundedMemo).
 */
const PARSE_MEMO_LIMIT = 32_768;
const parsed = new Map<string, BoundedMemo<string, TransformOutcome>>();

function readMemo(region: CountryCode, strict: boolean): BoundedMemo<string, TransformOutcome> {
  const scope = strict ? `${region}!` : region;
  let memo = parsed.get(scope);
  if (!memo) {
    memo = new BoundedMemo(PARSE_MEMO_LIMIT);
    parsed.set(scope, memo);
  }
  return memo;
}

/**
 * E.164 (with `;ext=`), or the app's national or international format. A number from outside the app's region is
 * written internationally even under `national`: its national form would be read back as a local number.
 */
function writePhone(canonical: unknown, options: Record<string, unknown>): unknown {
  if (typeof canonical !== 'string') return canonical;
  const key = `${String(options.format ?? '')}\u0000${String(options.region ?? '')}\u0000${options.strict === true ? 1 : 0}\u0000${canonical}`;
  const known = written.get(key);
  if (known !== undefined) return known;
  const raw = formatPhone(canonical, options);
  if (raw !== undefined) written.set(key, raw);
  return raw;
}

/** Remembered write formats, as for reads: the outcome depends only on the value and the options named in the key. */
const written = new BoundedMemo<string, unknown>(PARSE_MEMO_LIMIT);

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
