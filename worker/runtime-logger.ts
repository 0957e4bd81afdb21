/**
 * The Temporal SDK's logger for the worker (`Runtime.install({ logger })`): each entry — the SDK's own, its core's
 * (forwarded, worker/telemetry.ts), workflows' and activities' (`log` of @temporalio/activity) — becomes one JSON line
 * of the process's logger (observability/logger.ts), its metadata as fields. That logger abbreviates the metadata
 * (observability/abbreviate.ts: never a history, payload, task token or argument, only their kind and size), redacts
 * what is written (no secret, token, citizen's name, phone or ID number) and keeps every line within LOG_LINE_MAX_BYTES.
 */
import { DefaultLogger, type LogEntry, type LogLevel as SdkLevel } from '@temporalio/worker';
import { log as processLog, type Log, type LogLevel } from '../observability/logger';

/** The SDK's level for ours: what the SDK filters before anything reaches the logger. */
export const SDK_LEVEL: Record<LogLevel, SdkLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  silent: 'ERROR',
};

const LEVEL_OF: Record<SdkLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Field names the line itself uses: metadata under these names is written as `sdk_<name>`. */
const RESERVED = new Set(['level', 'time', 'svc', 'pid', 'msg', 'reqId', 'truncated']);

/** A logger for `Runtime.install({ logger })` writing each entry at `log`'s level and above as one line of `log`. */
export function runtimeLogger(log: Log = processLog()): DefaultLogger {
  return new DefaultLogger(SDK_LEVEL[log.level as LogLevel] ?? 'INFO', (entry) =>
    log[LEVEL_OF[entry.level]](fieldsOf(entry), entry.message),
  );
}

/** The entry's metadata as the line's fields (abbreviated and redacted by the logger). */
export function fieldsOf(entry: LogEntry): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry.meta ?? {})) fields[RESERVED.has(key) ? `sdk_${key}` : key] = value;
  return fields;
}
