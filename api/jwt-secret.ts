/**
 * Where the HS256 signing secret comes from: AUTH_JWT_SECRET in production, otherwise a random per-checkout
 * secret kept in the data dir so that tokens minted by `npm run token` keep working across restarts.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MIN_JWT_SECRET_LENGTH } from '../config/defaults';

export const DEV_JWT_SECRET_FILE = 'dev-jwt-secret';

/** `secret`: AUTH_JWT_SECRET (`Config.jwtSecret`); without it, the development secret file in `dataDir`. */
export function resolveJwtSecret(opts: { secret?: string; dataDir: string; createIfMissing: boolean }): string {
  const { secret } = opts;
  if (secret !== undefined && secret !== '') {
    if (secret.length < MIN_JWT_SECRET_LENGTH) {
      throw new Error(`AUTH_JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters long`);
    }
    return secret;
  }

  const file = path.join(opts.dataDir, DEV_JWT_SECRET_FILE);
  const existing = readSecretFile(file);
  if (existing !== undefined) return existing;
  if (!opts.createIfMissing) {
    throw new Error(
      `no JWT secret: set AUTH_JWT_SECRET (at least ${MIN_JWT_SECRET_LENGTH} characters) or run \`npm start\` once to create ${file}`,
    );
  }

  fs.mkdirSync(opts.dataDir, { recursive: true });
  try {
    // 'wx': when two processes race to create it, the loser reads the winner's secret below.
    fs.writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const created = readSecretFile(file);
  if (created === undefined) throw new Error(`could not create ${file}`);
  return created;
}

function readSecretFile(file: string): string | undefined {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (content.length < MIN_JWT_SECRET_LENGTH) {
    throw new Error(`${file} holds fewer than ${MIN_JWT_SECRET_LENGTH} characters: delete it to have a new one made`);
  }
  return content;
}
