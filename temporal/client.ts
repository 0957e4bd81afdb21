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

/** gRPC's status as the retry interceptor sees it, and its codes (@grpc/grpc-js, not a dependency of ours). */
type StatusObject = Parameters<GrpcRetryOptions['delayFunction']>[1];
const GRPC_RESOURCE_EXHAUSTED = 8;

/** The `interactive` retries: attempts in all (the first included), and the first delay before a retry. */
export const INTERACTIVE_RETRY = {
  /** Over a limit (in-flight updates of one workflow, requests per second): one retry after ~0.25 s, then the 503. */
  resourceExhausted: { maxAttempts: 2, initialIntervalMs: 150 },
  /**
   * A query that meets one of its workflow's tasks in flight is buffered, and the server holds one such query per
   * workflow; the others are refused (RESOURCE_EXHAUSTED, "consistent query buffer is full") until the task ends,
   * usually within a second. Not an overload: retried every ~0.1–0.5 s for about 4 s.
   */
  queryBuffer: { maxAttempts: 12, initialIntervalMs: 50, maxIntervalMs: 500 },
  /** UNAVAILABLE and the SDK's other retryable codes: retries after ~0.17, 0.29, 0.49, 0.84 s (about 1.8 s in all). */
  other: { maxAttempts: 5, initialIntervalMs: 100 },
} as const;

/**
 * The `interactive` retry policy: what the SDK retries (its `isRetryableError`), with its backoff formula
 * (`factor ^ attempt * initial`, jittered), but few attempts — RESOURCE_EXHAUSTED once, the rest briefly.
 */
export function interactiveRetryOptions(): GrpcRetryOptions {
  const { resourceExhausted, queryBuffer, other } = INTERACTIVE_RETRY;
  const policyOf = (status: StatusObject) =>
    status.code !== GRPC_RESOURCE_EXHAUSTED ? other : isQueryBufferFull(status) ? queryBuffer : resourceExhausted;
  const backoff = defaultGrpcRetryOptions({
    // The decider below counts attempts per policy; this bounds the SDK's own count at the largest.
    maxAttempts: Math.max(resourceExhausted.maxAttempts, queryBuffer.maxAttempts, other.maxAttempts),
    initialIntervalMs: (status) => policyOf(status).initialIntervalMs,
  });
  return {
    delayFunction: (attempt, status) => {
      const policy = policyOf(status);
      const delay = backoff.delayFunction(attempt, status);
      return 'maxIntervalMs' in policy ? Math.min(delay, policy.maxIntervalMs) : delay;
    },
    retryableDecider: (attempt, status) => backoff.retryableDecider(attempt, status) && attempt < policyOf(status).maxAttempts,
  };
}

/** The server's refusal of a query while its workflow's one buffered query waits for a task to end. */
export function isQueryBufferFull(status: Pick<StatusObject, 'code' | 'details'>): boolean {
  return status.code === GRPC_RESOURCE_EXHAUSTED && /query buffer is full/i.test(status.details);
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
