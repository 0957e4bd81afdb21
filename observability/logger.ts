/**
 * The one logger of a Huiying process (pino): one JSON object per line on stdout, e.g.
 * `{"level":"info","time":"2026-12-01T08:00:00.000Z","svc":"api","pid":4242,"reqId":"…","route":"/cases/:id",…,"msg":"request"}`.
 * Every line is redacted and shortened by the rules every Huiying log follows (config/redaction.ts, abbreviate.ts):
 * fields abbreviated (no payloads, histories, tokens, values under personal keys), strings and the message redacted
 * (secrets, JWTs, mobile and ID numbers, quoted names and phones), the message on one line; and no line is longer
 * than LOG_LINE_MAX_BYTES (config/log-line.ts): a longer one is shrunk, still JSON, before it is written.
 *
 * The entry point configures it once (`configureLogging`: which process, the level, the secrets); modules below
 * write through `log()`, which is always the current logger.
 */
import pino from 'pino';
import type { LogLevel } from '../config/defaults';
import { capLogLine, LOG_LINE_MAX_BYTES } from '../config/log-line';
import { redactSecrets } from '../config/redaction';
import { abbreviate, oneLine, type Redact } from './abbreviate';

export type { LogLevel } from '../config/defaults';
export type Log = pino.Logger;

export interface LogSettings {
  /** Which process writes (`api`, `worker`): `npm start` passes its children's JSON lines through as they are. */
  service: string;
  level: LogLevel;
  /** Values never to be written (the configuration's `logSecrets`: every secret-looking environment value). */
  secrets: readonly string[];
}

/** A message keeps at most half the line: the rest is for its fields. */
const MESSAGE_MAX_BYTES = LOG_LINE_MAX_BYTES / 2;
/** A field longer than this (as JSON) is the first to go when a line must be shrunk. */
const FIELD_KEPT_BYTES = 256;

let settings: LogSettings = { service: 'huiying', level: 'info', secrets: [] };
let sink: (line: string) => void = (line) => process.stdout.write(line);
let current: Log | undefined;

/** Sets up the process's logger; what is not given stays as it was. Returns it. */
export function configureLogging(changes: Partial<LogSettings>): Log {
  settings = { ...settings, ...changes };
  current = createLogger(settings);
  return current;
}

/** The process's logger (as last configured; info level on stdout until then). */
export function log(): Log {
  return (current ??= createLogger(settings));
}

/** Where the process's lines go (stdout unless a test or a bench listens); returns what puts the previous sink back. */
export function setLogSink(write: (line: string) => void): () => void {
  const previous = sink;
  sink = write;
  return () => {
    sink = previous;
  };
}

function createLogger({ service, level, secrets }: LogSettings): Log {
  const redact: Redact = (text) => redactSecrets(text, secrets);
  const fields = (object: object) => abbreviate(object, 0, '', redact) as Record<string, unknown>;
  return pino(
    {
      level,
      base: { svc: service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), bindings: fields, log: fields },
      // The message too, however it came (a string, an error's message): pino applies the serializer of `msg` to it.
      serializers: { msg: (m: unknown) => (typeof m === 'string' ? message(m, redact) : m) },
      hooks: { streamWrite: fitLine },
    },
    { write: (line: string) => sink(line) },
  );
}

/** Redacted (only what can be kept, twice that for a secret across the cut), on one line, within its share of the line. */
function message(text: string, redact: Redact): string {
  return capLogLine(oneLine(redact(capLogLine(text, 2 * MESSAGE_MAX_BYTES))), MESSAGE_MAX_BYTES);
}

/**
 * `line` if it fits in LOG_LINE_MAX_BYTES (its newline aside); otherwise the same entry shrunk, still one JSON object:
 * the message cut (capLogLine's marker), long fields replaced by their size if that is not enough, and `truncated`
 * saying how long the line was.
 */
export function fitLine(line: string): string {
  const body = line.endsWith('\n') ? line.slice(0, -1) : line;
  const total = Buffer.byteLength(body, 'utf8');
  if (total <= LOG_LINE_MAX_BYTES) return line;
  return `${shrink(body, total)}\n`;
}

function shrink(body: string, total: number): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return JSON.stringify({ level: 'error', msg: 'a log line that was not JSON was dropped', truncated: total });
  }
  const text = typeof entry.msg === 'string' ? entry.msg : '';
  // The message is cut first (its start says what happened); long fields go only if that is not enough.
  const shortFields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    const size = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
    shortFields[key] = key === 'msg' || size <= FIELD_KEPT_BYTES ? value : `[${size} bytes]`;
  }
  for (const fields of [entry, shortFields]) {
    // JSON escaping can make a message longer than its bytes: cut further until the line fits.
    for (let room = MESSAGE_MAX_BYTES; room >= 256; room = Math.floor(room / 2)) {
      const candidate = JSON.stringify({ ...fields, msg: capLogLine(text, room), truncated: total });
      if (Buffer.byteLength(candidate, 'utf8') <= LOG_LINE_MAX_BYTES) return candidate;
    }
  }
  const { level, time, svc, pid, reqId } = entry;
  return JSON.stringify({ level, time, svc, pid, reqId, msg: capLogLine(text, 256), truncated: total });
}
