/**
 * The pure parts of the console's single sign-on (console/src/pkce.ts) under Node's WebCrypto, as the browser runs
 * them, and the settings that turn it on (AUTH_CLIENT_ID, AUTH_SCOPE). The whole flow against a real provider is
 * test/console/sso.test.ts.
 */
import { loadConfig } from '../../config';
import {
  authorizationUrl,
  base64url,
  checkIdToken,
  claimsOf,
  codeChallenge,
  expiresAtOf,
  randomToken,
  readCallback,
  SsoError,
} from '../../console/src/pkce';

const unsigned = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

test('the S256 challenge of RFC 7636 appendix B', async () => {
  expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('random tokens: 43 base64url characters, never the same twice', () => {
  const tokens = new Set(Array.from({ length: 100 }, randomToken));
  expect(tokens.size).toBe(100);
  for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(base64url(new Uint8Array([251, 255, 191]))).toBe('-_-_');
});

test('the authorization request asks for a code bound to the challenge, state and nonce', () => {
  const url = new URL(
    authorizationUrl('https://sso.example.gov.cn/auth?tenant=lezhi', {
      clientId: 'huiying-console',
      redirectUri: 'https://huiying.example.gov.cn/',
      scope: 'openid',
      state: 's',
      nonce: 'n',
      challenge: 'c',
    }),
  );
  expect(Object.fromEntries(url.searchParams)).toEqual({
    tenant: 'lezhi',
    response_type: 'code',
    client_id: 'huiying-console',
    redirect_uri: 'https://huiying.example.gov.cn/',
    scope: 'openid',
    state: 's',
    nonce: 'n',
    code_challenge: 'c',
    code_challenge_method: 'S256',
  });
});

test("the provider's answer in the query", () => {
  expect(readCallback('?code=abc&state=s&iss=https%3A%2F%2Fsso')).toEqual({ code: 'abc', state: 's', iss: 'https://sso' });
  expect(readCallback('?error=access_denied&state=s')).toEqual({ error: 'access_denied', description: undefined, state: 's' });
  expect(readCallback('')).toBeNull();
  expect(readCallback('?code=abc')).toBeNull(); // no state: not an answer to anything
});

test('the ID token must be from the issuer, for this client, with this sign-in’s nonce', () => {
  const expected = { issuer: 'https://sso', clientId: 'huiying-console', nonce: 'n1' };
  expect(() => checkIdToken(unsigned({ iss: 'https://sso', aud: 'huiying-console', nonce: 'n1' }), expected)).not.toThrow();
  expect(() => checkIdToken(unsigned({ iss: 'https://sso', aud: ['x', 'huiying-console'], nonce: 'n1' }), expected)).not.toThrow();
  for (const bad of [
    { iss: 'https://other', aud: 'huiying-console', nonce: 'n1' },
    { iss: 'https://sso', aud: 'another-client', nonce: 'n1' },
    { iss: 'https://sso', aud: 'huiying-console', nonce: 'replayed' },
    { iss: 'https://sso', aud: 'huiying-console' },
  ])
    expect(() => checkIdToken(unsigned(bad), expected)).toThrow(SsoError);
  expect(() => checkIdToken(undefined, expected)).toThrow(/身份令牌/);
  expect(claimsOf('not a jwt')).toBeNull();
});

test('the session ends at expires_in, else at the access token’s exp', () => {
  const now = Date.parse('2025-03-01T00:00:00Z');
  expect(expiresAtOf({ access_token: 'x', expires_in: 3600 }, now)).toBe('2025-03-01T01:00:00.000Z');
  expect(expiresAtOf({ access_token: unsigned({ exp: now / 1000 + 60 }) }, now)).toBe('2025-03-01T00:01:00.000Z');
  expect(() => expiresAtOf({ access_token: 'opaque' }, now)).toThrow(SsoError);
});

describe('settings', () => {
  const sso = { AUTH_JWKS_URL: 'https://sso.example.gov.cn/jwks', AUTH_ISSUER: 'https://sso.example.gov.cn' };

  test('AUTH_CLIENT_ID turns the console’s single sign-on on; AUTH_SCOPE defaults to openid', () => {
    expect(loadConfig(sso).api.sso).toBeUndefined();
    expect(loadConfig({ ...sso, AUTH_CLIENT_ID: 'huiying-console' }).api.sso).toEqual({
      issuer: 'https://sso.example.gov.cn',
      clientId: 'huiying-console',
      scope: 'openid',
    });
    expect(loadConfig({ ...sso, AUTH_CLIENT_ID: 'c', AUTH_SCOPE: 'openid profile' }).api.sso?.scope).toBe('openid profile');
  });

  test('it needs the key set, and an issuer the browser may safely go to', () => {
    expect(() => loadConfig({ AUTH_CLIENT_ID: 'c' })).toThrow(/AUTH_JWKS_URL: required with AUTH_CLIENT_ID/);
    expect(() => loadConfig({ ...sso, AUTH_ISSUER: 'http://sso.example.gov.cn', AUTH_CLIENT_ID: 'c' })).toThrow(
      /AUTH_ISSUER: with AUTH_CLIENT_ID, an https URL/,
    );
    expect(loadConfig({ ...sso, AUTH_ISSUER: 'http://localhost:4000', AUTH_CLIENT_ID: 'c' }).api.sso?.issuer).toBe('http://localhost:4000');
  });
});
