/**
 * Every environment variable Huiying reads, what each becomes, and its default: the one place they are defined
 * (README "Configuration" lists the same). `loadConfig` (config/index.ts) parses the environment with this once
 * per process; the entry points hand the pieces down. The `Config` type is inferred from here.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_ATTACHMENT_LIMITS,
  DEFAULT_AUTH_SCOPE,
  DEFAULT_CLOCK_SKEW_S,
  DEFAULT_MAX_TOKEN_HOURS,
  DEFAULT_INTAKE_SWEEP,
  DEFAULT_PUBLIC_ACCESS,
  DEFAULT_WORKER_CACHED_CASES,
  DEFAULT_WORKER_HEAP_MB,
  DEFAULT_METRICS_HOST,
  DEFAULT_METRICS_PORT,
  DEFAULT_WORKER_METRICS_PORT,
  LOG_LEVELS,
  DEFAULT_RATE_LIMITS,
  MAX_ATTACHMENT_MB,
  MAX_CLOCK_SKEW_S,
  MAX_MAX_TOKEN_HOURS,
  MAX_INTAKE_SWEEP_EVERY_S,
  MAX_INTAKE_SWEEP_MIN_AGE_S,
  MIN_JWT_SECRET_LENGTH,
} from './defaults';
import { oneOf, origins, pathList, port, portOrOff, postgresUrl, secret, text, textOr, trustProxy, url, wholeNumber } from './env-values';
import { parsePayloadKeys } from './keys';
import { parsePartnerKeys } from './partner-keys';
import { secretValuesIn } from './log-secrets';
import { DEFAULT_DATA_DIR, PROJECT_ROOT } from './paths';
import { mailDomainOf } from '../domain/notification-mail';

const perMinute = (what: string) => ({ min: 0, meaning: `${what} per minute; 0 turns the limit off` });

/** The variables, by name, each with its own parsing rule (config/env-values.ts) and default. */
export const EnvSchema = z.looseObject({
  // Where things run
  NODE_ENV: text(),
  HUIYING_DATA_DIR: text(),
  TEMPORAL_ADDRESS: text(),
  TEMPORAL_NAMESPACE: textOr('default'),
  HUIYING_TASK_QUEUE: textOr('huiying'),
  HUIYING_WORKER_CACHED_CASES: wholeNumber(DEFAULT_WORKER_CACHED_CASES, {
    min: 2,
    max: 100_000,
    meaning: 'case workflows a worker keeps in memory',
  }),
  HUIYING_WORKER_HEAP_MB: wholeNumber(DEFAULT_WORKER_HEAP_MB, {
    min: 128,
    max: 65_536,
    meaning: 'the V8 heap limit in MB of the worker process npm start runs',
  }),
  // The Temporal dev server `npm start` runs when TEMPORAL_ADDRESS is unset, and the two processes it starts
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_UI_CODEC_ENDPOINT: url(),
  HUIYING_WORKER_ENTRY: text(),
  HUIYING_API_ENTRY: text(),
  // The read model's database: a PostgreSQL server, or (unset) the embedded one `npm start` runs in the data dir
  DATABASE_URL: postgresUrl(),
  HUIYING_DB_PORT: port(5433),
  // Logs and metrics (observability/): the level of every process's log; where a scraper finds each one's metrics
  HUIYING_LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  HUIYING_METRICS_HOST: textOr(DEFAULT_METRICS_HOST),
  HUIYING_METRICS_PORT: portOrOff(DEFAULT_METRICS_PORT),
  HUIYING_WORKER_METRICS_PORT: portOrOff(DEFAULT_WORKER_METRICS_PORT),
  // The HTTP API
  PORT: port(3000),
  HUIYING_LEDGER_PREFIX: textOr('LZ'),
  HUIYING_UI_ORIGINS: origins(),
  HUIYING_TRUST_PROXY: trustProxy(),
  HUIYING_RATE_INTAKE_PER_MIN: wholeNumber(DEFAULT_RATE_LIMITS.intakePerWindow, perMinute('registrations per caller')),
  HUIYING_RATE_ANON_PER_MIN: wholeNumber(DEFAULT_RATE_LIMITS.anonymousPerWindow, perMinute('requests without a valid token per address')),
  HUIYING_RATE_PUBLIC_STATUS_PER_MIN: wholeNumber(DEFAULT_PUBLIC_ACCESS.statusPerWindow, perMinute('public status lookups per address')),
  HUIYING_OPEN311_API_KEYS: secret(),
  HUIYING_INTAKE_SWEEP_EVERY_S: wholeNumber(DEFAULT_INTAKE_SWEEP.everyMs / 1000, {
    min: 1,
    max: MAX_INTAKE_SWEEP_EVERY_S,
    meaning: 'seconds between two runs of the intake sweeper',
  }),
  HUIYING_INTAKE_SWEEP_MIN_AGE_S: wholeNumber(DEFAULT_INTAKE_SWEEP.olderThanMs / 1000, {
    min: 1,
    max: MAX_INTAKE_SWEEP_MIN_AGE_S,
    meaning: 'seconds an intake waits before the intake sweeper starts its case',
  }),
  // Authentication
  AUTH_JWT_SECRET: secret({ minLength: MIN_JWT_SECRET_LENGTH }),
  AUTH_CLOCK_SKEW_S: wholeNumber(undefined, {
    min: 0,
    max: MAX_CLOCK_SKEW_S,
    meaning: `seconds clocks may differ by; default ${DEFAULT_CLOCK_SKEW_S}`,
  }),
  AUTH_MAX_TOKEN_HOURS: wholeNumber(undefined, {
    min: 1,
    max: MAX_MAX_TOKEN_HOURS,
    meaning: `hours a token may be valid from its issue; default ${DEFAULT_MAX_TOKEN_HOURS}`,
  }),
  AUTH_JWKS_URL: url(),
  AUTH_ISSUER: text(),
  AUTH_AUDIENCE: text(),
  AUTH_CLIENT_ID: text(),
  AUTH_SCOPE: textOr(DEFAULT_AUTH_SCOPE),
  HUIYING_DEV_LOGIN: oneOf(['auto', 'on', 'off'], 'auto'),
  // Encryption of payloads
  HUIYING_PAYLOAD_KEYS: text(),
  HUIYING_PAYLOAD_KEY_ID: text(),
  // Notifications
  HUIYING_NOTIFIER: oneOf(['outbox', 'webhook'], 'outbox'),
  HUIYING_OUTBOX_DIR: text(),
  HUIYING_WEBHOOK_URL: url(),
  HUIYING_WEBHOOK_TOKEN: secret(),
  HUIYING_NOTIFICATIONS_FILE: text(),
  HUIYING_SMTP_HOST: text(),
  HUIYING_SMTP_PORT: wholeNumber(undefined, { min: 1, max: 65535, meaning: 'a TCP port' }),
  HUIYING_SMTP_SECURE: oneOf(['starttls', 'require-starttls', 'implicit'], 'starttls'),
  HUIYING_SMTP_USER: text(),
  HUIYING_SMTP_PASSWORD: secret(),
  HUIYING_SMTP_FROM: text(),
  HUIYING_SMTP_CA_FILE: text(),
  // The county's own data
  HUIYING_UNITS_FILE: text(),
  HUIYING_LIMITS_FILE: text(),
  HUIYING_CALENDAR_FILES: pathList(),
  // Attachments: where their bytes are kept (encrypted either way), and how many and how large
  HUIYING_BLOBS: oneOf(['local', 's3'], 'local'),
  HUIYING_S3_ENDPOINT: url(),
  HUIYING_S3_BUCKET: text(),
  HUIYING_S3_REGION: textOr('us-east-1'),
  HUIYING_S3_PREFIX: text(),
  HUIYING_ATTACHMENT_MAX_MB: wholeNumber(DEFAULT_ATTACHMENT_LIMITS.maxBytes / 1024 / 1024, {
    min: 1,
    max: MAX_ATTACHMENT_MB,
    meaning: 'the largest attachment in MB',
  }),
  HUIYING_ATTACHMENTS_PER_CASE: wholeNumber(DEFAULT_ATTACHMENT_LIMITS.perCase, { min: 1, max: 1000, meaning: 'attachments per case' }),
});

/**
 * Variables that tooling and tests read themselves, outside any Config: known, so never "unknown", but not
 * parsed here (the tooling runs before and without an entry point: jest's global setup, `npm run setup:temporal`).
 */
export const READ_ELSEWHERE: Readonly<Record<string, string>> = {
  TEMPORAL_CLI_PATH: 'scripts/temporal-binaries.ts: an installed Temporal CLI instead of the project venv',
  TEMPORAL_TEST_SERVER_PATH: 'scripts/temporal-binaries.ts: an installed time-skipping test server',
  TEMPORAL_FAKETIME_LIB: 'scripts/temporal-binaries.ts: an installed libfaketime',
  PYTHON: 'scripts/temporal-binaries.ts: the Python that creates the venv',
  HUIYING_TEST_LOG: "tests: the Temporal SDK's log level",
  HUIYING_TEST_WORKFLOW_BUNDLE: 'tests: the workflow bundle jest builds once (test/support/bundle.ts)',
  HUIYING_TEST_EXPECT_TZ: 'tests: test/deadlines/tz-rerun.check.ts',
  HUIYING_TEST_EXPECT_OFFSET: 'tests: test/deadlines/tz-rerun.check.ts',
  HUIYING_E2E_TIMINGS: 'tests: print the e2e harness timings',
  HUIYING_CHROMIUM: "tests: the Chromium the console's browser tests drive (test/support/browser.ts)",
  HUIYING_TEARDOWN_TRACE: 'tests and benches: name each teardown step as it starts',
  HUIYING_TEST_DATABASE_URL: "tests: the test run's PostgreSQL (test/support/database.ts)",
  HUIYING_TEST_CLUSTER_ADDRESS: 'tests: the Temporal cluster of an npm run test:cluster run (test/support/test-temporal.ts)',
  HUIYING_TEMPORAL_SERVER_CACHE: 'scripts/cluster/server-binaries.ts: where the built Temporal server is kept, one folder per version',
  RECORD_HISTORY: 'tests: 1 records the replay fixture anew (test/workflows/replay.test.ts)',
};

/**
 * Other tools' TEMPORAL_* variables that are a letter or two from one of ours (TEMPORAL_ROOT of the Temporal
 * server, TEMPORAL_CLI_AUTH of tctl): they are someone else's, not typos. Add here any other one that is caught.
 */
export const OTHER_TOOLS_VARIABLES: readonly string[] = ['TEMPORAL_ROOT', 'TEMPORAL_CLI_AUTH'];

export const KNOWN_VARIABLES: readonly string[] = [...Object.keys(EnvSchema.shape), ...Object.keys(READ_ELSEWHERE)];

type Env = z.output<typeof EnvSchema>;

/**
 * Rules across variables. They run even when a single variable is invalid (`when`), so that every problem is
 * reported at once; a value that failed its own rule is then not a string, hence the typeof checks.
 */
function crossChecks(env: Env, ctx: z.core.$RefinementCtx<Env>): void {
  const problem = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message, input: undefined });
  if (typeof env.AUTH_JWKS_URL === 'string' && env.AUTH_ISSUER === undefined) {
    problem('AUTH_ISSUER', 'required with AUTH_JWKS_URL: the issuer (iss) the single sign-on puts in its tokens');
  }
  if (env.AUTH_CLIENT_ID !== undefined) {
    // The console would sign people in with tokens the API then refuses.
    if (env.AUTH_JWKS_URL === undefined)
      problem('AUTH_JWKS_URL', 'required with AUTH_CLIENT_ID: the key set of the tokens the console signs in with');
    // The browser finds the endpoints under the issuer and sends the code there: it must be a safe address.
    if (typeof env.AUTH_ISSUER === 'string' && !isSafeIssuer(env.AUTH_ISSUER))
      problem('AUTH_ISSUER', `with AUTH_CLIENT_ID, an https URL (plain http only on this machine), got '${env.AUTH_ISSUER}'`);
  }
  if (env.HUIYING_NOTIFIER === 'webhook' && env.HUIYING_WEBHOOK_URL === undefined) {
    problem('HUIYING_WEBHOOK_URL', 'required with HUIYING_NOTIFIER=webhook: the address of the SMS/e-mail gateway');
  }
  if (env.HUIYING_SMTP_HOST !== undefined && env.HUIYING_SMTP_FROM === undefined) {
    problem(
      'HUIYING_SMTP_FROM',
      'required with HUIYING_SMTP_HOST: the sender of notification e-mails, e.g. 回应平台 <huiying@county.gov.cn>',
    );
  }
  if (typeof env.HUIYING_SMTP_FROM === 'string' && mailDomainOf(env.HUIYING_SMTP_FROM) === undefined) {
    problem('HUIYING_SMTP_FROM', `expected an e-mail address (name <address> or address), got '${env.HUIYING_SMTP_FROM}'`);
  }
  if ((env.HUIYING_SMTP_USER === undefined) !== (env.HUIYING_SMTP_PASSWORD === undefined)) {
    problem(
      env.HUIYING_SMTP_USER === undefined ? 'HUIYING_SMTP_USER' : 'HUIYING_SMTP_PASSWORD',
      'HUIYING_SMTP_USER and HUIYING_SMTP_PASSWORD go together',
    );
  }
  if (typeof env.HUIYING_OPEN311_API_KEYS === 'string') {
    try {
      parsePartnerKeys(env.HUIYING_OPEN311_API_KEYS);
    } catch (err) {
      problem('HUIYING_OPEN311_API_KEYS', (err as Error).message); // names partners, never keys
    }
  }
  if (env.HUIYING_BLOBS === 's3' && env.HUIYING_S3_BUCKET === undefined) {
    problem('HUIYING_S3_BUCKET', 'required with HUIYING_BLOBS=s3: the bucket attachments are kept in');
  }
  if (typeof env.HUIYING_PAYLOAD_KEYS === 'string') {
    try {
      parsePayloadKeys(env.HUIYING_PAYLOAD_KEYS, env.HUIYING_PAYLOAD_KEY_ID, 'HUIYING_PAYLOAD_KEYS');
    } catch (err) {
      // The parser's messages name the variable they are about, and never hold key material.
      const message = (err as Error).message;
      problem(message.startsWith('HUIYING_PAYLOAD_KEY_ID') ? 'HUIYING_PAYLOAD_KEY_ID' : 'HUIYING_PAYLOAD_KEYS', message);
    }
  }
}

/** An issuer the console may sign in at: https, or plain http on this machine (as AUTH_JWKS_URL, api/auth.ts). */
function isSafeIssuer(issuer: string): boolean {
  try {
    const url = new URL(issuer);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
  } catch {
    return false;
  }
}

/** The password in a database URL: as secret as AUTH_JWT_SECRET, though its variable's name does not say so. */
function passwordOf(url: string | undefined): string[] {
  if (typeof url !== 'string') return [];
  const password = decodeURIComponent(new URL(url).password);
  return password.length >= 8 ? [password] : [];
}

/** The parsed variables arranged for the parts that use them. */
function toConfig(env: Env) {
  const dataDir = path.resolve(env.HUIYING_DATA_DIR ?? DEFAULT_DATA_DIR);
  const uiPort = env.TEMPORAL_UI_PORT;
  const jwksUrl = env.AUTH_JWKS_URL;
  return {
    /** NODE_ENV=production: no development fallbacks for keys. */
    production: env.NODE_ENV === 'production',
    /** Absolute. The dev server's database and log, the development secrets, the outbox, the audit log. */
    dataDir,
    temporal: {
      // Unset: the dev server `npm start` runs (on TEMPORAL_PORT, bound to 127.0.0.1), so that the worker, the API and
      // every script run alone reach the same server as `npm start`'s children, never another one on the default port.
      address: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}`,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.HUIYING_TASK_QUEUE,
    },
    /**
     * The worker's sticky cache of workflows (worker/create-worker.ts), whose memory grows with it, and the heap limit
     * `npm start` gives the worker's process (`--max-old-space-size`, which its workflow thread inherits).
     */
    worker: { cachedCases: env.HUIYING_WORKER_CACHED_CASES, heapMb: env.HUIYING_WORKER_HEAP_MB },
    /** The level of each process's JSON log (observability/logger.ts). */
    log: { level: env.HUIYING_LOG_LEVEL },
    /**
     * Each process's metrics listener for a scraper (api/server.ts, worker/index.ts): the host it binds, and the API's
     * and the worker's port (undefined: off). A cluster gives each process its own ports.
     */
    metrics: { host: env.HUIYING_METRICS_HOST, apiPort: env.HUIYING_METRICS_PORT, workerPort: env.HUIYING_WORKER_METRICS_PORT },
    /** The read model (db/). Unset url: `npm start` runs the embedded PostgreSQL and hands its URL to the children. */
    database: {
      url: env.DATABASE_URL,
      embedded: env.DATABASE_URL === undefined ? { dir: path.join(dataDir, 'postgres'), port: env.HUIYING_DB_PORT } : undefined,
    },
    /** What `npm start` runs: a dev server unless TEMPORAL_ADDRESS names a running one, then the worker and the API. */
    start: {
      devServer:
        env.TEMPORAL_ADDRESS === undefined
          ? { port: env.TEMPORAL_PORT, uiPort, codecEndpoint: env.TEMPORAL_UI_CODEC_ENDPOINT ?? `http://localhost:${env.PORT}/codec` }
          : undefined,
      // Overridable so that the supervisor can be exercised with stand-in scripts.
      workerEntry: env.HUIYING_WORKER_ENTRY ?? path.join(PROJECT_ROOT, 'worker', 'index.ts'),
      apiEntry: env.HUIYING_API_ENTRY ?? path.join(PROJECT_ROOT, 'api', 'server.ts'),
    },
    api: {
      port: env.PORT,
      ledgerPrefix: env.HUIYING_LEDGER_PREFIX,
      /** Browser origins of the Web UI, admitted by the codec routes' CORS: by default the UI `npm start` runs. */
      uiOrigins: env.HUIYING_UI_ORIGINS ?? [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
      trustProxy: env.HUIYING_TRUST_PROXY,
      /** The console's one-click login as a demo person: `auto` offers it unless in production or with single sign-on. */
      devLogin: env.HUIYING_DEV_LOGIN === 'auto' ? env.NODE_ENV !== 'production' && jwksUrl === undefined : env.HUIYING_DEV_LOGIN === 'on',
      /**
       * The console's sign-in at the county's single sign-on (OpenID Connect, code + PKCE, a public client): where and
       * as whom. Unset without AUTH_CLIENT_ID; AUTH_ISSUER and AUTH_JWKS_URL are there then (crossChecks).
       */
      sso:
        env.AUTH_CLIENT_ID !== undefined && env.AUTH_ISSUER !== undefined
          ? { issuer: env.AUTH_ISSUER, clientId: env.AUTH_CLIENT_ID, scope: env.AUTH_SCOPE }
          : undefined,
      rateLimits: {
        intakePerWindow: env.HUIYING_RATE_INTAKE_PER_MIN,
        anonymousPerWindow: env.HUIYING_RATE_ANON_PER_MIN,
        windowMs: DEFAULT_RATE_LIMITS.windowMs,
      },
      /** The citizens' status lookup and the Open311 partners (api/routes/public-status.ts, open311.ts); keys checked by crossChecks. */
      publicAccess: {
        statusPerWindow: env.HUIYING_RATE_PUBLIC_STATUS_PER_MIN,
        windowMs: DEFAULT_PUBLIC_ACCESS.windowMs,
        partners: typeof env.HUIYING_OPEN311_API_KEYS === 'string' ? parsePartnerKeys(env.HUIYING_OPEN311_API_KEYS) : [],
      },
      /** The sweeper that starts the case of an intake whose API call failed (api/intake.ts). */
      intakeSweep: {
        everyMs: env.HUIYING_INTAKE_SWEEP_EVERY_S * 1000,
        olderThanMs: env.HUIYING_INTAKE_SWEEP_MIN_AGE_S * 1000,
      },
    },
    /**
     * Values never to be logged, by the API's error log or the worker's SDK logger (config/redaction.ts): every
     * secret-looking variable's, Huiying's or not (the checks ran on strings), and the database password.
     */
    logSecrets: [...secretValuesIn(env), ...passwordOf(env.DATABASE_URL)],
    /** HS256 secret of Huiying's own tokens; unset: the development secret file in the data dir. */
    jwtSecret: env.AUTH_JWT_SECRET,
    /** Token checks beyond the secret (api/auth.ts AuthSettings). */
    auth: {
      ...(env.AUTH_CLOCK_SKEW_S !== undefined ? { clockSkewS: env.AUTH_CLOCK_SKEW_S } : {}),
      ...(env.AUTH_MAX_TOKEN_HOURS !== undefined ? { maxTokenHours: env.AUTH_MAX_TOKEN_HOURS } : {}),
      // AUTH_ISSUER is there: crossChecks.
      ...(jwksUrl !== undefined
        ? { jwks: { url: jwksUrl, issuer: env.AUTH_ISSUER!, ...(env.AUTH_AUDIENCE ? { audience: env.AUTH_AUDIENCE } : {}) } }
        : {}),
    },
    /** As given (config/keys.ts parses them); unset: the development key file in the data dir. */
    payloadKeys: { list: env.HUIYING_PAYLOAD_KEYS, currentId: env.HUIYING_PAYLOAD_KEY_ID },
    /**
     * Where notifications go (worker/notifier-from-config.ts): the default channel, the channels' settings, and the
     * county's directory of who gets which channel (config/notification-directory.ts reads and checks it).
     */
    notifier: {
      default: env.HUIYING_NOTIFIER, // with webhook, the URL is there: crossChecks
      outbox: { dir: env.HUIYING_OUTBOX_DIR ?? path.join(dataDir, 'outbox') },
      webhook: env.HUIYING_WEBHOOK_URL !== undefined ? { url: env.HUIYING_WEBHOOK_URL, token: env.HUIYING_WEBHOOK_TOKEN } : undefined,
      smtp:
        env.HUIYING_SMTP_HOST !== undefined
          ? {
              host: env.HUIYING_SMTP_HOST,
              port: env.HUIYING_SMTP_PORT ?? (env.HUIYING_SMTP_SECURE === 'implicit' ? 465 : 587),
              secure: env.HUIYING_SMTP_SECURE,
              ...(env.HUIYING_SMTP_USER !== undefined ? { user: env.HUIYING_SMTP_USER, password: env.HUIYING_SMTP_PASSWORD! } : {}),
              from: env.HUIYING_SMTP_FROM!, // there: crossChecks
              ...(env.HUIYING_SMTP_CA_FILE !== undefined ? { caFile: env.HUIYING_SMTP_CA_FILE } : {}),
            }
          : undefined,
      directoryFile: env.HUIYING_NOTIFICATIONS_FILE,
    },
    /** Where attachments' bytes go (api/blobs/): files under the data dir, or a bucket; encrypted either way. */
    blobs:
      env.HUIYING_BLOBS === 's3'
        ? {
            kind: 's3' as const,
            bucket: env.HUIYING_S3_BUCKET!, // there: crossChecks
            region: env.HUIYING_S3_REGION,
            ...(env.HUIYING_S3_ENDPOINT ? { endpoint: env.HUIYING_S3_ENDPOINT } : {}),
            ...(env.HUIYING_S3_PREFIX ? { prefix: env.HUIYING_S3_PREFIX } : {}),
          }
        : { kind: 'local' as const, dir: path.join(dataDir, 'blobs') },
    attachments: { maxBytes: env.HUIYING_ATTACHMENT_MAX_MB * 1024 * 1024, perCase: env.HUIYING_ATTACHMENTS_PER_CASE },
    /** Files of the county's own data (read by config/units.ts, limits.ts, calendar.ts); unset: the built-in data. */
    files: {
      units: env.HUIYING_UNITS_FILE,
      limits: env.HUIYING_LIMITS_FILE,
      calendars: env.HUIYING_CALENDAR_FILES,
    },
  };
}

export const ConfigSchema = EnvSchema.superRefine(crossChecks, { when: () => true }).transform(toConfig);

export type Config = z.output<typeof ConfigSchema>;
