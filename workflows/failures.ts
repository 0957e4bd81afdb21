import { ApplicationFailure } from '@temporalio/workflow';
import type { Refusal } from '../domain/errors';

/** Carries a domain refusal across Temporal: the failure type is the error code the API maps to HTTP. */
export function refusalFailure(r: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: r.code,
    message: r.message,
    nonRetryable: true,
    details: r.details === undefined ? [] : [r.details],
  });
}
