/**
 * Hardening of the HTTP API: security headers (helmet), rate limits (express-rate-limit) answering in our error
 * shape, and keeping secrets and tokens out of what the API logs.
 */
import type { RequestHandler } from 'express';
import rateLimit, { ipKeyGenerator, type Options as RateLimitOptions } from 'express-rate-limit';
import helmet from 'helmet';
import type { RateLimits } from '../config/defaults';
import { actorOf } from './auth';
import { ApiError } from './errors';

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

/** A limit answering 429 `rate_limited` in our error shape, with the window's `Retry-After`; a limit of 0 lets everything pass. */
export function limiter(
  what: string,
  limit: number,
  windowMs: number,
  opts: { key: RateLimitOptions['keyGenerator']; skip?: RateLimitOptions['skip']; failuresOnly?: boolean },
): RequestHandler {
  if (limit <= 0) return pass;
  const per = windowMs === 60_000 ? '每分钟' : windowMs === 3_600_000 ? '每小时' : `每 ${windowMs / 1000} 秒`;
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: opts.key,
    ...(opts.skip ? { skip: opts.skip } : {}),
    ...(opts.failuresOnly ? { skipSuccessfulRequests: true } : {}),
    handler: (_req, res, next) => {
      next(new ApiError('rate_limited', `${what}过于频繁：${per}至多 ${limit} 次，请 ${res.getHeader('retry-after') ?? '稍后'} 秒后重试`));
    },
  });
}

/** Intake (POST /cases): per caller, after authentication. */
export function intakeRateLimit(limits: RateLimits): RequestHandler {
  return limiter('您的登记', limits.intakePerWindow, limits.windowMs, { key: (_req, res) => `sub:${actorOf(res).id}` });
}

/** Requests that carry no valid token: per IP. Runs after the token (if any) was checked. */
export function anonymousRateLimit(limits: RateLimits): RequestHandler {
  return limiter('本地址未登录的请求', limits.anonymousPerWindow, limits.windowMs, {
    key: (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    skip: (_req, res) => res.locals.actor !== undefined,
  });
}
