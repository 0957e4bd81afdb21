/**
 * The console's production login in a real browser (Debian's Chromium): OpenID Connect, authorization code with PKCE,
 * against a real OpenID provider on this machine (scripts/dev-sso.ts, the `oidc-provider` package), with the
 * development login off. A person signs in at the provider and lands in the console as themselves; a reload keeps
 * the session; an expired session signs in again and keeps the form; an answer with a state this tab did not send is
 * refused in Chinese; the API refuses the provider's token when it is meant for another audience.
 */
import type { Page } from 'playwright-core';
import { loadConfig } from '../../config';
import { getFreePort } from '../../scripts/ports';
import { useE2E } from '../e2e/harness';
import { quietFor, usePeopleInBrowsers, type PersonPage } from '../support/browser';
import { startDevSsoProcess, type DevSsoProcess } from '../support/dev-sso';

const AUDIENCE = 'huiying';
const h = useE2E();
let sso: DevSsoProcess;
const people = usePeopleInBrowsers(async () => {
  // The provider's address goes into the API's settings, and the console's address into the provider's client.
  const port = await getFreePort();
  const issuer = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    AUTH_ISSUER: issuer,
    AUTH_JWKS_URL: `${issuer}/jwks`,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_CLIENT_ID: 'huiying-console',
    HUIYING_DEV_LOGIN: 'off',
  });
  const app = await h.startApp({ auth: config.auth, devLogin: config.api.devLogin, sso: config.api.sso });
  sso = await startDevSsoProcess({ port, redirectUri: `${app.baseUrl}/`, audience: AUDIENCE });
  return app;
});
afterAll(async () => {
  await sso?.close();
});
const openConsole = people.open;

/** Signs in through the county's single sign-on as the demo person with this id. */
async function ssoSignIn(id: string): Promise<PersonPage> {
  const person = await openConsole();
  const { page } = person;
  await page.getByRole('button', { name: '统一身份认证登录' }).click();
  await page.waitForURL((url) => url.href.startsWith(sso.issuer));
  await page.getByLabel('人员编号').fill(id);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('button', { name: '退出' }).waitFor();
  return person;
}

async function sessionToken(page: Page): Promise<string> {
  return page.evaluate(() => {
    // In the page (this file is compiled without the DOM's types).
    const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage;
    return (JSON.parse(store.getItem('huiying.session')!) as { token: string }).token;
  });
}

test('a supervisor signs in at the single sign-on, lands in the console as themselves, and a reload keeps the session', async () => {
  const supervisor = await ssoSignIn('demo-supervisor');
  const { page } = supervisor;
  await expect(page.getByLabel('当前用户').textContent()).resolves.toContain('钱督办（督办员）');
  // Their menu, not another role's.
  await page.getByRole('menuitem', { name: '督办工作台' }).waitFor();
  expect(await page.getByRole('menuitem', { name: '登记诉求' }).count()).toBe(0);
  // Back on the console with the code gone from the address; the session is the provider's own token.
  expect(new URL(page.url()).search).toBe('');
  expect(new URL(page.url()).hash).toBe('#/inbox');
  const token = await sessionToken(page);
  expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())).toMatchObject({ iss: sso.issuer, aud: AUDIENCE });
  await supervisor.shot('sso-01-supervisor-signed-in');

  const provider: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(sso.issuer)) provider.push(r.url());
  });
  await page.reload();
  await page.getByRole('menuitem', { name: '督办工作台' }).waitFor();
  await expect(page.getByLabel('当前用户').textContent()).resolves.toContain('钱督办');
  expect(provider).toEqual([]); // the session came from the tab, not from another round at the provider
});

test("a unit's handler signs in and sees their unit", async () => {
  const { page } = await ssoSignIn('demo-handler-housing-construction');
  await expect(page.getByLabel('当前用户').textContent()).resolves.toContain('县住建局承办人（承办人 · 县住建局）');
  await page.getByRole('menuitem', { name: '我的待办' }).waitFor();
  expect(await page.getByRole('menuitem', { name: '督办工作台' }).count()).toBe(0);
});

test('an answer carrying a state this tab did not send is refused in Chinese, and no code is exchanged', async () => {
  const person = await openConsole();
  const { page } = person;
  const exchanges: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${sso.issuer}/token`)) exchanges.push(r.url());
  });
  // A sign-in under way in this tab; then a forged answer arrives (another site sending the browser back with its code).
  await page.getByRole('button', { name: '统一身份认证登录' }).click();
  await page.getByLabel('人员编号').waitFor();
  await page.goto(`${people.baseUrl()}/?code=forged-code&state=forged-state`);
  await page.getByText('登录请求无效或已失效，已拒绝。请重新登录').waitFor();
  expect(new URL(page.url()).search).toBe('');
  expect(await page.getByRole('button', { name: '退出' }).count()).toBe(0);
  expect(exchanges).toEqual([]);
  await person.shot('sso-02-forged-state-refused');
});

test('a session that ends mid-form signs in again through the single sign-on and comes back to the form as it was', async () => {
  const operator = await ssoSignIn('demo-operator');
  const { page } = operator;
  await page.getByRole('menuitem', { name: '登记诉求' }).click();
  await page.getByLabel('诉求人姓名').fill('赵六');
  await page.getByLabel('联系电话').fill('13700002222');
  await page.getByLabel('标题').fill('路口信号灯故障（统一认证过期）');
  await page.getByLabel('诉求内容').fill('早高峰信号灯全红。');
  // The form's own lookups (the caller's other cases, the knowledge panel) finish first: sending the form is what
  // meets the refused token, not one of them (which would open the dialog before the click).
  await quietFor(page, /\/(knowledge|cases)\?/, 1_500);
  // The token is refused from now on (as when it expires).
  await page.evaluate(() => {
    const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } })
      .sessionStorage;
    const session = JSON.parse(store.getItem('huiying.session')!) as { token: string };
    store.setItem('huiying.session', JSON.stringify({ ...session, token: `${session.token}x` }));
  });
  await page.getByRole('button', { name: '登记', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: '登录已过期' });
  const again = dialog.getByRole('button', { name: '统一身份认证登录' });
  await again.waitFor();
  await operator.shot('sso-03-session-expired');
  await again.click();
  // Still signed in at the provider: straight back, to the form, with what was typed.
  await page.getByRole('button', { name: '退出' }).waitFor();
  await page.waitForURL(/#\/intake$/);
  expect(await page.getByLabel('标题').inputValue()).toBe('路口信号灯故障（统一认证过期）');
  expect(await page.getByLabel('诉求内容').inputValue()).toBe('早高峰信号灯全红。');
  await page.getByLabel('标题').press('Enter');
  await page.getByText(/登记成功，台账编号 /).waitFor();
});

test("the API takes the provider's token for its own audience only; the page lets the console reach the provider", async () => {
  const { page } = await ssoSignIn('demo-dispatcher');
  const token = await sessionToken(page);
  const me = await people.app().api('GET', '/me', { token });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ id: 'demo-dispatcher', name: '赵派单', roles: ['dispatcher'] });

  // The same provider and key set, but an API that expects tokens for another audience.
  const other = await h.startApp({ auth: { jwks: { url: sso.jwksUrl, issuer: sso.issuer, audience: 'another-application' } } });
  const refused = await other.api('GET', '/me', { token });
  expect(refused.status).toBe(401);
  expect(refused.body).toMatchObject({ error: { code: 'unauthorized' } });

  const config = await people.app().api('GET', '/auth/config');
  expect(config.body).toEqual({ devLogin: false, sso: { issuer: sso.issuer, clientId: 'huiying-console', scope: 'openid' } });
  expect((await people.app().api('GET', '/auth/dev/people')).status).toBe(404);
  const csp = (await people.app().api('GET', '/')).headers.get('content-security-policy') ?? '';
  expect(csp).toContain(`connect-src 'self' ${sso.issuer};`);
  expect(csp).toContain("script-src 'self';");
});
