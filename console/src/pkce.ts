/**
 * The pure parts of the console's OpenID Connect sign-in (console/src/oidc.ts does the browser's part): random values,
 * the PKCE challenge, the authorization request, reading the answer, checking the ID token. Only WebCrypto and URL,
 * so a unit test runs them under Node as the browser does.
 */

/** A refusal of the sign-in, said in Chinese for the person at the screen. */
export class SsoError extends Error {}

export function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 32 random bytes, base64url: 43 characters, the size RFC 7636 recommends for a verifier (and ample for state and nonce). */
export function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 challenge of a PKCE verifier: base64url(SHA-256(verifier)). */
export async function codeChallenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  nonce: string;
  challenge: string;
}

/** The address to send the person to: a code, for this client, bound to the challenge, state and nonce. */
export function authorizationUrl(endpoint: string, r: AuthorizationRequest): string {
  const url = new URL(endpoint);
  const params = {
    response_type: 'code',
    client_id: r.clientId,
    redirect_uri: r.redirectUri,
    scope: r.scope,
    state: r.state,
    nonce: r.nonce,
    code_challenge: r.challenge,
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

export type Callback = { code: string; state: string; iss?: string } | { error: string; description?: string; state?: string };

/** The provider's answer in the page's query (`?code=&state=` or `?error=`), or null when the page was not opened by one. */
export function readCallback(search: string): Callback | null {
  const q = new URLSearchParams(search);
  const code = q.get('code');
  const state = q.get('state') ?? undefined;
  const error = q.get('error');
  if (error) return { error, description: q.get('error_description') ?? undefined, state };
  if (code && state) return { code, state, ...(q.get('iss') ? { iss: q.get('iss')! } : {}) };
  return null;
}

/** The claims of a JWT, unverified (see checkIdToken for why that is enough here); null when it is not one. */
export function claimsOf(jwt: string): Record<string, unknown> | null {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The ID token is ours: from this issuer, for this client, carrying the nonce this tab sent. It came straight from
 * the token endpoint over the connection the browser opened, so its signature adds nothing (OpenID Connect Core
 * 3.1.3.7); the nonce binds it to the sign-in this tab started, which a replayed code cannot.
 */
export function checkIdToken(idToken: string | undefined, expected: { issuer: string; clientId: string; nonce: string }): void {
  const claims = idToken ? claimsOf(idToken) : null;
  if (!claims) throw new SsoError('统一身份认证未返回身份令牌，无法完成登录（请检查 AUTH_SCOPE 是否包含 openid）');
  const aud = claims.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (claims.iss !== expected.issuer || !audiences.includes(expected.clientId) || claims.nonce !== expected.nonce) {
    throw new SsoError('统一身份认证返回的身份令牌与本次登录不符，已拒绝，请重新登录');
  }
}

/** When the session ends: `expires_in` of the token answer, else the access token's own `exp`. */
export function expiresAtOf(answer: { access_token: string; expires_in?: number }, now = Date.now()): string {
  if (typeof answer.expires_in === 'number' && answer.expires_in > 0) return new Date(now + answer.expires_in * 1000).toISOString();
  const exp = claimsOf(answer.access_token)?.exp;
  if (typeof exp === 'number') return new Date(exp * 1000).toISOString();
  throw new SsoError('统一身份认证未说明登录的有效期，无法完成登录');
}
