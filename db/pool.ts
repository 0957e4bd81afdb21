import pg from 'pg';
import { log } from '../observability/logger';

export type Db = pg.Pool;

/** One pool per process, closed by whoever opened it. Timestamps come back as ISO strings, never local Dates. */
export function createDb(url: string, opts: { max?: number } = {}): Db {
  return new pg.Pool({ connectionString: url, max: opts.max ?? 10, idleTimeoutMillis: 30_000 });
}

// timestamptz (1184) as an ISO instant string: summaries carry strings, and the process time zone must not matter.
pg.types.setTypeParser(1184, (value) => new Date(value).toISOString());

/** The read model's pool for an entry point: DATABASE_URL, which `npm start` sets to its embedded database. */
export function openDb(url: string | undefined, who: string): Db {
  if (!url) {
    throw new Error(
      `${who} needs the read model's database: set DATABASE_URL (postgres://…), or run \`npm start\`, which starts the embedded one and sets it`,
    );
  }
  const db = createDb(url);
  // An idle connection the server drops (it restarts, or stops first at Ctrl-C) is an 'error' on the pool; without a
  // listener it would kill the process with a dump of the whole client. The pool opens a new connection when needed.
  db.on('error', (err) => log().warn({ err }, `${who}: the database dropped an idle connection`));
  return db;
}
