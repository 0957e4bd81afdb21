/**
 * Hardening of the HTTP API: security headers (helmet), rate limits (express-rate-limit) answering in our error
 * shape, and keeping secrets and tokens out of what the API logs.
 */
import type { RequestHandler } from 'express';
import rateLimit, { ipKeyGenerator, type Options as RateLimitOptions } from 'express-rate-limit';
import helmet from 'helmet';
import type { RateLimits } from '../config/defaults';
import type { Db } from '../db/pool';
import { actorOf } from './auth';
import { ApiError } from './errors';
import { PostgresRateLimitStore } from './rate-limit-store';

/**
 * helmet's defaults (HSTS, nosniff, frame and referrer policies, cross-origin isolation headers...) with a content
 * security policy fit for a JSON API: it serves no page, so nothing may be loaded or framed.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
}

const pass: RequestHandler = (_req, _res, next) => next();

export interface LimiterOptions {
  /** Keeps this limiter's counts apart from every other's in the shared store. */
  name: string;
  /** Where the counts live: the read model's database, shared by every API process. */
  db: Db;
  key: RateLimitOptions['keyGenerator'];
  skip?: RateLimitOptions['skip'];
  failuresOnly?: boolean;
}

/**
 * A limit answering 429 `rate_limited` in our error shape, with the window's `Retry-After`; a limit of 0 lets
 * everything pass. Counted in PostgreSQL, so that it holds across API processes (api/rate-limit-store.ts).
 */
export function limiter(what: string, limit: number, windowMs: number, opts: LimiterOptions): RequestHandler {
  if (limit <= 0) return pass;
  const per = windowMs === 60_000 ? '每分钟' : windowMs === 3_600_000 ? '每小时' : `每 ${windowMs / 1000} 秒`;
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: opts.key,
    store: new PostgresRateLimitStore(opts.db, `${opts.name}:`),
    ...(opts.skip ? { skip: opts.skip } : {}),
    ...(opts.failuresOnly ? { skipSuccessfulRequests: true } : {}),
    handler: (_req, res, next) => {
      next(new ApiError('rate_limited', `${what}过于频繁：${per}至多 ${limit} 次，请 ${res.getHeader('retry-after') ?? '稍后'} 秒后重试`));
    },
  });
}

/** Intake (POST /cases): per caller, after authentication. */
export function intakeRateLimit(limits: RateLimits, db: Db): RequestHandler {
  return limiter('您的登记', limits.intakePerWindow, limits.windowMs, {
    name: 'intake',
    db,
    key: (_req, res) => `sub:${actorOf(res).id}`,
  });
}

/** Requests that carry no valid token: per IP. Runs after the token (if any) was checked. */
export function anonymousRateLimit(limits: RateLimits, db: Db): RequestHandler {
  return limiter('本地址未登录的请求', limits.anonymousPerWindow, limits.windowMs, {
    name: 'anonymous',
    db,
    key: (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    skip: (_req, res) => res.locals.actor !== undefined,
  });
}
