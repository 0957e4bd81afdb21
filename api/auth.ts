import type { RequestHandler } from 'express';
import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { ActorSchema, hasRole, type Actor, type Role } from '../domain/roles';
import { ApiError } from './errors';
import { JWT_ALG, JWT_ISSUER } from './tokens';

/** The JWT claims Huiying reads; `sub` becomes the actor id. */
const ClaimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string().min(1),
  roles: ActorSchema.shape.roles,
  unit: z.string().min(1).optional(),
  levels: ActorSchema.shape.levels,
  exp: z.number(),
});

/** Bearer HS256 tokens; the algorithm is pinned so a token cannot choose how it is checked. */
export function authenticate(secret: string): RequestHandler {
  const key = new TextEncoder().encode(secret);
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(new ApiError('unauthorized', 'missing bearer token'));
    try {
      const { payload } = await jwtVerify(match[1], key, { algorithms: [JWT_ALG], issuer: JWT_ISSUER, clockTolerance: 30, requiredClaims: ['exp', 'sub'] });
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) return next(new ApiError('unauthorized', 'token claims are incomplete'));
      const { sub, name, roles, unit, levels } = claims.data;
      if (hasRole({ id: sub, name, roles, levels }, 'handler') && !unit) return next(new ApiError('unauthorized', 'a handler token needs a unit'));
      res.locals.actor = { id: sub, name, roles, levels, ...(unit ? { unit } : {}) } satisfies Actor;
      next();
    } catch (err) {
      const expired = err instanceof joseErrors.JWTExpired;
      next(new ApiError('unauthorized', expired ? 'token expired' : 'invalid token'));
    }
  };
}

export function actorOf(res: { locals: Record<string, unknown> }): Actor {
  return res.locals.actor as Actor;
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const actor = actorOf(res);
    if (roles.some((r) => hasRole(actor, r))) return next();
    next(new ApiError('forbidden', `this needs the ${roles.join(' or ')} role`));
  };
}
