import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type GrpcRetryOptions } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { dataConverter } from './data-converter';

export interface ClientSettings {
  address: string;
  namespace: string;
}

export interface ConnectOptions {
  /**
   * How the connection retries what Temporal refuses for now (gRPC RESOURCE_EXHAUSTED, UNAVAILABLE, ...):
   * - `sdk` (default): the SDK's own retries, up to 10 attempts — about 35 s on RESOURCE_EXHAUSTED. Right for the
   *   worker and the scripts, which have nobody waiting and would rather get through.
   * - `interactive`: `INTERACTIVE_RETRY`, for the API, where a person waits: an overload is answered (503 with
   *   `Retry-After`) within a second instead of after 35 s, and a passing network blip is still ridden out.
   */
  retries?: 'sdk' | 'interactive';
}

/** gRPC status codes (@grpc/grpc-js `status`, not a dependency of ours). */
const GRPC_RESOURCE_EXHAUSTED = 8;

/** The `interactive` retries: attempts in all (the first included), and the first delay before a retry. */
export const INTERACTIVE_RETRY = {
  /** Over a limit (in-flight updates of one workflow, requests per second): one retry after ~0.25 s, then the 503. */
  resourceExhausted: { maxAttempts: 2, initialIntervalMs: 150 },
  /** UNAVAILABLE and the SDK's other retryable codes: retries after ~0.17, 0.29, 0.49, 0.84 s (about 1.8 s in all). */
  other: { maxAttempts: 5, initialIntervalMs: 100 },
} as const;

/**
 * The `interactive` retry policy: what the SDK retries (its `isRetryableError`), with its backoff formula
 * (`factor ^ attempt * initial`, jittered), but few attempts — RESOURCE_EXHAUSTED once, the rest briefly.
 */
export function interactiveRetryOptions(): GrpcRetryOptions {
  const { resourceExhausted, other } = INTERACTIVE_RETRY;
  const backoff = defaultGrpcRetryOptions({
    // The decider below counts attempts per code; this bounds the SDK's own count at the larger of the two.
    maxAttempts: Math.max(resourceExhausted.maxAttempts, other.maxAttempts),
    initialIntervalMs: (status) =>
      status.code === GRPC_RESOURCE_EXHAUSTED ? resourceExhausted.initialIntervalMs : other.initialIntervalMs,
  });
  return {
    delayFunction: backoff.delayFunction,
    retryableDecider: (attempt, status) =>
      backoff.retryableDecider(attempt, status) &&
      attempt < (status.code === GRPC_RESOURCE_EXHAUSTED ? resourceExhausted.maxAttempts : other.maxAttempts),
  };
}

/**
 * One connection, one client, closed by whoever opened it (the API on shutdown, the worker after `run`). Every
 * payload it sends is encrypted and every payload it reads decrypted by `codec`, the same the worker uses; the
 * codec endpoint for the Web UI (api/routes/codec.ts) decodes with this client's codec too. The API passes
 * `{ retries: 'interactive' }` (see `ConnectOptions`); everyone else keeps the SDK's retries.
 */
export async function connectClient(settings: ClientSettings, codec: PayloadCodec, opts: ConnectOptions = {}): Promise<Client> {
  const connection = await Connection.connect({
    address: settings.address,
    // Unset keeps the SDK's default interceptor (`makeGrpcRetryInterceptor(defaultGrpcRetryOptions())`).
    ...(opts.retries === 'interactive' ? { interceptors: [makeGrpcRetryInterceptor(interactiveRetryOptions())] } : {}),
  });
  return new Client({ connection, namespace: settings.namespace, dataConverter: dataConverter(codec) });
}
