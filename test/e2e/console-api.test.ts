/**
 * What the console stands on, through HTTP: its page with a strict policy and a fresh nonce per answer, its hashed
 * assets, the development login (on only when configured), and /me.
 */
import { useE2E, type ExtraApp } from './harness';
import { people } from '../support/personas';

const h = useE2E();
let dev: ExtraApp;

beforeAll(async () => {
  dev = await h.startApp({ devLogin: true });
});

test('GET / serves the console with scripts from this origin only and a new style nonce each time', async () => {
  const first = await fetch(`${h.baseUrl}/`);
  const second = await fetch(`${h.baseUrl}/`);
  expect(first.status).toBe(200);
  const csp = first.headers.get('content-security-policy')!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(csp).toContain("frame-ancestors 'none'");
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  const html = await first.text();
  expect(html).toContain(`<meta name="csp-nonce" content="${nonce}"`);
  expect(second.headers.get('content-security-policy')).not.toContain(nonce);
  // No inline script at all: every script is a file of this origin.
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
  const js = await fetch(`${h.baseUrl}${asset}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
  expect(js.status).toBe(200);
  expect(js.headers.get('content-type')).toMatch(/javascript/);
  expect(js.headers.get('cache-control')).toContain('immutable');
  // Compressed once at build time: Brotli where accepted, else gzip (fetch decodes either).
  expect(js.headers.get('content-encoding')).toBe('br');
  const gz = await fetch(`${h.baseUrl}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
  expect(gz.headers.get('content-encoding')).toBe('gzip');
  expect(await gz.text()).toBe(await js.clone().text());
  expect(await js.text()).toMatch(/^(import|const|var|function|\(|"use strict"|!)/);
  const plain = await fetch(`${h.baseUrl}${asset}`, { headers: { 'accept-encoding': 'identity' } });
  expect(plain.headers.get('content-encoding')).toBeNull();
  expect(Number(plain.headers.get('content-length'))).toBeGreaterThan(Number(js.headers.get('content-length')));
  expect((await fetch(`${h.baseUrl}/assets/nothing-here.js`)).status).toBe(404);
});

test('the development login lists the demo people and signs one in; off, it is not there', async () => {
  const list = await dev.api('GET', '/auth/dev/people');
  expect(list.status).toBe(200);
  const items = (list.body as { items: { id: string; roles: string[]; unit?: string }[] }).items;
  expect(items.filter((p) => p.roles.includes('handler')).map((p) => p.unit)).toEqual(h.units.units.map((u) => u.code));
  for (const role of ['operator', 'dispatcher', 'reviewer', 'supervisor', 'admin'])
    expect(items.some((p) => p.roles.includes(role))).toBe(true);

  const login = await dev.api('POST', '/auth/dev/login', { body: { id: 'demo-handler-transport' } });
  expect(login.status).toBe(200);
  const { token, expiresAt } = login.body as { token: string; expiresAt: string };
  expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(7 * 3_600_000);
  const me = await dev.api('GET', '/me', { token });
  expect(me.body).toMatchObject({ id: 'demo-handler-transport', roles: ['handler'], unit: 'transport', unitName: '县交通运输局' });

  const unknown = await dev.api('POST', '/auth/dev/login', { body: { id: 'nobody' } });
  expect(unknown.status).toBe(400);
  expect(JSON.stringify(unknown.body)).toContain('"field":"id"');
  expect((await dev.api('POST', '/auth/dev/login', { body: { id: 'demo-admin', roles: ['admin'] } })).status).toBe(400);

  // The default app (as in production): no development login.
  expect((await h.api('GET', '/auth/dev/people')).status).toBe(404);
  expect((await h.api('POST', '/auth/dev/login', { body: { id: 'demo-admin' } })).status).toBe(404);
  expect((await h.api('GET', '/me')).status).toBe(401);
  expect((await h.api('GET', '/me', { token: people.supervisor })).body).toMatchObject({ id: people.supervisor.id, unitName: null });
});
