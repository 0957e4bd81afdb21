/**
 * The read model's database in tests: one real PostgreSQL (the embedded binaries `npm start` uses) per jest run,
 * started by globalSetup, with the migrated schema in a template database; each harness gets a database of its
 * own, copied from the template in milliseconds, and drops it at teardown. Outside jest (the benchmarks) the first
 * harness starts a server for its process, which `stopOwnTestPostgres` stops.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { createDb, type Db } from '../../db/pool';
import { getFreePort } from '../../scripts/ports';

/** Set by globalSetup: the URL of the test server's `postgres` database (superuser). */
export const DATABASE_ENV = 'HUIYING_TEST_DATABASE_URL';
const TEMPLATE = 'huiying_template';
const TEST_DATA = path.resolve(__dirname, '..', '..', '.test-data');

export interface TestPostgres extends EmbeddedPostgres {
  dir: string;
}

/** A fresh server in .test-data with the schema migrated into the template database. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = path.join(TEST_DATA, `postgres-${process.pid}-${Date.now()}`);
  const server = await startEmbeddedPostgres({ dir, port: await getFreePort(), password: 'huiying-test' });
  try {
    await withAdmin(server.url, (admin) => admin.query(`CREATE DATABASE ${TEMPLATE}`));
    await migrate(databaseUrl(server.url, TEMPLATE));
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw err;
  }
  return {
    dir,
    url: server.url,
    stop: async () => {
      await server.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

let ownServer: Promise<TestPostgres> | undefined;

/** The server's admin URL: jest's (globalSetup), or one started for this process on first use. */
async function serverUrl(): Promise<string> {
  const fromJest = process.env[DATABASE_ENV];
  if (fromJest) return fromJest;
  ownServer ??= startTestPostgres();
  return (await ownServer).url;
}

/**
 * Stops the server `serverUrl` started for this process, if it did. Whoever ran a harness outside jest calls it at the
 * end: the server's child process keeps the event loop alive, so the process would never exit by itself.
 */
export async function stopOwnTestPostgres(): Promise<void> {
  const server = ownServer;
  ownServer = undefined;
  if (server) await (await server).stop();
}

export interface TestDatabase {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

/** A database of its own, with the current schema, for one harness. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = await serverUrl();
  const name = `t_${randomUUID().replace(/-/g, '')}`;
  await withAdmin(admin, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`));
  const url = databaseUrl(admin, name);
  const db = createDb(url, { max: 5 });
  return {
    db,
    url,
    drop: async () => {
      await db.end();
      await withAdmin(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
