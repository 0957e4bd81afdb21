/**
 * How the console signs in, as `GET /auth/config` tells it (api/routes/session.ts): the development login, the
 * county's single sign-on, both or neither.
 */

/** The county's single sign-on as an OpenID Connect public client (AUTH_ISSUER, AUTH_CLIENT_ID, AUTH_SCOPE). */
export interface SsoSettings {
  /** Where the console discovers the endpoints: `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  scope: string;
}

export interface SignInOptions {
  /** The one-click login as a demo person (HUIYING_DEV_LOGIN). */
  devLogin: boolean;
  sso: SsoSettings | null;
}
