/**
 * `npm run sso:dev [-- --port 4000 --redirect-uri http://localhost:3000/ --audience huiying --host localhost]`: a real OpenID provider on this machine
 * (the `oidc-provider` package) standing in for the county's single sign-on, so that the console's production login
 * (OpenID Connect, authorization code with PKCE) can be tried and tested without one. Its people are the demo people
 * of the unit directory the API uses (domain/demo-people.ts); one signs in by typing a person's id, no password. It
 * issues JWT access tokens (RS256) for Huiying's audience carrying the claims the API reads (name, roles, unit,
 * levels). For development and tests only: anyone who can reach it can be anyone.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { loadConfig } from '../config';
import { loadUnitDirectory } from '../config/units';
import { demoPeople, type DemoPerson } from '../domain/demo-people';
import type { UnitDirectory } from '../domain/units';

export const DEV_SSO_CLIENT_ID = 'huiying-console';
export const DEV_SSO_AUDIENCE = 'huiying';
/** Huiying's API at the provider: its resource indicator (an absolute URI) and the scope a token for it carries. */
const API_RESOURCE = 'urn:huiying:api';
const API_SCOPE = 'huiying';
const DEFAULT_PORT = 4000;

export interface DevSsoOptions {
  /** 0: any free port. */
  port: number;
  /** The console's addresses it may send people back to (its page, e.g. http://localhost:3000/). */
  redirectUris: string[];
  /** The host name in the issuer; default localhost. It listens on 127.0.0.1 only. */
  host?: string;
  clientId?: string;
  /** The `aud` of its access tokens (the API's AUTH_AUDIENCE). */
  audience?: string;
  /** Whose demo people sign in; default the built-in directory. */
  units?: UnitDirectory;
  /** How long an access token lasts; default an hour. */
  accessTokenTtlS?: number;
}

export interface DevSso {
  issuer: string;
  jwksUrl: string;
  clientId: string;
  audience: string;
  close(): Promise<void>;
}

/** Starts the provider; `close` stops it. */
export async function startDevSso(opts: DevSsoOptions): Promise<DevSso> {
  const clientId = opts.clientId ?? DEV_SSO_CLIENT_ID;
  const audience = opts.audience ?? DEV_SSO_AUDIENCE;
  const people = new Map(demoPeople((opts.units ?? loadUnitDirectory(undefined)).units).map((p) => [p.id, p]));

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${opts.host ?? 'localhost'}:${port}`;
  const provider = new Provider(issuer, providerConfiguration({ ...opts, clientId, audience, people }));
  const handle = provider.callback();
  // The form's answer redirects on to the console: the page's form-action must allow its origins too.
  const formTargets = ["'self'", ...new Set(opts.redirectUris.map((uri) => new URL(uri).origin))].join(' ');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) void interaction(provider, people, formTargets, req, res);
    else void handle(req, res);
  });
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    clientId,
    audience,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function providerConfiguration(
  opts: DevSsoOptions & { clientId: string; audience: string; people: Map<string, DemoPerson> },
): Configuration {
  const { audience, people } = opts;
  // A fresh key each start: tokens of an earlier run are refused, as after a key rotation.
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return {
    clients: [
      {
        client_id: opts.clientId,
        // A browser application keeps no secret: public client, PKCE required (below).
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: opts.redirectUris,
      },
    ],
    pkce: { required: () => true },
    jwks: { keys: [{ ...key, kid: `dev-${randomBytes(4).toString('hex')}`, use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    findAccount: (_ctx, id) => {
      const person = people.get(id);
      return person && { accountId: id, claims: () => ({ sub: id, name: person.name }) };
    },
    claims: { openid: ['sub'], profile: ['name'] },
    scopes: ['openid', 'profile', API_SCOPE],
    features: {
      devInteractions: { enabled: false }, // its own login page below, in Chinese and fillable by label
      resourceIndicators: {
        enabled: true,
        // The console asks for no resource: every code is for Huiying's API, and its token is a JWT for that audience.
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== API_RESOURCE) throw new errors.InvalidTarget();
          return { scope: API_SCOPE, audience, accessTokenFormat: 'jwt', accessTokenTTL: opts.accessTokenTtlS ?? 3600 };
        },
      },
    },
    // The claims Huiying reads (api/auth.ts ClaimsSchema), in every access token of a person.
    extraTokenClaims: (_ctx, token) => {
      const person = token.kind === 'AccessToken' ? people.get(token.accountId) : undefined;
      return person && { name: person.name, roles: person.roles, levels: person.levels, ...(person.unit ? { unit: person.unit } : {}) };
    },
    // Huiying's console is the county's own application: no consent screen, the grant is given on sign-in.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session, provider } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return provider.Grant.find(grantId);
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile');
      grant.addResourceScope(API_RESOURCE, API_SCOPE);
      await grant.save();
      return grant;
    },
    // The console calls the token endpoint from its page: its origins only.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('登录出错', `<p>${escape(String(out.error_description ?? out.error))}</p>`);
    },
  };
}

/** The sign-in page: one types a demo person's id. GET shows it, POST signs in. */
async function interaction(
  provider: Provider,
  people: Map<string, DemoPerson>,
  formTargets: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'POST') {
      const id = new URLSearchParams(await body(req)).get('id')?.trim() ?? '';
      if (people.has(id)) {
        await provider.interactionFinished(req, res, { login: { accountId: id } }, { mergeWithLastSubmission: false });
        return;
      }
      return send(res, 400, formTargets, loginPage(details.uid, people, `没有编号为「${id}」的人员`));
    }
    send(res, 200, formTargets, loginPage(details.uid, people));
  } catch (err) {
    send(res, 400, formTargets, page('登录出错', `<p>${escape((err as Error).message)}</p>`));
  }
}

function loginPage(uid: string, people: Map<string, DemoPerson>, error?: string): string {
  const list = [...people.values()].map((p) => `<li><code>${escape(p.id)}</code> ${escape(p.name)}</li>`).join('');
  return page(
    '统一身份认证（开发用）',
    `${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
<label for="id">人员编号</label> <input id="id" name="id" required autofocus autocomplete="off">
<button type="submit">登录</button>
</form>
<p>开发用统一身份认证：输入下列演示人员的编号即可登录，无需密码。</p>
<ul>${list}</ul>`,
  );
}

function page(title: string, content: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${content}</body></html>`;
}

function send(res: ServerResponse, status: number, formTargets: string, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // No script at all on these pages; the form posts to this provider, which sends the browser on to the console.
    'content-security-policy': `default-src 'none'; form-action ${formTargets}; frame-ancestors 'none'`,
  });
  res.end(html);
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 10_000) throw new Error('request too large');
  }
  return text;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: 'localhost' },
      'redirect-uri': { type: 'string', multiple: true },
      audience: { type: 'string', default: DEV_SSO_AUDIENCE },
    },
  });
  const config = loadConfig();
  const console_ = `http://localhost:${config.api.port}/`;
  startDevSso({
    port: Number(values.port),
    host: values.host,
    redirectUris: values['redirect-uri'] ?? [console_, `http://127.0.0.1:${config.api.port}/`],
    audience: values.audience,
    units: loadUnitDirectory(config.files.units),
  })
    .then((sso) => {
      // The first line is for scripts and tests (test/support/dev-sso.ts); the rest for people.
      console.log(
        `dev-sso ready ${JSON.stringify({ issuer: sso.issuer, jwksUrl: sso.jwksUrl, clientId: sso.clientId, audience: sso.audience })}`,
      );
      console.log(`development OpenID provider at ${sso.issuer}; start Huiying against it with:`);
      console.log(
        `  AUTH_ISSUER=${sso.issuer} AUTH_JWKS_URL=${sso.jwksUrl} AUTH_AUDIENCE=${sso.audience} AUTH_CLIENT_ID=${sso.clientId} npm start`,
      );
      const stop = () => void sso.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
