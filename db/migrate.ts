import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
export const MIGRATIONS_DIR = path.join(ROOT, 'db', 'migrations');

/**
 * Brings the database at `url` up to the newest schema with node-pg-migrate (SQL files in db/migrations, applied in
 * order, each once, recorded in `pgmigrations`, under an advisory lock so that two processes starting together do
 * not both migrate). Its CLI runs in a child process: the tool is an ES module that jest's CommonJS cannot load.
 */
export function migrate(url: string, opts: { log?: (line: string) => void } = {}): Promise<void> {
  const cli = require.resolve('node-pg-migrate/bin/node-pg-migrate');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'up', '--migrations-dir', MIGRATIONS_DIR, '--verbose', 'false', '--check-order'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) {
        for (const line of output.split('\n').filter((l) => /^(> )?Migrating|MIGRATION .* \(UP\)/.test(l))) opts.log?.(line);
        resolve();
      } else reject(new Error(`database migration failed (exit ${code}):\n${output.slice(-4000)}`));
    });
  });
}
