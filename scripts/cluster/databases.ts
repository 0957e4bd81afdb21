/**
 * Temporal's two databases (its state and its visibility) on a PostgreSQL server, set up with its own SQL tool:
 * created when missing, then the schema brought to the version the server expects. Safe to run at every start: the
 * tool skips what is done (an existing version table, versions already applied).
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import type { SqlServer } from './server-config';

export interface TemporalDatabases {
  temporal: string;
  visibility: string;
}

export const DEFAULT_TEMPORAL_DATABASES: TemporalDatabases = { temporal: 'temporal', visibility: 'temporal_visibility' };

/** Host, port and credentials of a PostgreSQL URL (its database is where the existence check connects). */
export function sqlServerOf(url: string): SqlServer {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

export async function ensureTemporalDatabases(o: {
  sqlTool: string;
  schemas: { temporal: string; visibility: string };
  /** A URL of the server as a user that may create databases. */
  adminUrl: string;
  databases: TemporalDatabases;
  log: (line: string) => void;
}): Promise<void> {
  const server = sqlServerOf(o.adminUrl);
  const existing = await existingDatabases(o.adminUrl, [o.databases.temporal, o.databases.visibility]);
  for (const which of ['temporal', 'visibility'] as const) {
    const database = o.databases[which];
    const tool = (...args: string[]) => runSqlTool(o.sqlTool, server, database, args);
    if (!existing.has(database)) {
      o.log(`creating the database ${database} for Temporal ...`);
      await tool('create-database');
    }
    await tool('setup-schema', '-v', '0.0');
    await tool('update-schema', '-d', o.schemas[which]);
  }
}

async function existingDatabases(adminUrl: string, names: string[]): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names]);
    return new Set(rows.map((r) => r.datname));
  } finally {
    await client.end();
  }
}

/** The password goes by environment, not argument: arguments are visible to every user in `ps`. */
function runSqlTool(tool: string, server: SqlServer, database: string, args: string[]): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...withoutTemporalVariables(process.env),
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: server.host,
    SQL_PORT: String(server.port),
    SQL_USER: server.user,
    SQL_PASSWORD: server.password,
    SQL_DATABASE: database,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', (code) => {
      // The tool logs every statement at DEBUG: shown only when it failed.
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `temporal sql ${args.join(' ')} on ${database} failed (exit ${code}):\n${output.trimEnd().split('\n').slice(-15).join('\n')}`,
          ),
        );
    });
  });
}

/** Ours (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE…) are meant for our clients; Temporal's tools read some of that prefix. */
export function withoutTemporalVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('TEMPORAL_')));
}
