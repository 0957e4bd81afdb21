/**
 * No log line over LOG_LINE_MAX_BYTES, every line one JSON object, never a history, payload or task token:
 * config/log-line.ts, the process's logger (observability/logger.ts) and the worker's Temporal SDK logger through it.
 */
import type { LogEntry } from '@temporalio/worker';
import { capLogLine, LOG_LINE_MAX_BYTES } from '../../config/log-line';
import { describeForLog, redactSecrets } from '../../config/redaction';
import { fitLine, log } from '../../observability/logger';
import { runtimeLogger } from '../../worker/runtime-logger';
import { captureLogs, type CapturedLogs } from '../support/logs';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('capLogLine', () => {
  test('short text is unchanged', () => {
    expect(capLogLine('hello 世界')).toBe('hello 世界');
    const exact = 'x'.repeat(LOG_LINE_MAX_BYTES);
    expect(capLogLine(exact)).toBe(exact);
  });

  test('long text: within the cap, marked with its length', () => {
    const long = 'a'.repeat(100_000);
    const out = capLogLine(long);
    expect(bytes(out)).toBeLessThanOrEqual(LOG_LINE_MAX_BYTES);
    expect(out).toMatch(/^a+ … \[truncated: 100000 bytes\]$/);
  });

  test('multi-byte characters are never cut in half', () => {
    for (const maxBytes of [64, 65, 66, 67]) {
      const out = capLogLine('台账'.repeat(1000), maxBytes);
      expect(bytes(out)).toBeLessThanOrEqual(maxBytes);
      expect(out).not.toContain('\uFFFD');
      expect(out).toMatch(/^(台账|台)*(账)? … \[truncated: 6000 bytes\]$/);
    }
  });
});

describe("the API's error log", () => {
  test('a huge message stays within the cap, redacted', () => {
    const err = new Error(`payload refused: ${'{"citizen":"张市民","phone":"13800001234"}'.repeat(20_000)}`);
    const line = describeForLog(err);
    expect(bytes(line)).toBeLessThanOrEqual(LOG_LINE_MAX_BYTES);
    expect(line).toMatch(/^Error: payload refused/);
    expect(line).toContain('truncated');
    expect(line).not.toContain('13800001234');
  });
});

test("redaction's quick check (text with nothing to find is returned unsearched) lets nothing through", () => {
  const needing = [
    'Basic dXNlcjpwYXNz',
    'auth bearer abc.def',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    `k=${'a1'.repeat(20)}`,
    'call 13800001234 now',
    'id 51072219900101123X',
    'name=张市民',
    "{'tel': '0838-7654321'}",
    '"idCard":"x"',
    'contactName: "李"',
    'with county-db-pa55word inside',
  ];
  for (const text of needing)
    expect({ text, redacted: redactSecrets(text, ['county-db-pa55word']) !== text }).toEqual({ text, redacted: true });
  for (const text of ['GET', '/cases/:id', '1c69db5a-9bda-474e-963e-d0d433b595ab', 'request', 'op1', '台账 LZ-2026-000123'])
    expect(redactSecrets(text, ['county-db-pa55word'])).toBe(text);
});

describe("the process's logger", () => {
  let logs: CapturedLogs;
  beforeEach(() => (logs = captureLogs('info')));
  afterEach(() => logs.stop());

  test('one JSON object per line: level, time, process, fields, message', () => {
    log().info({ reqId: 'r-1', route: '/cases/:id', status: 200 }, 'request');
    expect(logs.raw).toHaveLength(1);
    expect(logs.raw[0]!.endsWith('\n')).toBe(true);
    expect(logs.raw[0]!.slice(0, -1)).not.toContain('\n');
    expect(logs.entries()[0]).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      svc: expect.any(String),
      pid: process.pid,
      reqId: 'r-1',
      route: '/cases/:id',
      status: 200,
      msg: 'request',
    });
    log().debug('not at info');
    expect(logs.raw).toHaveLength(1);
  });

  test('however large the message, the fields or their number, every line is JSON within the cap', () => {
    const many = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, `v${i} `.repeat(30)]));
    log().warn({ reqId: 'r-2', note: 'n'.repeat(1_000_000) }, '台账'.repeat(500_000));
    log().error(many, 'many fields');
    log().error({ reqId: 'r-3', err: new Error(`boom ${'x '.repeat(50_000)}`) });
    log().info(`quotes "and" backslashes \\ ${'"\\'.repeat(50_000)}`);
    expect(logs.raw).toHaveLength(4);
    for (const line of logs.raw) expect(bytes(line.slice(0, -1))).toBeLessThanOrEqual(LOG_LINE_MAX_BYTES);
    const [huge, wide, error, quoted] = logs.entries();
    expect(huge).toMatchObject({ level: 'warn', reqId: 'r-2', note: expect.stringContaining('[1000000 chars]') });
    expect(huge!.msg).toMatch(/^(台账)+.* … \[truncated: \d+ bytes\]$/);
    expect(wide).toMatchObject({ level: 'error', msg: 'many fields', truncated: expect.any(Number) });
    expect(error).toMatchObject({ reqId: 'r-3', err: expect.stringMatching(/^Error: boom (x )+x?… \[\d+ chars\]$/) });
    expect(quoted!.msg).toContain('truncated');
  });

  test('fitLine: a line within the cap is left alone; a longer one is shrunk, still JSON, with its length', () => {
    const short = '{"level":"info","msg":"ok"}\n';
    expect(fitLine(short)).toBe(short);
    const long = `${JSON.stringify({ level: 'info', reqId: 'r', big: 'b'.repeat(20_000), msg: 'm'.repeat(20_000) })}\n`;
    const fitted = fitLine(long);
    expect(bytes(fitted.slice(0, -1))).toBeLessThanOrEqual(LOG_LINE_MAX_BYTES);
    expect(JSON.parse(fitted)).toMatchObject({ level: 'info', reqId: 'r', big: '[20002 bytes]', truncated: bytes(long) - 1 });
  });
});

describe("the worker's Temporal SDK logger", () => {
  let logs: CapturedLogs;
  beforeEach(() => (logs = captureLogs('info')));
  afterEach(() => logs.stop());
  const entry = (message: string, meta?: Record<string, unknown>): LogEntry => ({
    level: 'WARN',
    message,
    timestampNanos: BigInt(Date.UTC(2026, 11, 1, 8)) * 1_000_000n,
    meta,
  });
  const write = (e: LogEntry) => {
    runtimeLogger(log()).log(e.level, e.message, e.meta);
    return logs.entries().at(-1)!;
  };

  test('one JSON line per entry: its level, message and metadata as fields', () => {
    const line = write(
      entry('Workflow task failed\nsecond line', { workflowId: 'case-abc', runId: 'r1', attempt: 2, sdkComponent: 'worker', level: 'x' }),
    );
    expect(logs.raw).toHaveLength(1);
    expect(line).toMatchObject({
      level: 'warn',
      msg: 'Workflow task failed ⏎ second line',
      workflowId: 'case-abc',
      runId: 'r1',
      attempt: 2,
      sdkComponent: 'worker',
      sdk_level: 'x',
    });
  });

  test('histories, payloads, task tokens and arguments are abbreviated, never written', () => {
    const history = { events: Array.from({ length: 5000 }, (_, i) => ({ eventId: i, payload: 'x'.repeat(500) })) };
    write(
      entry('Failing workflow task', {
        workflowId: 'case-abc',
        history,
        taskToken: Buffer.alloc(300, 7),
        payloads: [{ data: new Uint8Array(1_000_000) }],
        args: ['张市民', '13800001234'],
        raw: new Uint8Array(2048),
        note: 'y'.repeat(50_000),
        many: Array.from({ length: 100 }, (_, i) => i),
      }),
    );
    const text = logs.raw[0]!;
    expect(bytes(text)).toBeLessThan(2048);
    expect(text).toContain('"workflowId":"case-abc"');
    expect(text).toContain('"history":"[omitted: object]"');
    expect(text).toContain('"taskToken":"[300 bytes]"');
    expect(text).toContain('"payloads":"[omitted: 1 items]"');
    expect(text).toContain('"raw":"[2048 bytes]"');
    expect(text).toContain('… [50000 chars]');
    expect(text).toContain('"… 90 more"');
    expect(text).not.toContain('13800001234');
    expect(text).not.toContain('张市民');
  });

  test('an error in the metadata is its name, message and a few frames, on the line', () => {
    const line = write(entry('Activity failed', { error: new Error('boom\nwith a second line') }));
    expect(line.error).toMatch(/^Error: boom ⏎ with a second line \| at /);
  });

  test('however large the message, the line is within the cap; entries below the level are not written', () => {
    const logger = runtimeLogger(log());
    logger.info('m'.repeat(1_000_000), { workflowId: 'case-abc' });
    logger.debug('not at INFO');
    logger.error('short');
    expect(logs.raw).toHaveLength(2);
    expect(bytes(logs.raw[0]!)).toBeLessThanOrEqual(LOG_LINE_MAX_BYTES);
    expect(logs.entries()[0]!.msg).toContain('truncated');
    expect(logs.entries()[1]).toMatchObject({ level: 'error', msg: 'short' });
  });
});
