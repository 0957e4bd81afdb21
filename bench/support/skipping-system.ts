/**
 * The API where time must pass: the real Express app (`createApp`, as test/e2e/harness.ts builds it) in this process,
 * listening on a free port, against a time-skipping test server with a real worker (test/workflows/helpers.ts:
 * `startHarness`). Its clock starts at the real now, because the API registers cases at its own `new Date()`;
 * `skip(ms)` moves the server's clock on. One per profile: each starts at now.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../api/audit';
import { createApp } from '../../api/app';
import { createCalendar } from '../../domain/calendar';
import { DEFAULT_LIMITS } from '../../domain/limits';
import { DEFAULT_UNITS, UnitDirectory } from '../../domain/units';
import { getFreePort } from '../../scripts/ports';
import { startHarness, type Harness } from '../../test/workflows/helpers';
import { apiClient, type ApiCall } from './http';

export interface SkippingSystem {
  h: Harness;
  api: ApiCall;
  /** Moves the server's clock forward by `ms` (timers due meanwhile fire, in order). */
  skip(ms: number): Promise<void>;
  now(): Promise<number>;
  stop(): Promise<void>;
}

export async function startSkippingSystem(workflowBundle: { code: string }): Promise<SkippingSystem> {
  const h = await startHarness({ workflowBundle });
  let server: Server | undefined;
  let tmp: string | undefined;
  const stop = async () => {
    if (server) {
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    await h.teardown();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  };
  try {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-bench-audit-'));
    const secret = randomBytes(32).toString('hex');
    const app = createApp({
      client: h.client,
      db: h.db,
      taskQueue: h.taskQueue,
      jwtSecret: secret,
      units: new UnitDirectory(DEFAULT_UNITS),
      ledgerPrefix: 'LZ',
      calendar: createCalendar(),
      limits: DEFAULT_LIMITS,
      audit: new AuditLog(tmp),
      rateLimits: { intakePerWindow: 0, anonymousPerWindow: 0, windowMs: 60_000 },
    });
    const port = await getFreePort();
    server = createServer(app);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
    return {
      h,
      api: apiClient(`http://127.0.0.1:${port}`, secret),
      skip: (ms) => h.env.sleep(ms),
      now: () => h.env.currentTimeMs(),
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
