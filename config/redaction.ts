/**
 * What every Huiying log leaves out, whoever writes it: the API's error log (api/errors.ts) and the worker's Temporal
 * SDK logger (worker/runtime-logger.ts). Secrets, tokens and citizens' names, phones and ID numbers have no place in
 * a log. Lives here, not in api/ or worker/, because both use it and neither may import the other.
 */
import { capLogLine, LOG_LINE_MAX_BYTES } from './log-line';
import { maskNumbers } from '../domain/privacy';

const JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
/** Long runs of base64url/hex: keys, secrets, session cookies. Paths and words are not this long without a break. */
const LONG_OPAQUE = /[A-Za-z0-9_-]{40,}={0,2}/g;

/** Field names that hold a person's name, phone or ID number in quoted data (a request or payload in an error message). */
const PERSONAL = 'name|citizenName|fullName|contactName|phone|mobile|tel|idNumber|idCard|id_number|id_card';
/**
 * `"name": "张市民"`, `'phone': '0838-1234567'`, `name: "张市民"` (JSON, a JS object's inspection): the quoted value
 * replaced, quotes kept. A value cut off by an earlier shortening (no closing quote) is replaced to its end.
 */
const PERSONAL_QUOTED = new RegExp(`((?:"|'|\\b)(?:${PERSONAL})(?:"|')?\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"?|'(?:[^'\\\\]|\\\\.)*'?)`, 'gi');
/** `name=张市民` (a query string or form): the value up to the next separator. */
const PERSONAL_PARAM = new RegExp(`(\\b(?:${PERSONAL})=)[^&\\s"',;]+`, 'gi');
/**
 * What one of the patterns above, or maskNumbers' (11 digits or more in a row), needs in order to find anything: text
 * with none of it is returned as it is, unsearched — most of what is logged (ids, routes, counts, short messages) —
 * which makes a log line about a third cheaper. Keep it in step with the patterns.
 */
const KEYWORD = new RegExp(`eyJ|bearer|basic|${PERSONAL}`, 'i');
const OPAQUE_RUN = /[A-Za-z0-9_-]{40}/;
const ELEVEN_DIGITS = /\d{11}/;
/** Separate tests: one alternation of them all backtracks through every position (6 µs for a UUID instead of 0.3). */
function mayNeedRedaction(text: string, secrets: readonly string[]): boolean {
  return KEYWORD.test(text) || OPAQUE_RUN.test(text) || ELEVEN_DIGITS.test(text) || secrets.some((s) => s.length >= 8 && text.includes(s));
}

/**
 * The text with tokens, bearer credentials, the given secrets and long opaque strings replaced by `[redacted]`,
 * the values of name, phone and ID fields in quoted data replaced as well, and mobile and ID numbers masked anywhere
 * (a citizen's phone has no place in a log either). A name in prose cannot be told from other words: keep citizens'
 * data out of log messages; this catches it when a request or payload is quoted whole.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  if (!mayNeedRedaction(text, secrets)) return text;
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length >= 8) out = out.split(s).join('[redacted]');
  out = out
    .replace(JWT, '[redacted]')
    .replace(BEARER, '$1 [redacted]')
    .replace(LONG_OPAQUE, '[redacted]')
    .replace(PERSONAL_QUOTED, (_m, key: string, value: string) => `${key}${value[0]}[redacted]${value[0]}`)
    .replace(PERSONAL_PARAM, '$1[redacted]');
  return maskNumbers(out);
}

/**
 * One line (plus redacted stack frames) for an unexpected error: its name and redacted message, no object dump, and
 * at most LOG_LINE_MAX_BYTES in all (config/log-line.ts) however long the message (a message can quote a payload).
 */
export function describeForLog(err: unknown, secrets: readonly string[] = []): string {
  if (!(err instanceof Error)) return redactSecrets(`non-error thrown: ${typeof err}`, secrets);
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 12);
  // Redacting a megabyte is wasted work: a quarter of the cap is the most of a message that is kept anyway.
  const message = capLogLine(String(err.message), MESSAGE_MAX_BYTES);
  return capLogLine(redactSecrets([`${err.name}: ${message}`, ...frames].join('\n'), secrets));
}

const MESSAGE_MAX_BYTES = LOG_LINE_MAX_BYTES / 4;
