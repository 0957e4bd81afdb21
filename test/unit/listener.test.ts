/** observability/listener.ts: a process's small listener for machines — its pages, GET only, and a taken port said plainly. */
import { ConfigError } from '../../config/errors';
import { startListener, type Listener } from '../../observability/listener';

const pages = { '/metrics': async () => ({ status: 200, contentType: 'text/plain; version=0.0.4', body: 'up 1\n' }) };

test('serves its pages to GET and HEAD, nothing else', async () => {
  const listener = await startListener({ host: '127.0.0.1', port: 0, variable: 'HUIYING_METRICS_PORT', pages });
  try {
    const res = await fetch(`${listener.url}/metrics?ignored=1`);
    expect([res.status, res.headers.get('content-type'), res.headers.get('cache-control'), await res.text()]).toEqual([
      200,
      'text/plain; version=0.0.4',
      'no-store',
      'up 1\n',
    ]);
    expect(await (await fetch(`${listener.url}/metrics`, { method: 'HEAD' })).text()).toBe('');
    expect((await fetch(`${listener.url}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await fetch(`${listener.url}/health`)).status).toBe(404);
    expect((await fetch(`${listener.url}/constructor`)).status).toBe(404);
  } finally {
    await listener.close();
  }
});

test('a port already taken: a configuration error naming the variable, not a stack trace', async () => {
  const first: Listener = await startListener({ host: '127.0.0.1', port: 0, variable: 'HUIYING_METRICS_PORT', pages });
  try {
    const port = Number(new URL(first.url).port);
    const second = startListener({ host: '127.0.0.1', port, variable: 'HUIYING_WORKER_METRICS_PORT', pages });
    await expect(second).rejects.toThrow(ConfigError);
    await expect(second).rejects.toThrow(
      new RegExp(`HUIYING_WORKER_METRICS_PORT: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`),
    );
  } finally {
    await first.close();
  }
});
