/**
 * `<data dir>/huiying.env`, written by `npm start` once everything answers: the configuration it runs with, as shell
 * `export` lines, and `API`, the address curl examples use. `source` it in another terminal and every `npm run`
 * command (token, temporal, demo, seed, ledger:import, read-model:rebuild) and every curl of the README reaches this
 * running Huiying — its ports, its data dir, its Temporal server — and no other one that runs on the default ports.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { EnvSchema } from '../config/schema';

export const SHELL_ENV_FILE = 'huiying.env';

/** Values never written to the file: they belong in a secret store (or in the data dir's own files, in development). */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|KEY/i;
const HOLDS_A_PASSWORD = new Set(['DATABASE_URL']);

export interface RunningSystem {
  dataDir: string;
  apiPort: number;
  namespace: string;
  /** The Temporal server `npm start` runs on TEMPORAL_PORT (the dev server, or the cluster's frontend); unset: one it did not start. */
  ownTemporal?: { port: number; uiPort: number };
  /** The server it uses when it started none (TEMPORAL_ADDRESS). */
  temporalAddress: string;
  /** The embedded PostgreSQL's port, when it runs that one. */
  embeddedDbPort?: number;
}

/** The file's text for the environment `npm start` was given and what it decided. */
export function shellEnvText(env: Readonly<Record<string, string | undefined>>, system: RunningSystem): string {
  const decided: Record<string, string> = {
    HUIYING_DATA_DIR: system.dataDir,
    PORT: String(system.apiPort),
    TEMPORAL_NAMESPACE: system.namespace,
    // Its port, not its address: `npm start` in a shell that sourced this file starts the same server again.
    ...(system.ownTemporal
      ? { TEMPORAL_PORT: String(system.ownTemporal.port), TEMPORAL_UI_PORT: String(system.ownTemporal.uiPort) }
      : { TEMPORAL_ADDRESS: system.temporalAddress }),
    ...(system.embeddedDbPort !== undefined ? { HUIYING_DB_PORT: String(system.embeddedDbPort) } : {}),
  };
  const given: Record<string, string> = {};
  const withheld: string[] = [];
  for (const name of Object.keys(EnvSchema.shape).sort()) {
    const value = env[name];
    if (value === undefined || value.trim() === '' || name in decided) continue;
    if (SECRET_NAME.test(name) || HOLDS_A_PASSWORD.has(name)) withheld.push(name);
    else given[name] = value;
  }
  const lines = [
    `# Written by \`npm start\` at ${new Date().toISOString()}: the configuration this Huiying runs with.`,
    '# In another shell, `source` this file: `npm run` commands and the README examples then reach this Huiying.',
    ...Object.entries({ ...decided, ...given }).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    `export API=${shellQuote(`http://localhost:${system.apiPort}`)}`,
  ];
  if (withheld.length > 0) {
    lines.push(`# Not written here (secrets): ${withheld.join(', ')}. Set them from where you keep them.`);
  }
  return lines.join('\n') + '\n';
}

/** Writes the file whole (a reader never sees half of it), readable by its owner only, like the data dir's secrets. */
export async function writeShellEnv(dataDir: string, text: string): Promise<string> {
  const file = path.join(dataDir, SHELL_ENV_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, text, { mode: 0o600 });
  await fs.rename(tmp, file);
  return file;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@,+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
