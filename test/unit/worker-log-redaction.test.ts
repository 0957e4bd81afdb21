/**
 * The worker's Temporal SDK logger (worker/runtime-logger.ts) writes through the process's logger, which redacts as
 * every Huiying log line is (config/redaction.ts, observability/logger.ts): no secret, token, citizen's name, phone or
 * ID number on a worker log line, wherever the SDK puts it — the message, metadata values, an error's message, nested
 * objects. A name in prose ("for 张市民") cannot be told from other words: log calls must not put one there; a name is
 * caught under a personal key or in quoted data (a request or payload).
 */
import type { LogEntry } from '@temporalio/worker';
import { configureLogging, log } from '../../observability/logger';
import { runtimeLogger } from '../../worker/runtime-logger';
import { captureLogs, type CapturedLogs } from '../support/logs';

const NAME = '张市民';
const MOBILE = '13800001234';
const LANDLINE = '0838-7654321';
const ID_NUMBER = '510722199001011234';
const SECRET = 'county-db-pa55word';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
/** What a payload or request looks like when an error message quotes it. */
const QUOTED = JSON.stringify({ citizen: { name: NAME, phone: LANDLINE }, idNumber: ID_NUMBER });

const entry = (message: string, meta?: Record<string, unknown>): LogEntry => ({
  level: 'WARN',
  message,
  timestampNanos: BigInt(Date.UTC(2026, 11, 1, 8)) * 1_000_000n,
  meta,
});

let logs: CapturedLogs;
beforeEach(() => {
  configureLogging({ secrets: [SECRET] }); // as the worker's entry point does with Config.logSecrets
  logs = captureLogs('info');
});
afterEach(() => {
  logs.stop();
  configureLogging({ secrets: [] });
});

/** The line the worker would write for `e`, as it is written. */
function formatLogEntry(e: LogEntry): string {
  runtimeLogger(log()).log(e.level, e.message, e.meta);
  const line = logs.raw.at(-1)!;
  JSON.parse(line); // one JSON object
  return line;
}

function expectClean(line: string): void {
  for (const leak of [NAME, MOBILE, LANDLINE, ID_NUMBER, SECRET, JWT, 'pa55word']) expect(line).not.toContain(leak);
}

test('the message: numbers masked, quoted names and phones, tokens and secrets redacted', () => {
  const line = formatLogEntry(
    entry(`Activity failed for ${MOBILE} (ID ${ID_NUMBER}) with Bearer ${JWT} on postgres://u:${SECRET}@db: ${QUOTED}`),
  );
  expectClean(line);
  expect(line).toContain('138****1234');
  expect(line).toContain('510***********1234');
  const { msg } = JSON.parse(line) as { msg: string };
  expect(msg).toContain('"name":"[redacted]"');
  expect(msg).toContain('"phone":"[redacted]"');
  expect(JSON.parse(line)).toMatchObject({ level: 'warn', msg: expect.stringMatching(/^Activity failed for /) });
});

test('metadata: personal keys omitted at any depth, strings and errors redacted, identifiers kept', () => {
  const line = formatLogEntry(
    entry('Workflow task failed', {
      workflowId: 'case-0123456789abcdef',
      runId: '01a23140-0ac2-735c-945e-4c76fe212e67',
      attempt: 3,
      name: NAME,
      recipient: { kind: 'citizen', phone: MOBILE, mobile: 13800001234 },
      contact: { fullName: NAME, idNumber: ID_NUMBER, address: '乐至县天池镇' },
      reason: `refused: ${QUOTED}`,
      query: `?name=${encodeURIComponent(NAME)}&name=${NAME}`,
      password: SECRET,
      error: new Error(`webhook refused ${QUOTED} for ${MOBILE}`),
    }),
  );
  expectClean(line);
  expect(line).not.toContain('天池镇');
  expect(line).not.toContain(encodeURIComponent(NAME));
  expect(line).toContain('"workflowId":"case-0123456789abcdef"');
  expect(line).toContain('"runId":"01a23140-0ac2-735c-945e-4c76fe212e67"');
  expect(line).toContain('"attempt":3');
  expect(line).toContain('"name":"[omitted: 3 chars]"');
  expect(line).toContain('"mobile":"[omitted: number]"');
  expect(line).toMatch(/"error":"Error: webhook refused .*138\*\*\*\*1234/);
});

test('a name or secret across the cut of a long value is still redacted', () => {
  const long = `${'x '.repeat(120)}${JSON.stringify({ name: NAME })} ${SECRET} ${'y '.repeat(500)}`;
  const line = formatLogEntry(entry(long, { note: long }));
  expectClean(line);
});

test('the logger the worker installs redacts with the secrets the process is configured with', () => {
  const logger = runtimeLogger(log());
  logger.warn(`connecting with ${SECRET} for ${MOBILE}`, { citizenName: NAME, phone: MOBILE });
  expect(logs.raw).toHaveLength(1);
  expectClean(logs.raw[0]!);
  expect(logs.raw[0]).toContain('connecting with [redacted]');
});
