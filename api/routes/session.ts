import { Router } from 'express';
import { z } from 'zod';
import { demoPeople } from '../../domain/demo-people';
import type { SignInOptions, SsoSettings } from '../../domain/sign-in';
import type { UnitDirectory } from '../../domain/units';
import { actorOf, authorize } from '../auth';
import { ApiError } from '../errors';
import { signToken } from '../tokens';
import { parseBody } from '../validate';

/** How long a development login lasts; the console asks again after it (and keeps an unsaved form). */
export const DEV_SESSION_HOURS = 8;

export const DevLoginSchema = z.object({ id: z.string().min(1).max(200) }).strict();

export interface SessionDeps {
  jwtSecret: string;
  units: UnitDirectory;
  /** The development login (HUIYING_DEV_LOGIN): offered only when on, never beside a county's single sign-on. */
  devLogin?: boolean;
  /** The county's single sign-on the console signs in at (AUTH_CLIENT_ID...), if any. */
  sso?: SsoSettings;
}

/**
 * Who is signed in, and the development login of the console: a list of demo people (domain/demo-people.ts) and a
 * token for one of them, signed like `npm run token`. The console keeps the token in the tab's sessionStorage and
 * sends it as a bearer header, never as a cookie, so no other site can make a browser act with it (no CSRF).
 */
export function sessionRoutes(deps: SessionDeps): Router {
  const router = Router();
  const people = () => {
    if (!deps.devLogin) throw new ApiError('not_found', '开发环境登录未开启（HUIYING_DEV_LOGIN）');
    return demoPeople(deps.units.units);
  };
  // Public: the login page asks before anyone is signed in. Nothing secret: a public client has no secret.
  router.get('/auth/config', authorize('GET /auth/config'), (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ devLogin: deps.devLogin ?? false, sso: deps.sso ?? null } satisfies SignInOptions);
  });
  router.get('/auth/dev/people', authorize('GET /auth/dev/people'), (_req, res) => {
    res.json({ items: people() });
  });
  router.post('/auth/dev/login', authorize('POST /auth/dev/login'), async (req, res) => {
    const { id } = parseBody(DevLoginSchema, req.body);
    const person = people().find((p) => p.id === id);
    if (!person) throw new ApiError('invalid_input', `没有演示人员「${id}」`, [{ field: 'id', message: 'no such demo person' }]);
    const expiresAt = new Date(Date.now() + DEV_SESSION_HOURS * 3_600_000);
    const token = await signToken(
      { sub: person.id, name: person.name, roles: person.roles, unit: person.unit, levels: person.levels },
      deps.jwtSecret,
      Math.floor(expiresAt.getTime() / 1000),
    );
    res.setHeader('Cache-Control', 'no-store');
    res.json({ token, expiresAt: expiresAt.toISOString(), person });
  });
  router.get('/me', authorize('GET /me'), (_req, res) => {
    const actor = actorOf(res);
    res.json({ ...actor, unitName: actor.unit ? deps.units.name(actor.unit) : null });
  });
  return router;
}

/** Documentation of the session routes, merged into the OpenAPI document. */
export const sessionOpenApiPaths: Record<string, unknown> = {
  '/auth/config': {
    get: {
      summary: "how the console signs in: the development login (HUIYING_DEV_LOGIN) and the county's single sign-on (AUTH_CLIENT_ID)",
      responses: { '200': { description: '{devLogin, sso: {issuer, clientId, scope} | null}' } },
    },
  },
  '/auth/dev/people': {
    get: {
      summary: 'the demo people of the development login (404 when HUIYING_DEV_LOGIN is off)',
      responses: { '200': { description: '{items}: id, name, roles, unit?, unitName?, levels' }, '404': { description: 'not_found' } },
    },
  },
  '/auth/dev/login': {
    post: {
      summary: 'a bearer token for one demo person (development login only)',
      requestBody: {
        required: true,
        content: { 'application/json': { schema: z.toJSONSchema(DevLoginSchema, { target: 'openapi-3.0', io: 'input' }) } },
      },
      responses: {
        '200': { description: '{token, expiresAt, person}' },
        '400': { description: 'invalid_input' },
        '404': { description: 'not_found' },
      },
    },
  },
  '/me': {
    get: {
      summary: 'who the bearer token names: id, name, roles, unit, unitName, levels',
      responses: { '200': { description: 'the actor' }, '401': { description: 'unauthorized' } },
    },
  },
};
