/**
 * The development OpenID provider (scripts/dev-sso.ts) in a process of its own, as a county's single sign-on would
 * be: `oidc-provider` ships only ES modules, which jest's CommonJS runtime cannot load, so tests run the script itself.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'dev-sso.ts');
const READY = 'dev-sso ready ';

export interface DevSsoProcess {
  issuer: string;
  jwksUrl: string;
  clientId: string;
  audience: string;
  close(): Promise<void>;
}

export async function startDevSsoProcess(opts: { port: number; redirectUri: string; audience: string }): Promise<DevSsoProcess> {
  const args = ['--import', 'tsx', SCRIPT, '--port', String(opts.port), '--host', '127.0.0.1'];
  args.push('--redirect-uri', opts.redirectUri, '--audience', opts.audience);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Omit<DevSsoProcess, 'close'>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the dev OpenID provider did not start in 30 s:\n${output.join('')}`)), 30_000);
    void exited.then(() => reject(new Error(`the dev OpenID provider exited:\n${output.join('')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(READY)) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(READY.length)) as Omit<DevSsoProcess, 'close'>);
    });
  }).catch((err: unknown) => {
    child.kill();
    throw err;
  });
  return {
    ...ready,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
