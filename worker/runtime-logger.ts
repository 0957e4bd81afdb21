/**
 * The Temporal SDK's logger for the worker (`Runtime.install({ logger })`): one line per entry on stderr, at most
 * LOG_LINE_MAX_BYTES (config/log-line.ts), with metadata abbreviated first — the SDK and its core pass histories,
 * task tokens, payloads, activity arguments and errors with long stacks as metadata, and none of that belongs in a log
 * (a payload holds a citizen's data, even if encrypted; a history can be megabytes). What is written is redacted as the
 * API's error log is (config/redaction.ts): no secret, token, citizen's name, phone or ID number.
 */
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import { capLogLine, LOG_LINE_MAX_BYTES } from '../config/log-line';
import { redactSecrets } from '../config/redaction';

/** Keys whose values are never written, only their kind and size: whole histories, payloads and arguments, tokens. */
const OMITTED_KEY = /histor|payload|token|^args$|arguments|input|result|memo|header|details|body|content|citizen/i;
/** Keys that hold a person's name, phone, ID number or whereabouts: never written either, whoever the person. */
const PERSONAL_KEY = /^(name|citizenName|fullName|contactName|phone|mobile|tel|idNumber|idCard|id_number|id_card|address|location)$/i;
/** Longer strings keep their start and a length; an identifier or a reason fits well within. */
const MAX_STRING_CHARS = 256;
/** Longer arrays keep their first elements and a count. */
const MAX_ARRAY_ITEMS = 10;
const MAX_DEPTH = 4;
const MAX_STACK_FRAMES = 5;

type Redact = (text: string) => string;

/**
 * A logger for `Runtime.install({ logger })` writing `write(line)` for each entry at `level` and above; `secrets` are
 * values never to be written (the entry point's `Config.logSecrets`: every secret-looking environment value).
 */
export function runtimeLogger(
  level: LogLevel = 'INFO',
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
  secrets: readonly string[] = [],
): DefaultLogger {
  return new DefaultLogger(level, (entry) => write(formatLogEntry(entry, secrets)));
}

/** `2026-12-01T08:00:00.000Z [WARN] message {"workflowId":"case-…",…}` — one line, redacted, within the cap. */
export function formatLogEntry(entry: LogEntry, secrets: readonly string[] = []): string {
  const redact: Redact = (text) => redactSecrets(text, secrets);
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  // Only what the cap can keep is redacted (twice that: a secret across the cut is still seen whole).
  const message = oneLine(redact(capLogLine(entry.message, 2 * LOG_LINE_MAX_BYTES)));
  const meta =
    entry.meta === undefined || Object.keys(entry.meta).length === 0 ? '' : ` ${safeJson(abbreviate(entry.meta, 0, '', redact))}`;
  return capLogLine(`${time} [${entry.level}] ${message}${meta}`);
}

/**
 * A JSON-able stand-in for `value`: no bytes, no omitted keys' contents, no personal keys' values, short redacted
 * strings, short arrays, shallow.
 */
export function abbreviate(value: unknown, depth: number, key = '', redact: Redact = redactSecrets): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  const personal = key !== '' && PERSONAL_KEY.test(key);
  const omitted = personal || (key !== '' && OMITTED_KEY.test(key));
  // A phone or an ID number can be a number too; other numbers (sizes, counts, attempts) are kept.
  if (typeof value === 'number') return personal ? '[omitted: number]' : value;
  if (typeof value === 'bigint') return personal ? '[omitted: number]' : value.toString();
  if (typeof value === 'string') return omitted ? `[omitted: ${value.length} chars]` : shortString(value, redact);
  if (typeof value === 'function' || typeof value === 'symbol') return `[${typeof value}]`;
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return errorSummary(value, redact);
  if (omitted) return `[omitted: ${Array.isArray(value) ? `${value.length} items` : 'object'}]`;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `[${value.length} items]` : '[object]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ARRAY_ITEMS).map((v) => abbreviate(v, depth + 1, '', redact));
    return value.length > MAX_ARRAY_ITEMS ? [...items, `… ${value.length - MAX_ARRAY_ITEMS} more`] : items;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = abbreviate(v, depth + 1, k, redact);
  return out;
}

function errorSummary(err: Error, redact: Redact): string {
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, MAX_STACK_FRAMES)
    .map((l) => l.trim());
  return shortString(oneLine([`${err.name}: ${err.message}`, ...frames].join(' | ')), redact, MAX_STRING_CHARS * 4);
}

/** `s` redacted, its start kept if it is long (only what is kept is redacted: twice that, for secrets across the cut). */
function shortString(s: string, redact: Redact, max = MAX_STRING_CHARS): string {
  if (s.length <= max) return redact(s);
  return `${redact(s.slice(0, 2 * max)).slice(0, max)}… [${s.length} chars]`;
}

function oneLine(s: string): string {
  return s.replace(/\r?\n/g, ' ⏎ ');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '"[unserializable metadata]"';
  }
}
