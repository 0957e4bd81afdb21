import type { ErrorRequestHandler } from 'express';
import { isGrpcServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { isErrorCode, type ErrorCode, type Refusal } from '../domain/errors';

/** The one map from error codes to HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
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

export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const known = err instanceof ApiError ? err : fromTemporal(err) ?? fromExpress(err);
  if (known) {
    res.status(HTTP_STATUS[known.code]).json({ error: { code: known.code, message: known.message, ...(known.details === undefined ? {} : { details: known.details }) } });
    return;
  }
  // Unknown failures: log the detail for operators, tell the caller nothing internal.
  console.error('[api] unexpected error', err);
  res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
};

/** body-parser's own errors (malformed JSON, too large) carry an HTTP status of their own. */
function fromExpress(err: unknown): ApiError | null {
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed') return new ApiError('invalid_input', 'the body is not valid JSON', [{ field: '(body)', message: 'malformed JSON' }]);
  if (e?.type === 'entity.too.large') return new ApiError('invalid_input', 'the body is too large', [{ field: '(body)', message: 'too large' }]);
  return null;
}
