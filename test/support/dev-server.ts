import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDevServer, type DevServer, type SearchAttributeTypeName } from '../../scripts/dev-server';
import { SEARCH_ATTRIBUTE_TYPES } from '../../temporal/search-attributes';
import { temporalBinaries } from './binaries';

export interface TestDevServer extends DevServer {
  dbFile: string;
  /** The server's output, kept for post-mortems of failing tests. */
  logFile: string;
}

/**
 * A headless dev server on free ports with a db in a fresh temp dir (removed by stop() unless the caller
 * passed its own `dbFile`, e.g. to test a restart). Use it where the time-skipping server falls short:
 * visibility queries, schedules, end-to-end tests.
 */
export async function startTestDevServer(
  searchAttributes: Record<string, SearchAttributeTypeName> = SEARCH_ATTRIBUTE_TYPES,
  opts: { dbFile?: string; namespace?: string } = {},
): Promise<TestDevServer> {
  const { cli } = await temporalBinaries();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-dev-server-'));
  const dbFile = opts.dbFile ?? path.join(dir, 'temporal.db');
  const logFile = path.join(dir, 'server.log');
  let server: DevServer;
  try {
    server = await startDevServer({ cliPath: cli, dbFile, uiPort: null, namespace: opts.namespace, searchAttributes, logFile });
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...server,
    dbFile,
    logFile,
    async stop() {
      await server.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
