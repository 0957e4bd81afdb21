/**
 * Hardening of the HTTP API: security headers (helmet), rate limits (express-rate-limit) answering in our error
 * shape, and keeping secrets and tokens out of what the API logs.
 */
import type { RequestHandler } from 'express';
import rateLimit, { ipKeyGenerator, type Options as RateLimitOptions } from 'express-rate-limit';
import helmet from 'helmet';
import { maskNumbers } from '../domain/privacy';
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

/** Configured by HUIYING_RATE_INTAKE_PER_MIN and HUIYING_RATE_ANON_PER_MIN (config/schema.ts `Config.api.rateLimits`). */
export const DEFAULT_RATE_LIMITS: RateLimits = { intakePerWindow: 60, anonymousPerWindow: 300, windowMs: 60_000 };

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

// ---------------------------------------------------------------------------------------------------------
// Secrets out of logs.

const JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
/** Long runs of base64url/hex: keys, secrets, session cookies. Paths and words are not this long without a break. */
const LONG_OPAQUE = /[A-Za-z0-9_-]{40,}={0,2}/g;
/**
 * The text with tokens, bearer credentials, the given secrets and long opaque strings replaced by `[redacted]`,
 * and mobile and ID numbers masked (a citizen's phone has no place in a log either).
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length >= 8) out = out.split(s).join('[redacted]');
  return maskNumbers(out.replace(JWT, '[redacted]').replace(BEARER, '$1 [redacted]').replace(LONG_OPAQUE, '[redacted]'));
}

/** One line (plus redacted stack frames) for an unexpected error: its name and redacted message, no object dump. */
export function describeForLog(err: unknown, secrets: readonly string[] = []): string {
  if (!(err instanceof Error)) return redactSecrets(`non-error thrown: ${typeof err}`, secrets);
  const frames = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 12);
  return redactSecrets([`${err.name}: ${err.message}`, ...frames].join('\n'), secrets);
}
