/**
 * moto, a real S3-compatible server (the AWS API as moto's Flask server answers it), for the tests of the S3 blob
 * store: installed from PyPI, pinned, into a venv of its own under .test-data/ (git-ignored), as the Temporal
 * binaries are (scripts/temporal-binaries.ts). `npm run setup:moto` installs it and prints the server's path; the
 * tests call `ensureMotoServer()`, which is instant once it is installed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withDirLock } from './dir-lock';

/** `moto[server]` brings Flask and the S3 backend; pinned so that every machine runs the same server. */
export const MOTO_VERSION = '5.2.5';

const VENV_DIR = path.resolve(__dirname, '..', '.test-data', 'moto-venv');
const BIN = path.join(VENV_DIR, process.platform === 'win32' ? 'Scripts' : 'bin');
const PYTHON = path.join(BIN, 'python');
const SERVER = path.join(BIN, 'moto_server');
const MARKER = path.join(VENV_DIR, 'huiying-moto-pin.txt');
const LOCK = path.join(os.tmpdir(), 'huiying-moto-venv.lock');
const HINT = 'moto is installed from PyPI with Python 3, venv and pip: apt-get install python3 python3-venv python3-pip';

/** The path of `moto_server`, installing moto first if this machine lacks it; a failure says what to install. */
export async function ensureMotoServer(): Promise<string> {
  if (await installed()) return SERVER;
  await withDirLock(LOCK, async () => {
    if (!(await installed())) await install();
  });
  return SERVER;
}

async function installed(): Promise<boolean> {
  try {
    await fs.access(SERVER);
    return (await fs.readFile(MARKER, 'utf8')).trim() === MOTO_VERSION;
  } catch {
    return false;
  }
}

async function install(): Promise<void> {
  process.stderr.write(`Installing moto[server]==${MOTO_VERSION} into ${VENV_DIR} ...\n`);
  await fs.rm(VENV_DIR, { recursive: true, force: true });
  await fs.mkdir(path.dirname(VENV_DIR), { recursive: true });
  const python = process.env.PYTHON ?? 'python3';
  await runChecked(python, ['-m', 'venv', VENV_DIR], `could not create a Python venv with ${python} (${HINT})`);
  await runChecked(
    PYTHON,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `moto[server]==${MOTO_VERSION}`],
    `pip could not install moto[server]==${MOTO_VERSION} (${HINT}; PyPI must be reachable)`,
  );
  await fs.access(SERVER).catch(() => {
    throw new Error(`pip installed moto but ${SERVER} is missing`);
  });
  await fs.writeFile(MARKER, `${MOTO_VERSION}\n`);
}

function runChecked(command: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err) => reject(new Error(`${what}: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${what} (exit ${code}):\n${output.trimEnd().split('\n').slice(-20).join('\n')}`));
    });
  });
}

if (require.main === module) {
  ensureMotoServer().then(
    (server) => console.log(`moto_server: ${server}`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
