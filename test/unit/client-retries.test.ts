/**
 * The API's `interactive` gRPC retries (temporal/client.ts): RESOURCE_EXHAUSTED retried once, UNAVAILABLE briefly,
 * what the SDK never retries never, and all of it far shorter than the SDK's default (about 35 s on RESOURCE_EXHAUSTED).
 */
import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { defaultGrpcRetryOptions, type GrpcRetryOptions } from '@temporalio/client';
import { INTERACTIVE_RETRY, interactiveRetryOptions, isQueryBufferFull } from '../../temporal/client';

const statusOf = (code: status, details = 'x'): StatusObject => ({ code, details, metadata: new Metadata() });

/** Attempts made in all (the first included) and the longest total of the delays between them (jitter at its top). */
function plan(options: GrpcRetryOptions, code: status, details?: string): { attempts: number; maxWaitMs: number } {
  const s = statusOf(code, details);
  const random = jest.spyOn(Math, 'random').mockReturnValue(1);
  try {
    let attempts = 1;
    let maxWaitMs = 0;
    while (options.retryableDecider(attempts, s)) {
      maxWaitMs += options.delayFunction(attempts, s);
      attempts++;
    }
    return { attempts, maxWaitMs };
  } finally {
    random.mockRestore();
  }
}

test('RESOURCE_EXHAUSTED: one retry, answered within a second (the SDK default: ten attempts, over 30 s)', () => {
  const mine = plan(interactiveRetryOptions(), status.RESOURCE_EXHAUSTED);
  expect(mine.attempts).toBe(INTERACTIVE_RETRY.resourceExhausted.maxAttempts);
  expect(mine.attempts).toBe(2);
  expect(mine.maxWaitMs).toBeLessThan(1_000);
  expect(plan(defaultGrpcRetryOptions(), status.RESOURCE_EXHAUSTED).maxWaitMs).toBeGreaterThan(30_000);
});

test('a full query buffer (a task of the workflow in flight) is waited out for seconds, not answered 503 at once', () => {
  const details = 'consistent query buffer is full, cannot accept new consistent queries';
  expect(isQueryBufferFull(statusOf(status.RESOURCE_EXHAUSTED, details))).toBe(true);
  expect(isQueryBufferFull(statusOf(status.RESOURCE_EXHAUSTED, 'namespace rate limit exceeded'))).toBe(false);
  const mine = plan(interactiveRetryOptions(), status.RESOURCE_EXHAUSTED, details);
  expect(mine.attempts).toBe(INTERACTIVE_RETRY.queryBuffer.maxAttempts);
  expect(mine.maxWaitMs).toBeGreaterThan(3_000);
  expect(mine.maxWaitMs).toBeLessThan(6_000);
});

test('UNAVAILABLE: a short retry, a few attempts within about two seconds', () => {
  const mine = plan(interactiveRetryOptions(), status.UNAVAILABLE);
  expect(mine.attempts).toBe(INTERACTIVE_RETRY.other.maxAttempts);
  expect(mine.attempts).toBeGreaterThan(2);
  expect(mine.maxWaitMs).toBeLessThan(2_500);
});

test.each([status.INVALID_ARGUMENT, status.NOT_FOUND, status.ALREADY_EXISTS, status.DEADLINE_EXCEEDED, status.PERMISSION_DENIED])(
  'what the SDK never retries is not retried either (gRPC %i)',
  (code) => {
    expect(plan(interactiveRetryOptions(), code).attempts).toBe(1);
  },
);
