/**
 * The process's log lines (observability/logger.ts) as a test sees them: `captureLogs()` sends them to memory (not
 * stdout) at the given level until `stop()`, which puts the sink and the level back.
 */
import { configureLogging, log, setLogSink, type LogLevel } from '../../observability/logger';

export interface CapturedLogs {
  /** Every line as written, newline and all. */
  raw: string[];
  /** Every line parsed (each must be one JSON object). */
  entries(): Record<string, unknown>[];
  stop(): void;
}

export function captureLogs(level: LogLevel = 'trace'): CapturedLogs {
  const raw: string[] = [];
  const previousLevel = log().level as LogLevel;
  const restoreSink = setLogSink((line) => raw.push(line));
  configureLogging({ level });
  return {
    raw,
    entries: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    stop() {
      restoreSink();
      configureLogging({ level: previousLevel });
    },
  };
}
