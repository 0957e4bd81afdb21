/**
 * Hardening of the HTTP API: security headers (helmet), rate limits (express-rate-limit) answering in our error
 * shape, and keeping secrets and tokens out of what the API logs.
 */
import type { RequestHandler } from 'express';
import rateLimit, { ipKeyGenerator, type Options as RateLimitOptions } from 'express-rate-limit';
import helmet from 'helmet';
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

export interface RateLimits {
  /** POST /cases per caller (token subject) and window; 0 turns the limit off. */
  intakePerWindow: number;
  /** Requests without a valid token (health checks, the OpenAPI document, failed logins) per IP and window; 0: off. */
  anonymousPerWindow: number;
  /** The window, in milliseconds (one minute unless a test says otherwise). */
  windowMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { intakePerWindow: 60, anonymousPerWindow: 300, windowMs: 60_000 };

/** HUIYING_RATE_INTAKE_PER_MIN, HUIYING_RATE_ANON_PER_MIN (0 turns one off). */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimits {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0 (requests per minute; 0 turns the limit off), not '${raw}'`);
    return n;
  };
  return {
    intakePerWindow: read('HUIYING_RATE_INTAKE_PER_MIN', DEFAULT_RATE_LIMITS.intakePerWindow),
    anonymousPerWindow: read('HUIYING_RATE_ANON_PER_MIN', DEFAULT_RATE_LIMITS.anonymousPerWindow),
    windowMs: DEFAULT_RATE_LIMITS.windowMs,
  };
}

/**
 * Express's 'trust proxy' from HUIYING_TRUST_PROXY: unset, the client address is the socket's (no proxy);
 * `true`, a number of hops, or addresses/subnets of the proxies (comma-separated). Rate limits and the audit's
 * IP depend on it: behind a proxy without it, everyone shares the proxy's address.
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv = process.env): boolean | number | string | undefined {
  const raw = env.HUIYING_TRUST_PROXY?.trim();
  if (!raw) return undefined;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

const pass: RequestHandler = (_req, _res, next) => next();

function limiter(what: string, limit: number, windowMs: number, opts: { key: RateLimitOptions['keyGenerator']; skip?: RateLimitOptions['skip'] }): RequestHandler {
  if (limit <= 0) return pass;
  const per = windowMs === 60_000 ? 'minute' : `${windowMs / 1000} s`;
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: opts.key,
    ...(opts.skip ? { skip: opts.skip } : {}),
    handler: (_req, res, next) => {
      next(new ApiError('rate_limited', `too many ${what}: at most ${limit} per ${per}; retry after ${res.getHeader('retry-after') ?? 'a while'} s`));
    },
  });
}

/** Intake (POST /cases): per caller, after authentication. */
export function intakeRateLimit(limits: RateLimits): RequestHandler {
  return limiter('registrations from you', limits.intakePerWindow, limits.windowMs, { key: (_req, res) => `sub:${actorOf(res).id}` });
}

/** Requests that carry no valid token: per IP. Runs after the token (if any) was checked. */
export function anonymousRateLimit(limits: RateLimits): RequestHandler {
  return limiter('requests without a valid token from this address', limits.anonymousPerWindow, limits.windowMs, {
    key: (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    skip: (_req, res) => res.locals.actor !== undefined,
  });
}
