/** No log line over LOG_LINE_MAX_BYTES, never a history, payload or task token: config/log-line.ts and its two users. */
import { capLogLine, LOG_LINE_MAX_BYTES } from '../../config/log-line';
import { describeForLog } from '../../config/redaction';
import { formatLogEntry, runtimeLogger } from '../../worker/runtime-logger';

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

describe("the worker's Temporal SDK logger", () => {
  const entry = (message: string, meta?: Record<string, unknown>) => ({
    level: 'WARN' as const,
    message,
    timestampNanos: BigInt(Date.UTC(2026, 11, 1, 8)) * 1_000_000n,
    meta,
  });

  test('one line: time, level, message, metadata as JSON', () => {
    const line = formatLogEntry(
      entry('Workflow task failed\nsecond line', { workflowId: 'case-abc', runId: 'r1', attempt: 2, sdkComponent: 'worker' }),
    );
    expect(line).not.toContain('\n');
    expect(line).toBe(
      '2026-12-01T08:00:00.000Z [WARN] Workflow task failed ⏎ second line {"workflowId":"case-abc","runId":"r1","attempt":2,"sdkComponent":"worker"}',
    );
  });

  test('histories, payloads, task tokens and arguments are abbreviated, never written', () => {
    const history = { events: Array.from({ length: 5000 }, (_, i) => ({ eventId: i, payload: 'x'.repeat(500) })) };
    const line = formatLogEntry(
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
    expect(bytes(line)).toBeLessThan(2048);
    expect(line).toContain('"workflowId":"case-abc"');
    expect(line).toContain('"history":"[omitted: object]"');
    expect(line).toContain('"taskToken":"[300 bytes]"');
    expect(line).toContain('"payloads":"[omitted: 1 items]"');
    expect(line).toContain('"raw":"[2048 bytes]"');
    expect(line).toContain('… [50000 chars]');
    expect(line).toContain('"… 90 more"');
    expect(line).not.toContain('13800001234');
    expect(line).not.toContain('张市民');
  });

  test('an error in the metadata is its name, message and a few frames on the line', () => {
    const err = new Error('boom\nwith a second line');
    const line = formatLogEntry(entry('Activity failed', { error: err }));
    expect(line).not.toContain('\n');
    expect(line).toMatch(/"error":"Error: boom ⏎ with a second line \| at /);
  });

  test('however large the message, the line is within the cap; the logger writes one line per entry', () => {
    const lines: string[] = [];
    const logger = runtimeLogger('INFO', (l) => lines.push(l));
    logger.info('m'.repeat(1_000_000), { workflowId: 'case-abc' });
    logger.debug('not at INFO');
    logger.error('short');
    expect(lines).toHaveLength(2);
    expect(bytes(lines[0]!)).toBeLessThanOrEqual(LOG_LINE_MAX_BYTES);
    expect(lines[0]).toContain('truncated');
    expect(lines[1]).toMatch(/\[ERROR\] short$/);
  });
});
