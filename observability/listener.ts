/**
 * A process's own small HTTP listener for machines, apart from the public API: `/metrics` for a Prometheus scraper
 * (and, in the worker, `/health/live` and `/health/ready` for an orchestrator). Bound to HUIYING_METRICS_HOST
 * (default 127.0.0.1, this machine only); GET only; nothing else is served.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../config/errors';
import { log } from './logger';

export interface Page {
  status: number;
  contentType: string;
  body: string;
}

export interface Listener {
  /** `http://host:port`, as bound. */
  url: string;
  close(): Promise<void>;
}

export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Serves `pages` (path → what answers it) on host:port; `variable` names the setting the port came from, for the
 * message when it is taken. Port 0 takes a free one (tests).
 */
export async function startListener(opts: {
  host: string;
  port: number;
  variable: string;
  pages: Record<string, () => Promise<Page>>;
}): Promise<Listener> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const page = Object.hasOwn(opts.pages, path) ? opts.pages[path] : undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(page ? 405 : 404, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    page().then(
      (p) =>
        res
          .writeHead(p.status, { 'content-type': p.contentType, 'cache-control': 'no-store' })
          .end(req.method === 'HEAD' ? undefined : p.body),
      (err: unknown) => {
        log().error({ path, err }, `the metrics listener could not answer ${path}`);
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
      },
    );
  });
  await listen(server, opts);
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, opts: { host: string; port: number; variable: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      // Taken, privileged, or not an address of this machine: the operator's to fix, in one line.
      const taken = ['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND'].includes(err.code ?? '');
      const message = `cannot listen on ${opts.host}:${opts.port} (${err.code}): choose another port (or HUIYING_METRICS_HOST), or off for none`;
      reject(taken ? new ConfigError([{ variable: opts.variable, message }]) : err);
    });
    server.listen(opts.port, opts.host, () => resolve());
  });
}
