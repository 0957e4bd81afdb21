/**
 * The console's production bundle (console/dist): `npm run build` makes it; `npm start` and the tests call
 * `ensureConsoleBuilt`, which builds it only when it is missing or older than any of its sources.
 */
import { spawn } from 'node:child_process';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/paths';

const CONSOLE = path.join(PROJECT_ROOT, 'console');
const BUILT_PAGE = path.join(CONSOLE, 'dist', 'index.html');
/** What the bundle is made of: the console's own sources and the domain it imports (labels, schemas, rules). */
const SOURCES = [
  path.join(CONSOLE, 'src'),
  path.join(CONSOLE, 'index.html'),
  path.join(CONSOLE, 'vite.config.mts'),
  path.join(PROJECT_ROOT, 'domain'),
];

async function newestMtime(p: string): Promise<number> {
  const stat = await fs.stat(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  const entries = await fs.readdir(p);
  const times = await Promise.all(entries.map((e) => newestMtime(path.join(p, e))));
  return Math.max(stat.mtimeMs, ...times);
}

/** Whether console/dist is missing or older than a source file. */
export async function consoleIsStale(): Promise<boolean> {
  const built = await fs.stat(BUILT_PAGE).then(
    (s) => s.mtimeMs,
    () => null,
  );
  if (built === null) return true;
  const sources = await Promise.all(SOURCES.map(newestMtime));
  return Math.max(...sources) > built;
}

/** Runs Vite's production build of the console (a few seconds), then compresses its scripts and styles once. */
export async function buildConsole(): Promise<void> {
  await viteBuild();
  await precompress(path.join(CONSOLE, 'dist', 'assets'));
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * Brotli and gzip copies beside each script and style (`x.js.br`, `x.js.gz`), made once at build time at the
 * strongest settings, which the API serves to browsers that accept them (api/console.ts): no compression per request.
 */
async function precompress(dir: string): Promise<void> {
  const files = (await fs.readdir(dir)).filter((f) => /\.(js|css)$/.test(f));
  await Promise.all(
    files.map(async (f) => {
      const content = await fs.readFile(path.join(dir, f));
      await fs.writeFile(path.join(dir, `${f}.br`), await brotli(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
      await fs.writeFile(path.join(dir, `${f}.gz`), await gzip(content, { level: 9 }));
    }),
  );
}

function viteBuild(): Promise<void> {
  const vite = path.join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', path.join(CONSOLE, 'vite.config.mts'), '--logLevel', 'warn'], {
      cwd: PROJECT_ROOT,
      // Vite bakes NODE_ENV into the bundle: under jest (NODE_ENV=test) it would ship React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the console's build failed (vite exited ${code})`))));
  });
}

export async function ensureConsoleBuilt(log: (line: string) => void = () => undefined): Promise<void> {
  if (!(await consoleIsStale())) return;
  log('building the console (console/dist) ...');
  await buildConsole();
}

if (require.main === module) {
  buildConsole().catch((err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
