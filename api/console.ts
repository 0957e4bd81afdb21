import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { PROJECT_ROOT } from '../config/paths';
import { authorize } from './auth';
import { ApiError } from './errors';

/** Where `npm run build` puts the console (console/vite.config.mts); `npm start` builds it when missing or stale. */
export const CONSOLE_DIST = path.join(PROJECT_ROOT, 'console', 'dist');

/** The placeholder in console/index.html that each answer replaces with its own nonce (see `pageCsp`). */
const NONCE_PLACEHOLDER = '__CSP_NONCE__';

/**
 * The console's content security policy: scripts only from this origin (no inline script at all), styles from this
 * origin or carrying this answer's nonce (Ant Design writes its styles at run time and is given the nonce), every
 * request to this origin only — and to the single sign-on's origin when there is one (`ssoOrigin`: the console reads
 * its discovery document and exchanges the code at its token endpoint) — no framing, no plugins, no base or form
 * target elsewhere.
 */
export function pageCsp(nonce: string, ssoOrigin?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    ssoOrigin ? `connect-src 'self' ${ssoOrigin}` : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Content-Encoding → the suffix of the copy scripts/console-build.ts made, best first. */
const ENCODINGS = [
  ['br', '.br'],
  ['gzip', '.gz'],
] as const;

/**
 * A script or style as its build-time Brotli or gzip copy when the browser accepts one; anything else falls through
 * to the plain file.
 */
function precompressed(dist: string): RequestHandler {
  return (req, res, next) => {
    const ext = path.extname(req.path);
    if (ext !== '.js' && ext !== '.css') return next();
    const file = path.join(dist, path.normalize(req.path));
    if (!file.startsWith(path.join(dist, 'assets') + path.sep)) return next();
    // Ours first (Brotli is smaller), among what the browser accepts at all.
    const chosen = ENCODINGS.find(([e, suffix]) => req.acceptsEncodings(e) === e && fs.existsSync(file + suffix));
    if (!chosen) return next();
    res.setHeader('Content-Encoding', chosen[0]);
    res.setHeader('Vary', 'Accept-Encoding');
    res.type(ext);
    res.sendFile(
      file + chosen[1],
      { immutable: true, maxAge: '365d', headers: { 'Content-Type': res.getHeader('Content-Type') } },
      (err) => {
        if (err) next(err);
      },
    );
  };
}

/**
 * The web console (console/): its page at `/` and its hashed assets under `/assets/`. Each answer of the page gets a
 * fresh nonce for its styles. The single sign-on sends people back to `/` with `?code=&state=`, which the console reads.
 * Everything the console shows, it asks of the API like anyone else.
 */
export function consoleRoutes(dist = CONSOLE_DIST, opts: { ssoIssuer?: string } = {}): Router {
  const router = Router();
  // Only the origin: a path in a CSP source would allow that path alone, and the token endpoint is elsewhere.
  const ssoOrigin = opts.ssoIssuer ? new URL(opts.ssoIssuer).origin : undefined;
  // Read again only when a build replaced it (its assets' names change with every build).
  let page: { html: string; mtimeMs: number } | undefined;
  const readPage = (): string => {
    const file = path.join(dist, 'index.html');
    try {
      const { mtimeMs } = fs.statSync(file);
      if (page?.mtimeMs !== mtimeMs) page = { html: fs.readFileSync(file, 'utf8'), mtimeMs };
    } catch {
      throw new ApiError('unavailable', '控制台尚未构建：请运行 `npm run build`（npm start 会自动构建）');
    }
    return page.html;
  };
  router.get('/', authorize('GET /'), (_req, res) => {
    const html = readPage();
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', pageCsp(nonce, ssoOrigin));
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(html.replaceAll(NONCE_PLACEHOLDER, nonce));
  });
  // Names carry a content hash (Vite), so they may be cached for good; a missing one is a plain 404.
  router.get(
    '/assets/*path',
    authorize('GET /assets/*path'),
    precompressed(dist),
    express.static(dist, { index: false, immutable: true, maxAge: '365d', fallthrough: true }),
    // An asset that is not there is not found, whoever asks: it never falls through to the API's token check.
    (_req, _res, next) => next(new ApiError('not_found', '没有这个静态文件')),
  );
  return router;
}

/** Documentation of the console's routes, merged into the OpenAPI document. */
export const consoleOpenApiPaths: Record<string, unknown> = {
  '/': {
    get: {
      summary: "the web console's page (HTML; scripts and styles under /assets/), with its content security policy",
      responses: { '200': { description: 'text/html' }, '503': { description: 'the console is not built yet (npm run build)' } },
    },
  },
  '/assets/{path}': {
    get: {
      summary: "one of the console's content-hashed scripts or styles (Brotli or gzip when accepted; cached for good)",
      parameters: [{ name: 'path', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': { description: 'the file' }, '404': { description: 'not_found' } },
    },
  },
};
