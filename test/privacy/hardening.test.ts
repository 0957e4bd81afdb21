/**
 * Hardening of the API (real dev server, worker and API): security headers, the body limit, rate limits
 * answering 429 in our error shape, JWT checks (expiry, pinned algorithms, issuer, clock skew), a county's
 * single sign-on through a JWKS served here on 127.0.0.1, and no secrets or tokens in answers or logs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Client } from '@temporalio/client';
import { redactSecrets } from '../../config/redaction';
import { JWT_ISSUER } from '../../api/tokens';
import { loadConfig } from '../../config';
import type { Actor } from '../../domain/roles';
import { type ApiCall, expectApiError, expectStatus, useE2E } from '../e2e/harness';
import { newCase } from '../support/cases';
import { captureLogs } from '../support/logs';
import { HOUSING, people } from '../support/personas';

const h = useE2E();

const enc = (s: string) => new TextEncoder().encode(s);
const now = () => Math.floor(Date.now() / 1000);

/** A token of our own format (HS256 unless told), with whatever header and claims a test wants. */
async function hsToken(
  opts: { secret?: string; alg?: string; exp?: number | null; iat?: number; iss?: string; claims?: Record<string, unknown> } = {},
): Promise<string> {
  const jwt = new SignJWT({ name: people.supervisor.name, roles: ['supervisor'], ...(opts.claims ?? {}) })
    .setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' })
    .setSubject(people.supervisor.id)
    .setIssuer(opts.iss ?? JWT_ISSUER)
    .setIssuedAt(opts.iat);
  if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? now() + 600);
  return jwt.sign(enc(opts.secret ?? h.secret));
}

/** alg 'none': header and claims, no signature. */
function unsignedToken(): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', name: 'x', roles: ['supervisor'], iss: JWT_ISSUER, exp: now() + 600 })}.`;
}

describe('security headers (helmet) and the body limit', () => {
  test('every answer — public, authenticated, an error — carries them; JSON stays JSON', async () => {
    const answers = [
      await h.api('GET', '/health'),
      await h.api('GET', '/units', { token: people.operator }),
      await h.api('GET', '/cases/nope', { token: people.operator }),
      await h.api('GET', '/units'),
    ];
    for (const res of answers) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
    }
    expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 401]);
  });

  test('a body over 100 kb → 400 in our shape', async () => {
    const body = newCase({ content: 'x'.repeat(9_000) });
    const raw = JSON.stringify({ ...body, padding: 'y'.repeat(110 * 1024) });
    expectApiError(await h.api('POST', '/cases', { token: people.operator, rawBody: raw }), 400, 'invalid_input', /过大/);
  });
});

describe('rate limits', () => {
  const tight = { intakePerWindow: 3, anonymousPerWindow: 4, windowMs: 60_000 };
  let api: ApiCall;
  beforeAll(async () => {
    ({ api } = await h.startApp({ rateLimits: tight }));
  });
  // Counts live in the read model's database, shared with this file's other app: each test starts from none.
  beforeEach(async () => {
    await h.db.query('DELETE FROM rate_limit_hits');
  });

  test('intake: per caller; the next POST /cases → 429 rate_limited with Retry-After; others and other endpoints unaffected', async () => {
    const op2: Actor = { ...people.operator, id: 'op-wu', name: '吴话务' };
    for (let i = 0; i < 3; i++)
      expectStatus(await api('POST', '/cases', { token: people.operator, body: newCase({ title: `限流${i}` }) }), 201);
    const limited = await api('POST', '/cases', { token: people.operator, body: newCase() });
    expectApiError(limited, 429, 'rate_limited', /每分钟至多 3 次/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-policy')).toMatch(/^3;w=60/);
    expectStatus(await api('POST', '/cases', { token: op2, body: newCase() }), 201);
    expectStatus(await api('GET', '/units', { token: people.operator }), 200);
  });

  test('token-less requests (public endpoints, missing or bad tokens): per IP; callers with a valid token are not counted', async () => {
    const statuses: number[] = [];
    statuses.push((await api('GET', '/health')).status);
    statuses.push((await api('GET', '/openapi.json')).status);
    statuses.push((await api('GET', '/units')).status);
    statuses.push((await api('GET', '/units', { token: 'not.a.token' })).status);
    expect(statuses).toEqual([200, 200, 401, 401]);
    const limited = await api('GET', '/health');
    expectApiError(limited, 429, 'rate_limited', /未登录的请求/);
    expectApiError(await api('GET', '/units', { token: await hsToken({ secret: 'x'.repeat(40) }) }), 429, 'rate_limited');
    // The same address with a valid token is served.
    expectStatus(await api('GET', '/units', { token: people.dispatcher }), 200);
    expectStatus(await api('GET', '/health', { token: people.dispatcher }), 200);
  });

  test('two API processes count against one limit (the counts are in PostgreSQL), also when requests arrive at once', async () => {
    const { api: other } = await h.startApp({ rateLimits: tight });
    // Alternating between the two apps: the fifth token-less request is refused whichever app it reaches.
    const statuses: number[] = [];
    for (const call of [api, other, api, other, api, other]) statuses.push((await call('GET', '/health')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);

    // Intake: 9 requests of one caller at the same moment, split over both apps: exactly 3 registered.
    const op3: Actor = { ...people.operator, id: 'op-zheng', name: '郑话务' };
    const burst = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        (i % 2 ? other : api)('POST', '/cases', { token: op3, body: newCase({ title: `并发限流${i}` }) }),
      ),
    );
    expect(burst.map((r) => r.status).sort()).toEqual([201, 201, 201, 429, 429, 429, 429, 429, 429]);
    const { rows } = await h.db.query("SELECT hits FROM rate_limit_hits WHERE key = 'intake:sub:op-zheng'");
    expect(rows).toEqual([{ hits: 9 }]);
  });

  test('configuration: HUIYING_RATE_INTAKE_PER_MIN, HUIYING_RATE_ANON_PER_MIN (0 turns one off)', () => {
    expect(loadConfig({}).api.rateLimits).toEqual({ intakePerWindow: 60, anonymousPerWindow: 300, windowMs: 60_000 });
    expect(loadConfig({ HUIYING_RATE_INTAKE_PER_MIN: '10', HUIYING_RATE_ANON_PER_MIN: '0' }).api.rateLimits).toEqual({
      intakePerWindow: 10,
      anonymousPerWindow: 0,
      windowMs: 60_000,
    });
    expect(() => loadConfig({ HUIYING_RATE_INTAKE_PER_MIN: 'lots' })).toThrow(/HUIYING_RATE_INTAKE_PER_MIN/);
    expect(() => loadConfig({ HUIYING_RATE_ANON_PER_MIN: '-1' })).toThrow(/HUIYING_RATE_ANON_PER_MIN/);
  });
});

describe('token lifetime', () => {
  test('12 hours from issue is accepted by default; a county may allow less (AUTH_MAX_TOKEN_HOURS)', async () => {
    const twelveHours = await hsToken({ exp: now() + 12 * 3600 });
    expect((await h.api('GET', '/units', { token: twelveHours })).status).toBe(200);
    const strict = await h.startApp({ auth: { maxTokenHours: 1 } });
    expectApiError(
      await strict.api('GET', '/units', { token: await hsToken({ exp: now() + 2 * 3600 }) }),
      401,
      'unauthorized',
      /至多 1 小时/,
    );
    expect((await strict.api('GET', '/units', { token: await hsToken({ exp: now() + 3000 }) })).status).toBe(200);
  });
});

describe('our own tokens (HS256)', () => {
  test('expired, unsigned (alg none), another algorithm, another issuer, no exp, a forged signature → 401', async () => {
    const cases: [string, string, RegExp][] = [
      ['expired', await hsToken({ exp: now() - 120 }), /登录已过期/],
      ['alg none', unsignedToken(), /登录凭证无效/],
      ['HS512 with our secret', await hsToken({ alg: 'HS512' }), /登录凭证无效/],
      ['HS384 with our secret', await hsToken({ alg: 'HS384' }), /登录凭证无效/],
      ['another issuer', await hsToken({ iss: 'someone-else' }), /登录凭证无效/],
      ['no exp', await hsToken({ exp: null }), /登录凭证无效/],
      ['another secret', await hsToken({ secret: 'z'.repeat(40) }), /登录凭证无效/],
      ['a handler without a unit', await hsToken({ claims: { roles: ['handler'] } }), /所属单位/],
      ['no roles', await hsToken({ claims: { roles: [] } }), /必要信息/],
      // A token minted to outlive any session, or dated ahead (AUTH_MAX_TOKEN_HOURS, default 12).
      ['valid for 100 years', await hsToken({ exp: now() + 100 * 365 * 86_400 }), /有效期过长/],
      ['valid for 13 hours', await hsToken({ exp: now() + 13 * 3600 }), /有效期过长/],
      ['issued a year from now', await hsToken({ iat: now() + 365 * 86_400, exp: now() + 365 * 86_400 + 600 }), /签发时间在未来/],
    ];
    for (const [label, token, message] of cases) {
      const res = await h.api('GET', '/units', { token });
      expect({ label, status: res.status }).toEqual({ label, status: 401 });
      expectApiError(res, 401, 'unauthorized', message);
    }
    expectStatus(await h.api('GET', '/units', { token: await hsToken() }), 200);
  });

  test('clock skew: 30 s by default; AUTH_CLOCK_SKEW_S widens it up to 300 s', async () => {
    const lateBy60 = await hsToken({ exp: now() - 60 });
    expectApiError(await h.api('GET', '/units', { token: lateBy60 }), 401, 'unauthorized', /过期/);
    expectStatus(await h.api('GET', '/units', { token: await hsToken({ exp: now() - 10 }) }), 200);
    const lenient = await h.startApp({ auth: loadConfig({ AUTH_CLOCK_SKEW_S: '120' }).auth });
    expectStatus(await lenient.api('GET', '/units', { token: lateBy60 }), 200);
    expectApiError(await lenient.api('GET', '/units', { token: await hsToken({ exp: now() - 200 }) }), 401, 'unauthorized', /过期/);

    expect(loadConfig({ AUTH_CLOCK_SKEW_S: '300' }).auth.clockSkewS).toBe(300);
    for (const bad of ['301', '-1', '1.5', 'soon']) expect(() => loadConfig({ AUTH_CLOCK_SKEW_S: bad })).toThrow(/AUTH_CLOCK_SKEW_S/);
    expect(loadConfig({}).auth).toEqual({});
  });
});

describe('single sign-on through a JWKS (RS256 / ES256)', () => {
  const ISSUER = 'https://sso.lezhi.example';
  const AUDIENCE = 'huiying';
  let jwks: Server;
  let jwksUrl: string;
  let fetches = 0;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
  let stranger: { privateKey: CryptoKey; publicKey: CryptoKey };
  let api: ApiCall;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    ec = await generateKeyPair('ES256', { extractable: true });
    stranger = await generateKeyPair('RS256', { extractable: true });
    const keys: JWK[] = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', use: 'sig' },
    ];
    jwks = createServer((req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    ({ api } = await h.startApp({ auth: loadConfig({ AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }).auth }));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
  });

  const ssoToken = async (
    key: CryptoKey | Uint8Array,
    opts: { alg?: string; kid?: string; iss?: string; aud?: string; exp?: number; claims?: Record<string, unknown>; sub?: string } = {},
  ): Promise<string> =>
    new SignJWT({ name: '县单点登录用户', roles: ['handler'], unit: HOUSING, ...(opts.claims ?? {}) })
      .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'rsa-1' })
      .setSubject(opts.sub ?? 'sso-user-1')
      .setIssuer(opts.iss ?? ISSUER)
      .setAudience(opts.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? now() + 600)
      .sign(key);

  test('RS256 and ES256 tokens of the key set are accepted, with the same claims as ours', async () => {
    const rs = await ssoToken(rsa.privateKey);
    expectStatus(await api('GET', '/units', { token: rs }), 200);
    const inbox = expectStatus(await api('GET', '/inbox', { token: rs }), 200);
    expect(inbox.items).toEqual(expect.any(Array));
    // The claims decide the role: an SSO handler may not register cases.
    expectApiError(await api('POST', '/cases', { token: rs, body: newCase() }), 403, 'forbidden');
    const es = await ssoToken(ec.privateKey, { alg: 'ES256', kid: 'ec-1', claims: { roles: ['operator'], unit: undefined } });
    expectStatus(await api('POST', '/cases', { token: es, body: newCase({ title: 'SSO登记' }) }), 201);
    // Our own HS256 tokens keep working beside them.
    expectStatus(await api('GET', '/units', { token: people.dispatcher }), 200);
    // The key set is fetched once and cached, not per request.
    expect(fetches).toBe(1);
  });

  test('another issuer or audience, expired, an unknown key, other algorithms → 401', async () => {
    const rsaPem = await exportSPKI(rsa.publicKey);
    // The same RSA key, for other algorithms (a WebCrypto key is bound to one).
    const sameKeyAs = async (alg: string) => importPKCS8(await exportPKCS8(rsa.privateKey), alg);
    const cases: [string, string, RegExp][] = [
      ['another issuer', await ssoToken(rsa.privateKey, { iss: 'https://evil.example' }), /登录凭证无效/],
      ['another audience', await ssoToken(rsa.privateKey, { aud: 'some-other-app' }), /登录凭证无效/],
      ['expired', await ssoToken(rsa.privateKey, { exp: now() - 120 }), /过期/],
      ['a key not in the set', await ssoToken(stranger.privateKey, { kid: 'rsa-2' }), /登录凭证无效/],
      ['a key not in the set, claiming a known kid', await ssoToken(stranger.privateKey), /登录凭证无效/],
      ['RS384 with the right key', await ssoToken(await sameKeyAs('RS384'), { alg: 'RS384' }), /登录凭证无效/],
      ['PS256 with the right key', await ssoToken(await sameKeyAs('PS256'), { alg: 'PS256' }), /登录凭证无效/],
      // The classic confusion: HS256 "signed" with the public key as the secret.
      ['HS256 with the public key as secret', await ssoToken(enc(rsaPem), { alg: 'HS256' }), /登录凭证无效/],
      ['HS256 with our issuer and the public key', await ssoToken(enc(rsaPem), { alg: 'HS256', iss: JWT_ISSUER }), /登录凭证无效/],
      ['a handler without a unit', await ssoToken(rsa.privateKey, { claims: { unit: undefined } }), /所属单位/],
    ];
    for (const [label, token, message] of cases) {
      const res = await api('GET', '/units', { token });
      expect({ label, status: res.status }).toEqual({ label, status: 401 });
      expectApiError(res, 401, 'unauthorized', message);
    }
  });

  test('without AUTH_JWKS_URL, SSO tokens are refused; a key set that cannot be fetched → 503', async () => {
    expectApiError(await h.api('GET', '/units', { token: await ssoToken(rsa.privateKey) }), 401, 'unauthorized');
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/jwks.json`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const orphan = await h.startApp({ auth: { jwks: { url: deadUrl, issuer: ISSUER, audience: AUDIENCE } } });
    expectApiError(await orphan.api('GET', '/units', { token: await ssoToken(rsa.privateKey) }), 503, 'unavailable', /公钥/);
  });

  test('configuration: AUTH_JWKS_URL needs AUTH_ISSUER, and https unless on this machine', async () => {
    expect(() => loadConfig({ AUTH_JWKS_URL: jwksUrl })).toThrow(/AUTH_ISSUER/);
    expect(loadConfig({ AUTH_JWKS_URL: 'https://sso.example/jwks', AUTH_ISSUER: ISSUER }).auth).toEqual({
      jwks: { url: 'https://sso.example/jwks', issuer: ISSUER },
    });
    await expect(h.startApp({ auth: { jwks: { url: 'http://sso.example/jwks', issuer: ISSUER } } })).rejects.toThrow(/https/);
  });
});

describe('no secrets or tokens in answers or logs', () => {
  test('an unexpected error whose message holds the secret and a token: 500 "internal error", and the log line is redacted', async () => {
    const token = await h.token(people.operator);
    const leaky = new Error(`backend said: auth ${h.secret} failed for Bearer ${token} (raw ${token})`);
    const client = new Proxy(h.client, {
      get(target, prop, receiver) {
        if (prop === 'workflow') throw leaky;
        return Reflect.get(target, prop, receiver);
      },
    }) as Client;
    const app = await h.startApp({ client });
    const logs = captureLogs('warn');
    let res;
    try {
      res = await app.api('GET', '/cases/abcdefgh12345678', { token: people.operator });
    } finally {
      logs.stop();
    }
    const lines = logs.raw;
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(res.text).not.toContain(h.secret);
    expect(res.text).not.toContain('backend said');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'error',
      reqId: res.headers.get('x-request-id'),
      method: 'GET',
      route: '/cases/:id',
      msg: expect.stringMatching(/^unexpected error: Error: backend said/),
    });
    expect(lines[0]).not.toContain(h.secret);
    expect(lines[0]).not.toContain(token);
    expect(lines[0]).not.toContain(token.split('.')[2]);
  });

  test('refused tokens are not logged at all', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const printed = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const logs = captureLogs('trace');
    const tokens = [await hsToken({ exp: now() - 600 }), unsignedToken()];
    try {
      for (const token of tokens) await h.api('GET', '/units', { token });
      expect([...logged.mock.calls, ...warned.mock.calls, ...printed.mock.calls]).toEqual([]);
      // The access log names the two refusals, and neither token nor any part of it.
      const access = logs.entries().filter((e) => e.msg === 'request');
      expect(access.map((e) => [e.route, e.status])).toEqual([
        ['/units', 401],
        ['/units', 401],
      ]);
      for (const token of tokens) for (const part of token.split('.')) if (part.length > 8) expect(logs.raw.join('')).not.toContain(part);
    } finally {
      logged.mockRestore();
      warned.mockRestore();
      printed.mockRestore();
      logs.stop();
    }
  });

  test('redactSecrets: JWTs, bearer credentials, known secrets, long opaque strings; paths and words survive', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const text = `Bearer abc.def and ${jwt} with hunter2-secret-value at /work/main/api/cases.ts:12 key=${'a1'.repeat(24)}`;
    const out = redactSecrets(text, ['hunter2-secret-value']);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('abc.def');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('a1a1a1a1');
    expect(out).toContain('/work/main/api/cases.ts:12');
    expect(redactSecrets('refused payload for 13800001234')).toBe('refused payload for 138****1234');
  });
});
