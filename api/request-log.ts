/**
 * Every request gets an id and, once answered, one access-log line and its metrics. The id is the caller's
 * `X-Request-Id` when it is a plain token (letters, digits, `.`, `_`, `:`, `-`, at most 64, and nothing a log would
 * redact), else a new UUID; the answer carries it back in `X-Request-Id`, and every log line about the request (its
 * access line, an unexpected error's line) carries it as `reqId`. The line names the route pattern, never the URL.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { redactSecrets } from '../config/redaction';
import type { Actor } from '../domain/roles';
import { log } from '../observability/logger';
import type { ApiMetrics } from './metrics';
import { methodLabel, routePattern } from './route-pattern';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const REQUEST_ID = 'reqId';

/** The id of the request `res` answers (set by `requestLog`, first of the app's middleware). */
export function requestIdOf(res: Response): string | undefined {
  return res.locals[REQUEST_ID] as string | undefined;
}

/** Ids that would not read the same in the log (a phone-like number is masked there, a long token redacted) are not taken. */
function acceptedId(incoming: string | undefined): string | undefined {
  return incoming !== undefined && SAFE_REQUEST_ID.test(incoming) && redactSecrets(incoming) === incoming ? incoming : undefined;
}

export function requestLog(metrics?: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const reqId = acceptedId(req.get('x-request-id')) ?? randomUUID();
    res.locals[REQUEST_ID] = reqId;
    res.setHeader('X-Request-Id', reqId);
    const bytes = countBytes(res);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = methodLabel(req.method);
      const route = routePattern(req.originalUrl);
      const status = res.statusCode;
      metrics?.observe({ method, route, status, seconds });
      const actor = res.locals.actor as Actor | undefined;
      log().info(
        {
          reqId,
          method,
          route,
          status,
          ms: Math.round(seconds * 1e4) / 10,
          bytes: bytes(),
          ...(actor ? { actor: { id: actor.id, roles: actor.roles } } : {}),
          // The caller went away before the whole answer was sent.
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

/** Counts the body bytes written through `res` (a stream, a file, a JSON answer alike); returns the count so far. */
function countBytes(res: Response): () => number {
  let count = 0;
  const size = (chunk: unknown, encoding: unknown) =>
    typeof chunk === 'string'
      ? Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
      : chunk instanceof Uint8Array
        ? chunk.byteLength
        : 0;
  const write = res.write;
  const end = res.end;
  res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
    count += size(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Response['write'];
  res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
    if (typeof chunk !== 'function') count += size(chunk, rest[0]);
    return (end as (...a: unknown[]) => Response).call(this, chunk, ...rest);
  } as Response['end'];
  return () => count;
}
