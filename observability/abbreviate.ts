/**
 * What a log line may hold of a value, whoever logs it (the API's lines, the worker's Temporal SDK entries): no bytes,
 * no histories, payloads, arguments or task tokens (only their kind and size), no value under a personal key, short
 * redacted strings, short arrays, shallow. The SDK and its core pass histories, task tokens, payloads, activity
 * arguments and errors with long stacks as metadata, and none of that belongs in a log (a payload holds a citizen's
 * data, even if encrypted; a history can be megabytes).
 */
import { types } from 'node:util';
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

export type Redact = (text: string) => string;

/**
 * A JSON-able stand-in for `value`: no bytes, no omitted keys' contents, no personal keys' values, short redacted
 * strings, short arrays, shallow.
 */
export function abbreviate(value: unknown, depth: number, key = '', redact: Redact = redactSecrets): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  const kind = kindOf(key);
  const personal = kind === 'personal';
  const omitted = kind !== 'plain';
  // A phone or an ID number can be a number too; other numbers (sizes, counts, attempts) are kept.
  if (typeof value === 'number') return personal ? '[omitted: number]' : value;
  if (typeof value === 'bigint') return personal ? '[omitted: number]' : value.toString();
  if (typeof value === 'string') return omitted ? `[omitted: ${value.length} chars]` : shortString(value, redact);
  if (typeof value === 'function' || typeof value === 'symbol') return `[${typeof value}]`;
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (value instanceof Date) return value.toISOString();
  // Node's own errors (a refused connection) may come from another realm (jest's sandbox): not `instanceof Error` there.
  if (value instanceof Error || types.isNativeError(value)) return errorSummary(value, redact);
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

type KeyKind = 'personal' | 'omitted' | 'plain';
/** The same few dozen keys come again and again (every access-log line has the same ones): decided once each. */
const KINDS = new Map<string, KeyKind>();
const MAX_KINDS = 1_000;

function kindOf(key: string): KeyKind {
  if (key === '') return 'plain';
  let kind = KINDS.get(key);
  if (kind === undefined) {
    kind = PERSONAL_KEY.test(key) ? 'personal' : OMITTED_KEY.test(key) ? 'omitted' : 'plain';
    if (KINDS.size < MAX_KINDS) KINDS.set(key, kind);
  }
  return kind;
}

/** An error as one line: its name, message and first stack frames, redacted and short. */
export function errorSummary(err: Error, redact: Redact): string {
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

/** Line breaks shown, not written: one entry, one line, whatever a message holds. */
export function oneLine(s: string): string {
  return s.replace(/\r?\n/g, ' ⏎ ');
}
