/** Secrets and citizens' numbers out of what the API logs. */
import { capLogLine, LOG_LINE_MAX_BYTES } from '../config/log-line';
import { maskNumbers } from '../domain/privacy';

const JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
/** Long runs of base64url/hex: keys, secrets, session cookies. Paths and words are not this long without a break. */
const LONG_OPAQUE = /[A-Za-z0-9_-]{40,}={0,2}/g;

/**
 * The text with tokens, bearer credentials, the given secrets and long opaque strings replaced by `[redacted]`,
 * and mobile and ID numbers masked (a citizen's phone has no place in a log either).
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length >= 8) out = out.split(s).join('[redacted]');
  return maskNumbers(out.replace(JWT, '[redacted]').replace(BEARER, '$1 [redacted]').replace(LONG_OPAQUE, '[redacted]'));
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
