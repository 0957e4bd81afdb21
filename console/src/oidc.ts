/**
 * The console's sign-in at the county's single sign-on: OpenID Connect, authorization code with PKCE, as a public
 * client (no secret in a browser). The page leaves for the provider and comes back to `/?code=&state=`; the state,
 * nonce and PKCE verifier wait in this tab's sessionStorage meanwhile. A code that comes back with another state
 * is refused: no other site can sign this tab in as someone else (login CSRF), and a stolen code is useless without
 * the verifier. The access token becomes the session (console/src/session.ts), sent as a bearer header like any.
 */
import type { SsoSettings } from '../../domain/sign-in';
import { authorizationUrl, checkIdToken, codeChallenge, expiresAtOf, randomToken, readCallback, SsoError } from './pkce';

const PENDING = 'huiying.sso.pending';

/** A sign-in under way: what the answer must match, and where to go back to (the router's route). */
interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  issuer: string;
  clientId: string;
  redirectUri: string;
  tokenEndpoint: string;
  returnTo: string;
}

interface Discovery {
  issuer?: unknown;
  authorization_endpoint?: unknown;
  token_endpoint?: unknown;
  code_challenge_methods_supported?: unknown;
}

interface TokenAnswer {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  id_token?: string;
}

const UNREACHABLE = '无法连接统一身份认证服务，请稍后再试';
const MISCONFIGURED = '统一身份认证服务的配置与本系统不符，请联系管理员';

/** The endpoints, from the provider's discovery document; it must name the issuer we were configured with. */
async function discover(issuer: string): Promise<{ authorization: string; token: string }> {
  let doc: Discovery;
  try {
    const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { credentials: 'omit' });
    if (!res.ok) throw new Error(res.statusText);
    doc = (await res.json()) as Discovery;
  } catch {
    throw new SsoError(UNREACHABLE);
  }
  const methods = doc.code_challenge_methods_supported;
  if (
    doc.issuer !== issuer ||
    typeof doc.authorization_endpoint !== 'string' ||
    typeof doc.token_endpoint !== 'string' ||
    (Array.isArray(methods) && !methods.includes('S256'))
  )
    throw new SsoError(MISCONFIGURED);
  // The page's content security policy lets it reach the issuer's origin only (api/console.ts).
  if (new URL(doc.token_endpoint).origin !== new URL(issuer).origin) throw new SsoError(MISCONFIGURED);
  return { authorization: doc.authorization_endpoint, token: doc.token_endpoint };
}

/** Leaves for the provider's sign-in; `returnTo` is the console's route to come back to (e.g. the form being filled). */
export async function startSsoSignIn(sso: SsoSettings, returnTo: string): Promise<void> {
  const endpoints = await discover(sso.issuer);
  const pending: Pending = {
    state: randomToken(),
    nonce: randomToken(),
    verifier: randomToken(),
    issuer: sso.issuer,
    clientId: sso.clientId,
    // The page itself, which reads the answer on load (the router's hash does not survive the trip).
    redirectUri: `${location.origin}/`,
    tokenEndpoint: endpoints.token,
    returnTo,
  };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const challenge = await codeChallenge(pending.verifier);
  location.assign(authorizationUrl(endpoints.authorization, { ...pending, scope: sso.scope, challenge }));
}

/** Whether the provider sent this page back with an answer. */
export function isSsoCallback(): boolean {
  return readCallback(location.search) !== null;
}

function pendingSignIn(): Pending | null {
  try {
    return JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as Pending | null;
  } catch {
    return null;
  }
}

/**
 * Call before the router starts. The provider sends the page back without its hash route; this puts back the route
 * the sign-in started from, so that the console opens where the person was (the form they were filling).
 */
export function restoreRouteAfterSso(): void {
  const returnTo = isSsoCallback() && !location.hash ? pendingSignIn()?.returnTo : undefined;
  if (returnTo?.startsWith('/')) history.replaceState(null, '', `${location.pathname}${location.search}#${returnTo}`);
}

let finishing: Promise<{ token: string; expiresAt: string }> | undefined;

/**
 * Finishes the sign-in the provider sent this page back from: the state must be this tab's, then the code is
 * exchanged (with the verifier) and the ID token checked. Once per page load: a code is good for one exchange.
 */
export function finishSsoSignIn(): Promise<{ token: string; expiresAt: string }> {
  finishing ??= finish();
  return finishing;
}

async function finish(): Promise<{ token: string; expiresAt: string }> {
  const callback = readCallback(location.search);
  // The code is no business of the address bar, the history or a reload.
  history.replaceState(history.state, '', location.pathname + location.hash);
  const pending = pendingSignIn();
  sessionStorage.removeItem(PENDING);
  if (!callback || !pending || callback.state !== pending.state) throw new SsoError('登录请求无效或已失效，已拒绝。请重新登录');
  if ('error' in callback)
    throw new SsoError(
      callback.error === 'access_denied' ? '已取消统一身份认证登录' : `统一身份认证未能完成登录（${callback.error}），请重新登录`,
    );
  // An answer naming another issuer is a mix-up between providers (RFC 9207).
  if (callback.iss !== undefined && callback.iss !== pending.issuer) throw new SsoError('登录应答来自其他认证服务，已拒绝。请重新登录');
  const answer = await exchange(pending, callback.code);
  checkIdToken(answer.id_token, pending);
  return { token: answer.access_token, expiresAt: expiresAtOf(answer) };
}

/** The code for tokens, at the token endpoint, straight from the browser (CORS), with the PKCE verifier. */
async function exchange(pending: Pending, code: string): Promise<TokenAnswer> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: pending.redirectUri,
    client_id: pending.clientId,
    code_verifier: pending.verifier,
  });
  let res: Response;
  try {
    res = await fetch(pending.tokenEndpoint, { method: 'POST', headers: { accept: 'application/json' }, body, credentials: 'omit' });
  } catch {
    throw new SsoError(UNREACHABLE);
  }
  const answer = (await res.json().catch(() => null)) as TokenAnswer | null;
  if (!res.ok || typeof answer?.access_token !== 'string' || (answer.token_type ?? 'Bearer').toLowerCase() !== 'bearer')
    throw new SsoError('统一身份认证未能签发登录凭证，请重新登录');
  return answer;
}
