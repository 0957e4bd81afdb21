/**
 * The codec endpoint for the Temporal Web UI (and `temporal --codec-endpoint`): the remote codec protocol,
 *   POST /codec/decode, POST /codec/encode   body and answer `{payloads: [{metadata: {k: base64}, data: base64}]}`,
 * decoded and encoded with the very codec the API's Temporal client uses (so with the same keys as the worker).
 *
 * Only roles that may see personal data in full (CODEC_ROLES) get plaintext, and every decode is reported to the
 * audit hook. The UI cannot send our bearer token, so besides `Authorization: Bearer` a short-lived codec session
 * cookie works: `GET /codec/session?token=<JWT>` (opened in the browser) or `POST /codec/session` with the bearer
 * header sets it — HttpOnly, SameSite=Lax, Path=/codec, signed with a key derived from the JWT secret so that it is
 * useless as an API token. CORS (only here) admits the UI origins of HUIYING_UI_ORIGINS with credentials.
 *
 * Routes are registered with their full paths (not under a mount path) so that the app's route listing, and the
 * test that holds it to the OpenAPI document, sees them.
 */
import { createHmac } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import express, { Router, type Request, type RequestHandler } from 'express';
import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { isEncrypted, payloadKeyId, PayloadDecryptionError, UnknownPayloadKeyError } from '../../temporal/payload-codec';
import { CODEC_ROLES } from '../../domain/permissions';
import { caseWorkflowId } from '../../temporal/definitions';
import { seesEveryCitizen } from '../../domain/privacy';
import { ActorSchema, type Actor } from '../../domain/roles';
import { actorOf, authenticate, authorize } from '../auth';
import { ApiError } from '../errors';
import { JWT_ALG } from '../tokens';
import { parseBody } from '../validate';

export const CODEC_PATH = '/codec';
/** Payload batches of a long history exceed the API's 100 kb JSON limit; a payload itself may be up to 2 MB. */
export const CODEC_BODY_LIMIT = '4mb';
export const CODEC_SESSION_COOKIE = 'huiying_codec_session';
export const CODEC_SESSION_TTL_SECONDS = 60 * 60;
export const DEFAULT_UI_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];
const SESSION_ISSUER = 'huiying-codec-session';
const SESSION_AUDIENCE = 'huiying-codec';

/** One decode request, as the audit trail records it: who saw how many payloads, how and from where. */
export interface CodecAccess {
  at: string;
  actor: { id: string; name: string; roles: string[]; unit: string | null };
  /** The case workflows the decoded payloads belong to, as far as they tell (a case's input or state names its id). */
  workflowIds: string[];
  userAgent: string | null;
  via: 'bearer' | 'session';
  namespace: string;
  /** Payloads in the request, and how many of them were encrypted (and so decrypted now). */
  payloads: number;
  decrypted: number;
  keyIds: string[];
  origin: string | null;
  ip: string | null;
}
export type CodecDecodeHook = (access: CodecAccess) => void | Promise<void>;

export interface CodecRouteDeps {
  /** Its data converter's payload codecs do the work; its namespace is the one this endpoint serves. */
  client: Client;
  jwtSecret: string;
  /** Called (and awaited) for every decode before any plaintext leaves; a failure refuses the decode. */
  onCodecDecode?: CodecDecodeHook;
  /** Browser origins of the Web UI (HUIYING_UI_ORIGINS, `Config.api.uiOrigins`); default localhost:8233. */
  uiOrigins?: string[];
}

const Base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64');
const PayloadsBodySchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), Base64).optional(), data: Base64.optional() })),
});

export function codecRoutes(deps: CodecRouteDeps): Router {
  const router = Router();
  const { payloadCodecs } = deps.client.options.loadedDataConverter;
  const namespace = deps.client.options.namespace;
  const sessionKey = createHmac('sha256', deps.jwtSecret).update('huiying codec session v1').digest();
  const bearer = authenticate(deps.jwtSecret);

  router.use(CODEC_PATH, cors(deps.uiOrigins ?? DEFAULT_UI_ORIGINS));
  router.use(CODEC_PATH, express.json({ limit: CODEC_BODY_LIMIT }));

  const startSession: RequestHandler = async (req, res) => {
    const actor = actorOf(res);
    const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')![1];
    const now = Math.floor(Date.now() / 1000);
    const exp = Math.min(decodeJwt(token).exp ?? now, now + CODEC_SESSION_TTL_SECONDS);
    const session = await new SignJWT({ name: actor.name, roles: actor.roles })
      .setProtectedHeader({ alg: JWT_ALG, typ: 'JWT' })
      .setSubject(actor.id)
      .setIssuer(SESSION_ISSUER)
      .setAudience(SESSION_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(sessionKey);
    res.setHeader('Set-Cookie', sessionCookie(session, Math.max(0, exp - now), req.secure));
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      session: 'codec',
      actor: { id: actor.id, name: actor.name },
      expiresAt: new Date(exp * 1000).toISOString(),
      note: 'The Temporal Web UI may now decode payloads through this API: in its Codec Server settings use this endpoint with "Include cross-origin credentials" on.',
    });
  };
  // The token in the URL is for a browser tab: a navigation cannot carry a header. It never reaches a log of ours.
  const tokenFromQuery: RequestHandler = (req, res, next) => {
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (!req.get('authorization') && token) req.headers.authorization = `Bearer ${token}`;
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };
  router.get(`${CODEC_PATH}/session`, tokenFromQuery, bearer, authorize('GET /codec/session'), startSession);
  router.post(`${CODEC_PATH}/session`, bearer, authorize('POST /codec/session'), startSession);
  router.delete(`${CODEC_PATH}/session`, (req, res) => {
    res.setHeader('Set-Cookie', sessionCookie('', 0, req.secure));
    res.status(204).end();
  });

  /** A bearer token if there is an Authorization header, else the session cookie. */
  const codecAuth: RequestHandler = async (req, res, next) => {
    if (req.get('authorization')) {
      res.locals.codecVia = 'bearer';
      await bearer(req, res, next);
      return;
    }
    const cookie = readCookie(req, CODEC_SESSION_COOKIE);
    if (!cookie) {
      next(new ApiError('unauthorized', `缺少 Bearer 登录凭证或解码会话（请先在本浏览器打开 ${CODEC_PATH}/session?token=<JWT>）`));
      return;
    }
    let actor: Actor;
    try {
      const { payload } = await jwtVerify(cookie, sessionKey, {
        algorithms: [JWT_ALG],
        issuer: SESSION_ISSUER,
        audience: SESSION_AUDIENCE,
        requiredClaims: ['exp', 'sub'],
      });
      const claims = ActorSchema.pick({ name: true, roles: true }).parse(payload);
      actor = { id: payload.sub!, name: claims.name, roles: claims.roles, levels: [] };
    } catch (err) {
      next(new ApiError('unauthorized', err instanceof joseErrors.JWTExpired ? '解码会话已过期' : '解码会话无效'));
      return;
    }
    res.locals.actor = actor;
    res.locals.codecVia = 'session';
    next();
  };
  const checkNamespace: RequestHandler = (req, _res, next) => {
    const asked = req.get('x-namespace');
    next(
      asked && asked !== namespace
        ? new ApiError('invalid_input', `此解码接口服务于命名空间「${namespace}」，而不是「${asked}」`)
        : undefined,
    );
  };

  router.post(`${CODEC_PATH}/decode`, codecAuth, authorize('POST /codec/decode'), checkNamespace, async (req, res) => {
    // The payloads do not say which case they are (the UI sends none), so a person from whom any citizen could be
    // hidden — one whose token carries a unit a protected case may concern — gets nothing decrypted.
    if (!seesEveryCitizen(actorOf(res))) throw new ApiError('forbidden', '解码会显示诉求人全部信息，仅限不属于任何单位的督办员');
    const payloads = fromJson(parseBody(PayloadsBodySchema, req.body).payloads);
    let decoded = payloads;
    try {
      for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
    } catch (err) {
      throw codecFailure(err);
    }
    const actor = actorOf(res);
    const encrypted = payloads.filter(isEncrypted);
    await deps.onCodecDecode?.({
      at: new Date().toISOString(),
      actor: { id: actor.id, name: actor.name, roles: actor.roles, unit: actor.unit ?? null },
      workflowIds: casesNamedIn(decoded).map(caseWorkflowId),
      userAgent: req.get('user-agent')?.slice(0, 500) ?? null,
      via: res.locals.codecVia as CodecAccess['via'],
      namespace,
      payloads: payloads.length,
      decrypted: encrypted.length,
      keyIds: [...new Set(encrypted.map((p) => payloadKeyId(p)!))],
      origin: req.get('origin') ?? null,
      ip: req.ip ?? null,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ payloads: toJson(decoded) });
  });

  router.post(`${CODEC_PATH}/encode`, codecAuth, authorize('POST /codec/encode'), checkNamespace, async (req, res) => {
    let encoded = fromJson(parseBody(PayloadsBodySchema, req.body).payloads);
    for (const codec of payloadCodecs) encoded = await codec.encode(encoded);
    res.json({ payloads: toJson(encoded) });
  });

  router.use(CODEC_PATH, (_req, _res, next) => next(new ApiError('not_found', '没有这个解码接口')));
  return router;
}

/** CORS for the codec routes only: the UI's origins, with credentials (the session cookie); preflights answered here. */
function cors(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return next();
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    // An origin we do not know gets no CORS headers, and so the browser refuses its request.
    res.status(204).end();
  };
}

function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${CODEC_SESSION_COOKIE}=${value}`,
    `Path=${CODEC_PATH}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

type JsonPayload = { metadata?: Record<string, string>; data?: string };

/** The case ids that decoded JSON payloads name: a case's start input or state (`{id, ledgerNo, …}`), or a resumed one. */
export function casesNamedIn(payloads: Payload[]): string[] {
  const ids = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value !== 'object' || value === null) return;
    const v = value as Record<string, unknown>;
    if (typeof v.id === 'string' && typeof v.ledgerNo === 'string') ids.add(v.id);
    if (v.resume) visit(v.resume);
  };
  for (const p of payloads) {
    if (!p.data || Buffer.from(p.metadata?.encoding ?? []).toString() !== 'json/plain') continue;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(p.data).toString('utf8'));
      for (const item of Array.isArray(parsed) ? parsed : [parsed]) visit(item);
    } catch {
      // not JSON after all: names no case
    }
  }
  return [...ids].sort();
}

function fromJson(payloads: JsonPayload[]): Payload[] {
  return payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  }));
}

function toJson(payloads: Payload[]): JsonPayload[] {
  return payloads.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  }));
}

function codecFailure(err: unknown): unknown {
  if (err instanceof UnknownPayloadKeyError || err instanceof PayloadDecryptionError) return new ApiError('invalid_input', err.message);
  return err;
}

/** Documentation of the codec routes, merged into the OpenAPI document. */
export const codecOpenApiPaths: Record<string, unknown> = (() => {
  const payloads = {
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['payloads'],
          properties: {
            payloads: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  metadata: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
                  data: { type: 'string', format: 'byte' },
                },
              },
            },
          },
        },
      },
    },
  };
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  const namespaceHeader = { name: 'X-Namespace', in: 'header', required: false, schema: { type: 'string' } };
  const codecOp = (summary: string) => ({
    summary,
    description: `Temporal remote codec protocol. Bearer token or the codec session cookie; roles: ${[...CODEC_ROLES].join(', ')}. Body up to ${CODEC_BODY_LIMIT}.`,
    parameters: [namespaceHeader],
    requestBody: { required: true, ...payloads },
    responses: {
      '200': { description: 'the payloads, same shape', ...payloads },
      '400': error('invalid_input'),
      '401': error('unauthorized'),
      '403': error('forbidden'),
    },
  });
  const session = (summary: string, parameters: unknown[]) => ({
    summary,
    parameters,
    responses: {
      '200': { description: `sets the ${CODEC_SESSION_COOKIE} cookie (HttpOnly, SameSite=Lax, Path=${CODEC_PATH})` },
      '401': error('unauthorized'),
      '403': error('forbidden'),
    },
  });
  return {
    [`${CODEC_PATH}/decode`]: { post: codecOp('decrypt payloads (for the Temporal Web UI); every call is audited') },
    [`${CODEC_PATH}/encode`]: { post: codecOp('encrypt payloads with the current key') },
    [`${CODEC_PATH}/session`]: {
      get: session('start a codec session from a token in the query (open it in the browser that runs the Web UI)', [
        { name: 'token', in: 'query', required: true, schema: { type: 'string' } },
      ]),
      post: session('start a codec session from the bearer token', []),
      delete: { summary: 'end the codec session (clears the cookie)', security: [], responses: { '204': { description: 'cleared' } } },
    },
  };
})();
