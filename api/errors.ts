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
import { describeForLog } from './redaction';

/** The one map from error codes to HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
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
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

export function invalidInput(error: z.ZodError, where: 'body' | 'query' = 'body'): ApiError {
  const details = fieldErrors(error, where === 'query' ? 'query' : '');
  return new ApiError('invalid_input', `invalid ${where}: ${details.map((d) => d.field).join(', ')}`, details);
}

/** A refusal from the workflow's validator arrives as an ApplicationFailure whose type is the error code. */
export function fromTemporal(err: unknown): ApiError | null {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && isErrorCode(err.cause.type)) {
    return new ApiError(err.cause.type, err.cause.message, err.cause.details?.[0]);
  }
  if (err instanceof WorkflowNotFoundError) return new ApiError('not_found', 'no such case');
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(err) || isUnavailable((err as Error)?.cause)) {
    // Nothing was lost: an update that did arrive runs once; a retry with the same Idempotency-Key is safe.
    return new ApiError('unavailable', 'Temporal or the worker did not answer in time; retry with the same Idempotency-Key');
  }
  return null;
}

/** gRPC DEADLINE_EXCEEDED (4) or UNAVAILABLE (14). */
function isUnavailable(err: unknown): boolean {
  return isGrpcServiceError(err) && (err.code === 4 || err.code === 14);
}

/**
 * The last handler: a known error becomes its status and our shape; anything else is 500 "internal error" and
 * nothing more — no message, no stack — while the log gets one redacted line (no tokens, no `secrets`) for
 * operators. The entry point's `secrets` include every secret-looking environment value (`Config.api.logSecrets`).
 */
export function errorHandlerWith(opts: { secrets?: readonly string[] } = {}): ErrorRequestHandler {
  const secrets = opts.secrets ?? [];
  return (err, req, res, _next) => {
    const known = err instanceof ApiError ? err : (fromTemporal(err) ?? fromExpress(err));
    if (known) {
      res
        .status(HTTP_STATUS[known.code])
        .json({ error: { code: known.code, message: known.message, ...(known.details === undefined ? {} : { details: known.details }) } });
      return;
    }
    console.error(`[api] unexpected error in ${req.method} ${req.path}: ${describeForLog(err, secrets)}`);
    if (res.headersSent) return;
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  };
}

/** body-parser's own errors (malformed JSON, too large) carry an HTTP status of their own. */
function fromExpress(err: unknown): ApiError | null {
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed')
    return new ApiError('invalid_input', 'the body is not valid JSON', [{ field: '(body)', message: 'malformed JSON' }]);
  if (e?.type === 'entity.too.large')
    return new ApiError('invalid_input', 'the body is too large', [{ field: '(body)', message: 'too large' }]);
  // Other refusals of the body (unsupported charset or encoding, an aborted upload) are the client's, not ours.
  if (typeof e?.type === 'string' && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new ApiError('invalid_input', 'the body could not be read', [{ field: '(body)', message: e.type }]);
  }
  return null;
}
