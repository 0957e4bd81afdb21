import type { Request, RequestHandler } from 'express';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { DEFAULT_CLOCK_SKEW_S, DEFAULT_MAX_TOKEN_HOURS, MAX_CLOCK_SKEW_S } from '../config/defaults';
import {
  accessOf,
  PARTNER,
  PUBLIC,
  rolesOf,
  scopeCovers,
  scopeFor,
  UNIT_CHECKED_BY_WORKFLOW,
  type EndpointKey,
} from '../domain/authorization';
import { ActorSchema, hasRole, ROLE_LABELS, type Actor } from '../domain/roles';
import { ApiError } from './errors';
import { JWT_ALG, JWT_ISSUER } from './tokens';

/** The JWT claims Huiying reads; `sub` becomes the actor id. The same for its own tokens and a county's SSO. */
const ClaimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string().min(1),
  roles: ActorSchema.shape.roles,
  unit: z.string().min(1).optional(),
  levels: ActorSchema.shape.levels,
  exp: z.number(),
});

/** What a county's single sign-on may sign with: asymmetric only, so its key set can be public. */
export const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;

/** A county's single sign-on: tokens signed with a key of this JWKS, from this issuer (and for this audience). */
export interface JwksOptions {
  url: string;
  issuer: string;
  audience?: string;
}

/** From AUTH_CLOCK_SKEW_S, AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE (config/schema.ts `Config.auth`). */
export interface AuthSettings {
  /** The longest a token may be valid from its `iat` (from now, without one), in hours (AUTH_MAX_TOKEN_HOURS). */
  maxTokenHours?: number;
  /** How far `exp`/`nbf` may be off between us and the token's issuer, in seconds (≤ MAX_CLOCK_SKEW_S). */
  clockSkewS?: number;
  jwks?: JwksOptions;
}

export interface AuthOptions extends AuthSettings {
  /** HS256 secret of Huiying's own tokens (`npm run token`, issuer 'huiying'). */
  secret: string;
}

function checkClockSkew(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_CLOCK_SKEW_S) {
    throw new Error(`${what}: the clock skew must be whole seconds from 0 to ${MAX_CLOCK_SKEW_S}`);
  }
  return value;
}

function checkJwksUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`AUTH_JWKS_URL is not a URL: '${raw}'`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new Error('AUTH_JWKS_URL must be https (plain http only on this machine)');
  return url;
}

/**
 * Checks a bearer token and returns the actor it names. Huiying's own tokens are HS256 with our secret and issuer
 * 'huiying'; with a JWKS configured, RS256/ES256 tokens are checked against that key set, issuer and audience.
 * Any other algorithm (`none`, HS384, RS512, PS256...) is refused before any key is looked at: a token never
 * chooses how it is checked. `exp` is required; clocks may differ by `clockSkewS`.
 */
export function tokenVerifier(opts: AuthOptions): (token: string) => Promise<Actor> {
  const key = new TextEncoder().encode(opts.secret);
  const clockTolerance = checkClockSkew(opts.clockSkewS ?? DEFAULT_CLOCK_SKEW_S, 'clockSkewS');
  const jwks = opts.jwks;
  const keySet = jwks
    ? createRemoteJWKSet(checkJwksUrl(jwks.url), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
    : undefined;
  const jwksAlgorithms: readonly string[] = JWKS_ALGORITHMS;

  const verify = async (token: string): Promise<JWTPayload> => {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new ApiError('unauthorized', '登录凭证无效');
    }
    if (alg === JWT_ALG) {
      return (await jwtVerify(token, key, { algorithms: [JWT_ALG], issuer: JWT_ISSUER, clockTolerance, requiredClaims: ['exp', 'sub'] }))
        .payload;
    }
    if (keySet && jwks && alg !== undefined && jwksAlgorithms.includes(alg)) {
      try {
        return (
          await jwtVerify(token, keySet, {
            algorithms: [...JWKS_ALGORITHMS],
            issuer: jwks.issuer,
            ...(jwks.audience ? { audience: jwks.audience } : {}),
            clockTolerance,
            requiredClaims: ['exp', 'sub'],
          })
        ).payload;
      } catch (err) {
        // The key set could not be fetched: the token may well be good, so this is not the caller's fault.
        if (err instanceof joseErrors.JWKSTimeout || !(err instanceof joseErrors.JOSEError)) {
          throw new ApiError('unavailable', '暂时无法取得统一身份认证的公钥（AUTH_JWKS_URL），请稍后重试');
        }
        throw err;
      }
    }
    throw new ApiError('unauthorized', '登录凭证无效');
  };

  return async (token) => {
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError('unauthorized', err instanceof joseErrors.JWTExpired ? '登录已过期' : '登录凭证无效');
    }
    refuseLifetime(payload, clockTolerance, (opts.maxTokenHours ?? DEFAULT_MAX_TOKEN_HOURS) * 3600);
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) throw new ApiError('unauthorized', '登录凭证缺少必要信息（姓名、角色）');
    const { sub, name, roles, unit, levels } = claims.data;
    if (hasRole({ id: sub, name, roles, levels }, 'handler') && !unit) throw new ApiError('unauthorized', '承办人的登录凭证须注明所属单位');
    return { id: sub, name, roles, levels, ...(unit ? { unit } : {}) } satisfies Actor;
  };
}

/**
 * A token issued in the future, or valid for longer than the configured maximum from its issue (from now, when it
 * says no `iat`), is refused: such a token was minted wrongly or to outlive any session, and a stolen one would
 * serve for years.
 */
function refuseLifetime(payload: JWTPayload, clockToleranceS: number, maxLifetimeS: number): void {
  const now = Math.floor(Date.now() / 1000);
  const iat = typeof payload.iat === 'number' ? payload.iat : undefined;
  if (iat !== undefined && iat > now + clockToleranceS) throw new ApiError('unauthorized', '登录凭证的签发时间在未来');
  if ((payload.exp ?? now) - (iat ?? now) > maxLifetimeS + clockToleranceS)
    throw new ApiError('unauthorized', `登录凭证有效期过长（至多 ${maxLifetimeS / 3600} 小时）`);
}

function bearerToken(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
}

/**
 * Checks the bearer token if there is one, without refusing anything yet: sets `res.locals.actor`, or
 * `res.locals.authError` for a bad token. `requireAuthenticated` refuses afterwards; public endpoints between the
 * two answer anyone, and the per-IP limit of token-less requests can tell who had a valid token.
 */
export function identify(opts: AuthOptions): RequestHandler {
  const verify = tokenVerifier(opts);
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (token === undefined) {
      res.locals.authError = new ApiError('unauthorized', '未登录：缺少 Bearer 登录凭证');
      return next();
    }
    try {
      res.locals.actor = await verify(token);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'unavailable') return next(err);
      res.locals.authError = err instanceof ApiError ? err : new ApiError('unauthorized', '登录凭证无效');
    }
    next();
  };
}

/** Refuses a request that `identify` found no valid token on. */
export const requireAuthenticated: RequestHandler = (_req, res, next) => {
  if (res.locals.actor !== undefined) return next();
  next(res.locals.authError ?? new ApiError('unauthorized', '未登录：缺少 Bearer 登录凭证'));
};

/** `identify` and `requireAuthenticated` in one: a bearer token or 401. */
export function authenticate(secretOrOptions: string | AuthOptions): RequestHandler {
  const check = identify(typeof secretOrOptions === 'string' ? { secret: secretOrOptions } : secretOrOptions);
  return (req, res, next) => {
    void check(req, res, (err?: unknown) => (err ? next(err) : requireAuthenticated(req, res, next)));
  };
}

export function actorOf(res: { locals: Record<string, unknown> }): Actor {
  return res.locals.actor as Actor;
}

/** Finds the unit a case is assigned to (null: none; undefined: no such case), for `authorize`'s own-unit check. */
export type CaseUnitLookup = (caseId: string) => Promise<string | null | undefined>;
/** Where `authorize` finds the lookup: `app.locals[CASE_UNIT_LOOKUP]`, set by createApp. */
export const CASE_UNIT_LOOKUP = 'huiyingCaseUnitLookup';
/** The supporting units (协办) of a case, for the reads they may make of it; `app.locals[CASE_SUPPORT_LOOKUP]`. */
export type CaseSupportLookup = (caseId: string) => Promise<string[]>;
export const CASE_SUPPORT_LOOKUP = 'huiyingCaseSupportLookup';
/** What a supporting unit's handler may read of a case it helps with (it acts on it through `contribute` only). */
const SUPPORTING_UNIT_READS: ReadonlySet<string> = new Set(['GET /cases/:id']);

async function supports(locals: Record<string, unknown>, endpoint: string, id: string, actor: Actor): Promise<boolean> {
  const lookup = locals[CASE_SUPPORT_LOOKUP] as CaseSupportLookup | undefined;
  return SUPPORTING_UNIT_READS.has(endpoint) && !!lookup && !!actor.unit && (await lookup(id)).includes(actor.unit);
}

/**
 * Enforces the authorization matrix (domain/authorization.ts) for one endpoint: the caller must hold a role that
 * the endpoint's row names; a caller whose only standing is "own unit" (a handler) is held to cases assigned to
 * its unit — by the case workflow's validator for actions (UNIT_CHECKED_BY_WORKFLOW), here for the rest. Sets
 * `res.locals.endpoint` and `res.locals.caseScope`. An endpoint missing from the matrix fails at start-up.
 */
export function authorize(endpoint: EndpointKey): RequestHandler {
  const access = accessOf(endpoint);
  const roles = rolesOf(endpoint).map((r) => r.role);
  return async (req, res, next) => {
    res.locals.endpoint = endpoint;
    // A partner's endpoint takes no token: its route checks the partner's key.
    if (access === PUBLIC || access === PARTNER) return next();
    const actor = actorOf(res);
    if (!actor) return next(new ApiError('unauthorized', '未登录：缺少 Bearer 登录凭证'));
    const scope = scopeFor(endpoint, actor);
    if (scope === null) return next(new ApiError('forbidden', `此操作须由${roles.map((r) => ROLE_LABELS[r]).join('或')}办理`));
    res.locals.caseScope = scope;
    const id = req.params.id;
    if (scope === 'own_unit' && typeof id === 'string' && !UNIT_CHECKED_BY_WORKFLOW.has(endpoint)) {
      const lookup = req.app.locals[CASE_UNIT_LOOKUP] as CaseUnitLookup | undefined;
      try {
        const unit = lookup ? await lookup(id) : undefined;
        if (unit !== undefined && !scopeCovers(scope, actor, unit) && !(await supports(req.app.locals, endpoint, id, actor)))
          return next(new ApiError('forbidden', '该工单不由本单位承办'));
      } catch (err) {
        return next(err);
      }
    }
    next();
  };
}
