/**
 * `npm run token -- --sub op1 --name 张三 --role operator [--role dispatcher | --role a,b] [--unit CODE]
 *  [--levels 1,2] [--expires 8h]`
 * Mints a development bearer token for the API. The token is alone on the last line so scripts can take it
 * with `tail -n 1`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEV_JWT_SECRET_FILE, resolveJwtSecret } from '../api/jwt-secret';
import { loadConfig } from '../config';
import { signToken, type TokenClaims } from '../api/tokens';

export const ROLES = ['operator', 'dispatcher', 'handler', 'reviewer', 'supervisor', 'admin'] as const;
const REVIEW_LEVELS = [1, 2, 3];

const USAGE =
  'usage: npm run token -- --sub ID --name NAME --role ROLE [--role ROLE2 | --role a,b] [--unit CODE] ' +
  `[--levels 1,2] [--expires 8h]\nroles: ${ROLES.join(', ')}; handler needs --unit, reviewer needs --levels (1-3)`;

export function parseTokenArgs(argv: string[]): { claims: TokenClaims; expiresIn: string } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      unit: { type: 'string' },
      levels: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  if (!values.sub) throw new Error('--sub is required');
  if (!values.name) throw new Error('--name is required');
  const roles = [
    ...new Set(
      (values.role ?? [])
        .flatMap((r) => r.split(','))
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  ];
  if (roles.length === 0) throw new Error('at least one --role is required');
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new Error(`unknown role(s): ${unknown.join(', ')}`);
  if (roles.includes('handler') && !values.unit) throw new Error('role handler requires --unit');

  let levels: number[] | undefined;
  if (values.levels !== undefined) {
    levels = [
      ...new Set(
        values.levels
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean)
          .map(Number),
      ),
    ].sort((a, b) => a - b);
    const bad = levels.filter((l) => !REVIEW_LEVELS.includes(l));
    if (bad.length > 0 || levels.length === 0) throw new Error(`--levels must be a list from ${REVIEW_LEVELS.join(',')}`);
  }
  if (roles.includes('reviewer') && !levels) throw new Error('role reviewer requires --levels (e.g. --levels 1,2)');

  const claims: TokenClaims = { sub: values.sub, name: values.name, roles };
  if (values.unit) claims.unit = values.unit;
  if (levels) claims.levels = levels;
  return { claims, expiresIn: values.expires ?? '8h' };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseTokenArgs>;
  try {
    parsed = parseTokenArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
  const config = loadConfig();
  const devSecret = path.join(config.dataDir, DEV_JWT_SECRET_FILE);
  const fresh = config.jwtSecret === undefined && !existsSync(devSecret);
  const secret = resolveJwtSecret({ secret: config.jwtSecret, dataDir: config.dataDir, createIfMissing: true });
  if (fresh) {
    // No `npm start` has used this data dir, so no running API knows this secret: say so rather than mint a dud quietly.
    console.error(
      `npm run token: created a new development secret, ${devSecret}: no running Huiying accepts tokens signed with it ` +
        'unless `npm start` runs with this HUIYING_DATA_DIR. To reach a running one, source its huiying.env first.',
    );
  }
  const token = await signToken(parsed.claims, secret, parsed.expiresIn);
  const { claims } = parsed;
  const extras = [claims.unit && `unit ${claims.unit}`, claims.levels && `levels ${claims.levels.join(',')}`].filter(Boolean);
  console.log(
    `Bearer token for ${claims.name} (${claims.sub}), roles ${claims.roles.join(',')}` +
      `${extras.length ? `, ${extras.join(', ')}` : ''}, valid ${parsed.expiresIn}:`,
  );
  console.log(token);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
