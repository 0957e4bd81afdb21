import type { ErrorRequestHandler } from 'express';
import {
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { isErrorCode, type ErrorCode, type Refusal } from '../domain/errors';
import { describeForLog } from '../config/redaction';
import { log } from '../observability/logger';
import { requestIdOf } from './request-log';
import { methodLabel, routePattern } from './route-pattern';

/** The one map from error codes to HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  static from(r: Refusal): ApiError {
    return new ApiError(r.code, r.message, r.details);
  }
}

/** zod issues as `{field, message}`, the field a dotted path such as `citizen.phone`. */
export function fieldErrors(error: z.ZodError, prefix = ''): { field: string; message: string }[] {
  const field = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || '(body)';
  // An unknown key (a strict schema) is named itself, one detail each: `query.sort`, not the object holding it.
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: field([...issue.path, key]), message: 'unknown field' }))
      : [{ field: field(issue.path), message: issue.message }],
  );
}

export function invalidInput(error: z.ZodError, where: 'body' | 'query' = 'body'): ApiError {
  const details = fieldErrors(error, where === 'query' ? 'query' : '');
  return new ApiError(
    'invalid_input',
    `${where === 'query' ? '查询参数' : '请求内容'}有误：${details.map((d) => d.field).join('、')}`,
    details,
  );
}

/**
 * Seconds a client should wait before trying again after a 503 (Temporal overloaded, unavailable or too slow) or a
 * 429 that did not say: the `Retry-After` of those answers. Short, because these conditions pass in seconds.
 */
export const RETRY_AFTER_S = 2;

/** gRPC status codes (@grpc/grpc-js `status`) that mean "not now", never "not this". */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_UNAVAILABLE = 14;

/** A refusal from the workflow's validator arrives as an ApplicationFailure whose type is the error code. */
export function fromTemporal(err: unknown): ApiError | null {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && isErrorCode(err.cause.type)) {
    return new ApiError(err.cause.type, err.cause.message, err.cause.details?.[0]);
  }
  if (err instanceof WorkflowNotFoundError) return new ApiError('not_found', '没有这件工单');
  return transient(err);
}

/**
 * Temporal said "not now": 503 `unavailable` (with `Retry-After`), never 500. The SDK wraps what the server said
 * (a ServiceError or an update error around the gRPC error), so the whole `cause` chain is looked at:
 * - RESOURCE_EXHAUSTED (8): over a limit — the 10 concurrent in-flight updates of one workflow ("limit on number of
 *   concurrent in-flight updates has been reached"), the namespace's requests per second, a busy workflow;
 * - UNAVAILABLE (14), DEADLINE_EXCEEDED (4), or the SDK's WorkflowUpdateRPCTimeoutOrCancelledError: Temporal or the
 *   worker did not answer in time (the API bounds each call, api/cases.ts).
 * Nothing was lost either way: an update that did arrive runs once, and a retry with the same Idempotency-Key is safe.
 */
export function transient(err: unknown): ApiError | null {
  let overloaded = false;
  let timedOut = false;
  const seen = new Set<unknown>();
  for (let e: unknown = err; e instanceof Error && !seen.has(e) && seen.size < 8; e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) timedOut = true;
    else if (isGrpcServiceError(e)) {
      if (e.code === GRPC_RESOURCE_EXHAUSTED) overloaded = true;
      else if (e.code === GRPC_DEADLINE_EXCEEDED || e.code === GRPC_UNAVAILABLE) timedOut = true;
    }
  }
  if (overloaded) {
    return new ApiError(
      'unavailable',
      `流程引擎暂时繁忙（例如同一工单的并发操作过多），请在 ${RETRY_AFTER_S} 秒后用相同的 Idempotency-Key 重试`,
    );
  }
  if (timedOut) {
    return new ApiError('unavailable', `流程引擎或工作进程未及时响应，请在 ${RETRY_AFTER_S} 秒后用相同的 Idempotency-Key 重试`);
  }
  return null;
}

/**
 * The last handler: a known error becomes its status and our shape; anything else is 500 "internal error" and
 * nothing more — no message, no stack — while the log gets one redacted line (no tokens, no `secrets`) for
 * operators, with the request's id and route pattern. The entry point's `secrets` include every secret-looking
 * environment value (`Config.logSecrets`).
 */
export function errorHandlerWith(opts: { secrets?: readonly string[]; body?: ErrorBody } = {}): ErrorRequestHandler {
  const secrets = opts.secrets ?? [];
  const body = opts.body ?? ourErrorBody;
  return (err, req, res, _next) => {
    const known = err instanceof ApiError ? err : (fromTemporal(err) ?? fromExpress(err));
    if (known) {
      if (res.headersSent) return;
      // A 503 or 429 says when to come back; the rate limiter sets its own window's figure (api/security.ts).
      if ((known.code === 'unavailable' || known.code === 'rate_limited') && res.getHeader('retry-after') === undefined) {
        res.setHeader('Retry-After', String(RETRY_AFTER_S));
      }
      res.status(HTTP_STATUS[known.code]).json(body(known, HTTP_STATUS[known.code]));
      return;
    }
    const where = { reqId: requestIdOf(res), method: methodLabel(req.method), route: routePattern(req.originalUrl) };
    log().error(where, `unexpected error: ${describeForLog(err, secrets)}`);
    if (res.headersSent) return;
    res.status(500).json(body({ code: 'internal', message: 'internal error' }, 500));
  };
}

/** How an error is written: our `{error: {code, message, details?}}`, or another standard's shape (Open311's). */
export type ErrorBody = (error: { code: string; message: string; details?: unknown }, status: number) => unknown;

const ourErrorBody: ErrorBody = (e) => ({
  error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) },
});

/** body-parser's own errors (malformed JSON, too large) carry an HTTP status of their own. */
function fromExpress(err: unknown): ApiError | null {
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed')
    return new ApiError('invalid_input', '请求内容不是有效的 JSON', [{ field: '(body)', message: 'malformed JSON' }]);
  if (e?.type === 'entity.too.large') return new ApiError('invalid_input', '请求内容过大', [{ field: '(body)', message: 'too large' }]);
  // Other refusals of the body (unsupported charset or encoding, an aborted upload) are the client's, not ours.
  if (typeof e?.type === 'string' && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new ApiError('invalid_input', '无法读取请求内容', [{ field: '(body)', message: e.type }]);
  }
  return null;
}
