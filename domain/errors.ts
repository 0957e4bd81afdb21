/**
 * Errors are values with a code; the API maps each code to an HTTP status in one place (api/errors.ts),
 * and the workflow carries the code across Temporal as the failure type.
 */
export const ERROR_CODES = [
  'invalid_input',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'unsupported_type',
  'rate_limited',
  'unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface Refusal {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export const refusal = (code: ErrorCode, message: string, details?: unknown): Refusal =>
  details === undefined ? { code, message } : { code, message, details };

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
