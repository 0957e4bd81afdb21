/**
 * The Temporal SDK's logger for the worker (`Runtime.install({ logger })`): one line per entry on stderr, at most
 * LOG_LINE_MAX_BYTES (config/log-line.ts), with metadata abbreviated first — the SDK and its core pass histories,
 * task tokens, payloads, activity arguments and errors with long stacks as metadata, and none of that belongs in a log
 * (a payload holds a citizen's data, even if encrypted; a history can be megabytes).
 */
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import { capLogLine } from '../config/log-line';

/** Keys whose values are never written, only their kind and size: whole histories, payloads and arguments, tokens. */
const OMITTED_KEY = /histor|payload|token|^args$|arguments|input|result|memo|header|details|body|content|citizen/i;
/** Longer strings keep their start and a length; an identifier or a reason fits well within. */
const MAX_STRING_CHARS = 256;
/** Longer arrays keep their first elements and a count. */
const MAX_ARRAY_ITEMS = 10;
const MAX_DEPTH = 4;
const MAX_STACK_FRAMES = 5;

/** A logger for `Runtime.install({ logger })` writing `write(line)` for each entry at `level` and above. */
export function runtimeLogger(
  level: LogLevel = 'INFO',
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): DefaultLogger {
  return new DefaultLogger(level, (entry) => write(formatLogEntry(entry)));
}

/** `2026-12-01T08:00:00.000Z [WARN] message {"workflowId":"case-…",…}` — one line, within the cap. */
export function formatLogEntry(entry: LogEntry): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const meta = entry.meta === undefined || Object.keys(entry.meta).length === 0 ? '' : ` ${safeJson(abbreviate(entry.meta, 0))}`;
  return capLogLine(`${time} [${entry.level}] ${oneLine(entry.message)}${meta}`);
}

/** A JSON-able stand-in for `value`: no bytes, no omitted keys' contents, short strings, short arrays, shallow. */
export function abbreviate(value: unknown, depth: number, key = ''): unknown {
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return key && OMITTED_KEY.test(key) ? `[omitted: ${value.length} chars]` : shortString(value);
  if (typeof value === 'function' || typeof value === 'symbol') return `[${typeof value}]`;
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return errorSummary(value);
  if (key && OMITTED_KEY.test(key)) return `[omitted: ${Array.isArray(value) ? `${value.length} items` : 'object'}]`;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `[${value.length} items]` : '[object]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ARRAY_ITEMS).map((v) => abbreviate(v, depth + 1));
    return value.length > MAX_ARRAY_ITEMS ? [...items, `… ${value.length - MAX_ARRAY_ITEMS} more`] : items;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = abbreviate(v, depth + 1, k);
  return out;
}

function errorSummary(err: Error): string {
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, MAX_STACK_FRAMES)
    .map((l) => l.trim());
  return shortString(oneLine([`${err.name}: ${err.message}`, ...frames].join(' | ')), MAX_STRING_CHARS * 4);
}

function shortString(s: string, max = MAX_STRING_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max)}… [${s.length} chars]`;
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
