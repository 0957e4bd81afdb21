/**
 * The real Temporal server and its SQL schema tool, pinned to one version, built from the Go module proxy the first
 * time (`go install`, about 8 minutes on two cores) and kept in a machine-wide cache outside the checkout — a CI run in
 * a fresh clone finds them there — with the PostgreSQL schemas the module ships beside them, so that later runs need
 * neither Go nor the module cache:
 *
 *   ${HUIYING_TEMPORAL_SERVER_CACHE:-${XDG_CACHE_HOME:-~/.cache}/huiying/temporal-server}/<version>/
 *     server, sql, schema/postgresql/v12/{temporal,visibility}/versioned/
 *
 * Run directly (`npm run setup:temporal-server`) to build or find them and print the paths.
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withDirLock } from '../dir-lock';

/** The server version Huiying runs on a cluster: README "Running on a Temporal cluster". */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';
const COMMANDS = { server: 'cmd/server', sql: 'cmd/tools/sql' } as const;
/** Under the module and under the cache folder alike. */
const SCHEMAS = { temporal: 'schema/postgresql/v12/temporal/versioned', visibility: 'schema/postgresql/v12/visibility/versioned' };
const MARKER = 'huiying-build.json';
/** A cold `go install` of both on two cores took about 8.5 minutes; a slow proxy may take longer. */
const BUILD_LOCK_TIMEOUT_MS = 45 * 60_000;

export interface TemporalServerBinaries {
  version: string;
  dir: string;
  server: string;
  sql: string;
  /** The `versioned` folders `sql update-schema -d` reads. */
  schemas: { temporal: string; visibility: string };
}

/** The folder holding one folder per version: HUIYING_TEMPORAL_SERVER_CACHE, else the XDG cache. */
export function serverCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const own = env.HUIYING_TEMPORAL_SERVER_CACHE?.trim();
  if (own) return path.resolve(own);
  const xdg = env.XDG_CACHE_HOME?.trim();
  return path.join(xdg ? path.resolve(xdg) : path.join(os.homedir(), '.cache'), 'huiying', 'temporal-server');
}

export async function ensureTemporalServer(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  version: string = TEMPORAL_SERVER_VERSION,
): Promise<TemporalServerBinaries> {
  const dir = path.join(serverCacheRoot(), version);
  const found = binariesIn(dir, version);
  if (await isComplete(found)) return found;
  // Parallel starts (npm start beside a test run, jest's workers) must not build twice.
  await withDirLock(
    `${dir}.lock`,
    async () => {
      if (await isComplete(found)) return;
      await fs.mkdir(dir, { recursive: true });
      await build(dir, version, log);
    },
    { timeoutMs: BUILD_LOCK_TIMEOUT_MS },
  );
  if (!(await isComplete(found))) throw new Error(`the Temporal server ${version} in ${dir} is incomplete after its build`);
  return found;
}

function binariesIn(dir: string, version: string): TemporalServerBinaries {
  return {
    version,
    dir,
    server: path.join(dir, 'server'),
    sql: path.join(dir, 'sql'),
    schemas: { temporal: path.join(dir, SCHEMAS.temporal), visibility: path.join(dir, SCHEMAS.visibility) },
  };
}

/** The marker is written last, so a build that was cut off is done again rather than trusted. */
async function isComplete(b: TemporalServerBinaries): Promise<boolean> {
  try {
    const marker = JSON.parse(await fs.readFile(path.join(b.dir, MARKER), 'utf8')) as { version?: string };
    if (marker.version !== b.version) return false;
    await fs.access(b.server, fsConstants.X_OK);
    await fs.access(b.sql, fsConstants.X_OK);
    return (await fs.stat(b.schemas.temporal)).isDirectory() && (await fs.stat(b.schemas.visibility)).isDirectory();
  } catch {
    return false;
  }
}

async function build(dir: string, version: string, log: (line: string) => void): Promise<void> {
  const go = await findGo();
  const target = binariesIn(dir, version);
  for (const [name, command] of Object.entries(COMMANDS) as [keyof typeof COMMANDS, string][]) {
    if (await isExecutable(target[name])) continue;
    // Built beside the cache and moved in whole: a half-written binary is never at its final path.
    const staging = await fs.mkdtemp(path.join(dir, `.build-${name}-`));
    try {
      log(
        `building the Temporal ${name === 'server' ? 'server' : 'SQL tool'} ${version} with ${go.version} (go install; minutes the first time) ...`,
      );
      const started = Date.now();
      await run(go.path, ['install', `${MODULE}/${command}@${version}`], { GOBIN: staging, CGO_ENABLED: '0' });
      await fs.rename(path.join(staging, path.basename(command)), target[name]);
      log(`built ${target[name]} in ${Math.round((Date.now() - started) / 1000)} s`);
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }
  // The schemas are in the module go install just fetched (or fetches now, when the binaries were put here by hand).
  const moduleDir = JSON.parse(await run(go.path, ['mod', 'download', '-json', `${MODULE}@${version}`], {})).Dir as string;
  for (const which of ['temporal', 'visibility'] as const) {
    const staging = `${target.schemas[which]}.copy-${process.pid}`;
    await fs.rm(staging, { recursive: true, force: true });
    await fs.mkdir(path.dirname(staging), { recursive: true });
    await fs.cp(path.join(moduleDir, SCHEMAS[which]), staging, { recursive: true });
    // The module cache is read-only: the copy should not be.
    await run('chmod', ['-R', 'u+w', staging], {});
    await fs.rm(target.schemas[which], { recursive: true, force: true });
    await fs.rename(staging, target.schemas[which]);
  }
  const marker = { version, go: go.version, module: `${MODULE}@${version}`, builtAt: new Date().toISOString() };
  await fs.writeFile(path.join(dir, `${MARKER}.tmp`), JSON.stringify(marker, null, 2) + '\n');
  await fs.rename(path.join(dir, `${MARKER}.tmp`), path.join(dir, MARKER));
}

async function findGo(): Promise<{ path: string; version: string }> {
  for (const candidate of ['go', '/usr/local/go/bin/go']) {
    try {
      const version = (await run(candidate, ['env', 'GOVERSION'], {})).trim();
      return { path: candidate, version };
    } catch {
      // Not there: the next one.
    }
  }
  throw new Error(
    `building the Temporal server ${TEMPORAL_SERVER_VERSION} needs Go 1.25 or newer (https://go.dev/dl/), or its binaries ` +
      `copied into ${path.join(serverCacheRoot(), TEMPORAL_SERVER_VERSION)} (README "Running on a Temporal cluster")`,
  );
}

/** Resolves with stdout; rejects with the last lines of the output when the command fails or cannot start. */
function run(command: string, args: string[], extraEnv: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    // Outside any Go module or workspace of the caller's: `go install pkg@version` and `go mod download` ignore it then.
    const child = spawn(command, args, { cwd: os.tmpdir(), env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${output.trimEnd().split('\n').slice(-30).join('\n')}`));
    });
  });
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.access(file, fsConstants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

if (require.main === module) {
  ensureTemporalServer().then(
    (b) => {
      console.log(`Temporal server ${b.version}: ${b.server}`);
      console.log(`SQL tool:              ${b.sql}`);
      console.log(`schemas:               ${path.dirname(b.schemas.temporal)}, ${path.dirname(b.schemas.visibility)}`);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
