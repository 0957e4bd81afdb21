import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { PROJECT_ROOT } from '../config/paths';
import { authorize } from './auth';
import { ApiError } from './errors';

/** Where `npm run build` puts the console (console/vite.config.ts); `npm start` builds it when missing or stale. */
export const CONSOLE_DIST = path.join(PROJECT_ROOT, 'console', 'dist');

/** The placeholder in console/index.html that each answer replaces with its own nonce (see `pageCsp`). */
const NONCE_PLACEHOLDER = '__CSP_NONCE__';

/**
 * The console's content security policy: scripts only from this origin (no inline script at all), styles from this
 * origin or carrying this answer's nonce (Ant Design writes its styles at run time and is given the nonce), every
 * request to this origin only, no framing, no plugins, no base or form target elsewhere.
 */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The web console (console/): its page at `/` and its hashed assets under `/assets/`. Each answer of the page gets a
 * fresh nonce for its styles. Everything the console shows, it asks of the API like anyone else.
 */
export function consoleRoutes(dist = CONSOLE_DIST): Router {
  const router = Router();
  // Read again only when a build replaced it (its assets' names change with every build).
  let page: { html: string; mtimeMs: number } | undefined;
  const readPage = (): string => {
    const file = path.join(dist, 'index.html');
    try {
      const { mtimeMs } = fs.statSync(file);
      if (page?.mtimeMs !== mtimeMs) page = { html: fs.readFileSync(file, 'utf8'), mtimeMs };
    } catch {
      throw new ApiError('unavailable', 'the console is not built: run `npm run build` (npm start builds it by itself)');
    }
    return page.html;
  };
  router.get('/', authorize('GET /'), (_req, res) => {
    const html = readPage();
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', pageCsp(nonce));
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(html.replaceAll(NONCE_PLACEHOLDER, nonce));
  });
  // Names carry a content hash (Vite), so they may be cached for good; a missing one is a plain 404.
  router.get(
    '/assets/*path',
    authorize('GET /assets/*path'),
    express.static(dist, { index: false, immutable: true, maxAge: '365d', fallthrough: true }),
  );
  return router;
}
