/**
 * api/errors.ts: Temporal's "not now" (over a limit, unavailable, too slow) is 503 with Retry-After, however the SDK
 * wraps it; a 429 carries Retry-After too; what is not Temporal's stays as it was. Real error classes from the SDK
 * and gRPC status codes from @grpc/grpc-js, shaped as the SDK receives them.
 */
import { Metadata, status } from '@grpc/grpc-js';
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { ApiError, errorHandlerWith, fromTemporal, RETRY_AFTER_S } from '../../api/errors';
import { captureLogs } from '../support/logs';

/** What @grpc/grpc-js rejects a call with (its callErrorFromStatus): an Error with code, details and metadata. */
function grpcError(code: status, details: string): Error {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
}

const IN_FLIGHT = 'limit on number of concurrent in-flight updates has been reached';

describe('fromTemporal: transient Temporal failures → unavailable', () => {
  test.each([
    [
      'the in-flight update limit, as the update call throws it (ServiceError around gRPC 8)',
      new ServiceError('Workflow Update failed', { cause: grpcError(status.RESOURCE_EXHAUSTED, IN_FLIGHT) }),
    ],
    ['the namespace RPS limit, bare gRPC 8', grpcError(status.RESOURCE_EXHAUSTED, 'namespace rate limit exceeded')],
    [
      'gRPC 8 two wrappers deep',
      new Error('outer', { cause: new ServiceError('inner', { cause: grpcError(status.RESOURCE_EXHAUSTED, IN_FLIGHT) }) }),
    ],
    ['UNAVAILABLE 14', grpcError(status.UNAVAILABLE, 'No connection established')],
    [
      'UNAVAILABLE 14 in a ServiceError',
      new ServiceError('Failed to start Workflow', { cause: grpcError(status.UNAVAILABLE, 'connection refused') }),
    ],
    ['DEADLINE_EXCEEDED 4', grpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded')],
    [
      'WorkflowUpdateRPCTimeoutOrCancelledError',
      new WorkflowUpdateRPCTimeoutOrCancelledError('Timeout or cancellation waiting for update', {
        cause: grpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'),
      }),
    ],
  ])('%s', (_what, err) => {
    const mapped = fromTemporal(err);
    expect(mapped).toBeInstanceOf(ApiError);
    expect(mapped!.code).toBe('unavailable');
    expect(mapped!.message).toContain(`请在 ${RETRY_AFTER_S} 秒后`);
  });

  test('over a limit says so', () => {
    expect(fromTemporal(grpcError(status.RESOURCE_EXHAUSTED, IN_FLIGHT))!.message).toMatch(/暂时繁忙/);
  });

  test.each([
    ['INVALID_ARGUMENT 3', grpcError(status.INVALID_ARGUMENT, 'bad request')],
    ['INTERNAL 13 in a ServiceError', new ServiceError('x', { cause: grpcError(status.INTERNAL, 'boom') })],
    ['a plain error', new Error('boom')],
    ['not an error', 'string'],
  ])('not transient: %s → null', (_what, err) => {
    expect(fromTemporal(err)).toBeNull();
  });

  test('a cause cycle ends', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(fromTemporal(a)).toBeNull();
  });

  test('refusals and not-found keep their codes', () => {
    const refusal = new WorkflowUpdateFailedError(
      'update failed',
      ApplicationFailure.create({ message: 'stage is assigned', type: 'conflict', nonRetryable: true }),
    );
    expect(fromTemporal(refusal)).toMatchObject({ code: 'conflict', message: 'stage is assigned' });
    expect(fromTemporal(new WorkflowNotFoundError('gone', 'case-x', undefined))).toMatchObject({ code: 'not_found' });
  });
});

describe('errorHandlerWith: Retry-After on 503 and 429, never a 500 for overload', () => {
  async function answer(err: unknown, setHeader?: [string, string]): Promise<Response> {
    const app = express();
    app.get('/', (_req, res, next) => {
      if (setHeader) res.setHeader(...setHeader);
      next(err);
    });
    app.use(errorHandlerWith());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      return await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  test('the in-flight update limit → 503 unavailable with Retry-After', async () => {
    const res = await answer(new ServiceError('Workflow Update failed', { cause: grpcError(status.RESOURCE_EXHAUSTED, IN_FLIGHT) }));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe(String(RETRY_AFTER_S));
    expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
  });

  test('an ApiError unavailable (e.g. the JWKS) gets Retry-After too', async () => {
    const res = await answer(new ApiError('unavailable', 'jwks down'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe(String(RETRY_AFTER_S));
  });

  test('429 keeps the rate limiter Retry-After, or gets ours', async () => {
    const own = await answer(new ApiError('rate_limited', 'too many'), ['Retry-After', '37']);
    expect(own.status).toBe(429);
    expect(own.headers.get('retry-after')).toBe('37');
    const bare = await answer(new ApiError('rate_limited', 'too many'));
    expect(bare.headers.get('retry-after')).toBe(String(RETRY_AFTER_S));
  });

  test('other errors: no Retry-After; the unknown stays 500', async () => {
    const conflict = await answer(new ApiError('conflict', 'no'));
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('retry-after')).toBeNull();
    const logs = captureLogs('info');
    try {
      const internal = await answer(grpcError(status.INTERNAL, 'boom'));
      expect(internal.status).toBe(500);
      expect(internal.headers.get('retry-after')).toBeNull();
      expect(logs.entries()).toEqual([
        expect.objectContaining({
          level: 'error',
          method: 'GET',
          route: '/',
          msg: expect.stringMatching(/^unexpected error: Error: 13 INTERNAL: boom/),
        }),
      ]);
    } finally {
      logs.stop();
    }
  });
});
