/**
 * The configuration (config/): every environment variable parsed once by loadConfig, with the defaults of
 * README "Configuration", clear coercion rules, and every problem reported at once. No server needed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config';
import { editDistance } from '../../config/edit-distance';
import { PROJECT_ROOT } from '../../config/paths';
import { EnvSchema, READ_ELSEWHERE } from '../../config/schema';

const KEY = Buffer.alloc(32, 7).toString('base64');

/** The ConfigError loadConfig throws for `env` (fails the test if it does not throw one). */
function problemsOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
}

describe('defaults: an empty environment', () => {
  test('gives the documented defaults', () => {
    const data = path.join(PROJECT_ROOT, 'data');
    expect(loadConfig({})).toEqual({
      production: false,
      dataDir: data,
      temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'huiying' },
      worker: { cachedCases: 100, heapMb: 640 },
      log: { level: 'info' },
      metrics: { host: '127.0.0.1', apiPort: 9464, workerPort: 9465 },
      database: { url: undefined, embedded: { dir: path.join(data, 'postgres'), port: 5433 } },
      start: {
        devServer: { port: 7233, uiPort: 8233, codecEndpoint: 'http://localhost:3000/codec' },
        workerEntry: path.join(PROJECT_ROOT, 'worker', 'index.ts'),
        apiEntry: path.join(PROJECT_ROOT, 'api', 'server.ts'),
      },
      api: {
        port: 3000,
        ledgerPrefix: 'LZ',
        uiOrigins: ['http://localhost:8233', 'http://127.0.0.1:8233'],
        trustProxy: undefined,
        devLogin: true,
        rateLimits: { intakePerWindow: 60, anonymousPerWindow: 300, windowMs: 60_000 },
        publicAccess: { statusPerWindow: 10, windowMs: 60_000, partners: [] },
        intakeSweep: { everyMs: 30_000, olderThanMs: 30_000 },
      },
      logSecrets: [],
      jwtSecret: undefined,
      auth: {},
      payloadKeys: { list: undefined, currentId: undefined },
      notifier: {
        default: 'outbox',
        outbox: { dir: path.join(data, 'outbox') },
        webhook: undefined,
        smtp: undefined,
        directoryFile: undefined,
      },
      files: { units: undefined, limits: undefined, calendars: [] },
      blobs: { kind: 'local', dir: path.join(data, 'blobs') },
      attachments: { maxBytes: 10 * 1024 * 1024, perCase: 30 },
    });
  });

  test('empty or blank values count as unset', () => {
    const blank = loadConfig({ PORT: '', HUIYING_LEDGER_PREFIX: '  ', TEMPORAL_ADDRESS: '', AUTH_JWT_SECRET: '', HUIYING_NOTIFIER: ' ' });
    expect(blank.api.port).toBe(3000);
    expect(blank.api.ledgerPrefix).toBe('LZ');
    expect(blank.start.devServer).toBeDefined();
    expect(blank.jwtSecret).toBeUndefined();
    expect(blank.notifier.default).toBe('outbox');
  });
});

test('attachments: a bucket instead of local files, and the limits', () => {
  expect(
    loadConfig({
      HUIYING_BLOBS: 's3',
      HUIYING_S3_BUCKET: 'evidence',
      HUIYING_S3_ENDPOINT: 'http://127.0.0.1:9000',
      HUIYING_ATTACHMENT_MAX_MB: '20',
      HUIYING_ATTACHMENTS_PER_CASE: '5',
    }),
  ).toMatchObject({
    blobs: { kind: 's3', bucket: 'evidence', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000' },
    attachments: { maxBytes: 20 * 1024 * 1024, perCase: 5 },
  });
  expect(problemsOf({ HUIYING_BLOBS: 's3' }).message).toMatch(/HUIYING_S3_BUCKET.*required with HUIYING_BLOBS=s3/);
  expect(problemsOf({ HUIYING_ATTACHMENT_MAX_MB: '500' }).message).toMatch(/HUIYING_ATTACHMENT_MAX_MB/);
});

describe('coercion', () => {
  test('whole numbers: digits only, surrounding spaces dropped, within the range', () => {
    expect(loadConfig({ PORT: ' 8080 ', TEMPORAL_PORT: '7300', TEMPORAL_UI_PORT: '8300' })).toMatchObject({
      api: { port: 8080 },
      start: { devServer: { port: 7300, uiPort: 8300 } },
    });
    expect(loadConfig({ HUIYING_RATE_INTAKE_PER_MIN: '0', HUIYING_RATE_ANON_PER_MIN: '12' }).api.rateLimits).toMatchObject({
      intakePerWindow: 0,
      anonymousPerWindow: 12,
    });
    expect(loadConfig({ AUTH_CLOCK_SKEW_S: '0' }).auth).toEqual({ clockSkewS: 0 });
    for (const bad of ['1.5', '-1', '1e3', '0x10', 'soon', '0', '65536']) {
      expect(() => loadConfig({ PORT: bad })).toThrow(
        new RegExp(`PORT: expected a whole number from 1 to 65535 \\(a TCP port\\), got '${bad.replace('.', '\\.')}'`),
      );
    }
  });

  test("the worker's memory: its cache of cases and its heap limit, each within its range", () => {
    expect(loadConfig({ HUIYING_WORKER_CACHED_CASES: '500', HUIYING_WORKER_HEAP_MB: '1024' }).worker).toEqual({
      cachedCases: 500,
      heapMb: 1024,
    });
    expect(() => loadConfig({ HUIYING_WORKER_HEAP_MB: '64' })).toThrow(/HUIYING_WORKER_HEAP_MB: expected a whole number from 128/);
    expect(() => loadConfig({ HUIYING_WORKER_CACHED_CASES: '1' })).toThrow(/HUIYING_WORKER_CACHED_CASES: expected a whole number from 2/);
  });
  test('logs and metrics: the level, the host, and each listener on a port or off', () => {
    const config = loadConfig({
      HUIYING_LOG_LEVEL: 'debug',
      HUIYING_METRICS_HOST: '0.0.0.0',
      HUIYING_METRICS_PORT: 'off',
      HUIYING_WORKER_METRICS_PORT: '9600',
    });
    expect(config.log).toEqual({ level: 'debug' });
    expect(config.metrics).toEqual({ host: '0.0.0.0', apiPort: undefined, workerPort: 9600 });
    expect(loadConfig({ HUIYING_METRICS_PORT: '0', HUIYING_WORKER_METRICS_PORT: 'off' }).metrics).toMatchObject({
      apiPort: undefined,
      workerPort: undefined,
    });
    const err = problemsOf({ HUIYING_LOG_LEVEL: 'loud', HUIYING_METRICS_PORT: '65536', HUIYING_WORKER_METRICS_PORT: 'none' });
    expect(err.message).toMatch(/HUIYING_LOG_LEVEL: expected one of trace, debug, info, warn, error, silent, got 'loud'/);
    expect(err.message).toMatch(/HUIYING_METRICS_PORT: expected a TCP port from 1 to 65535, or off \(or 0\) for none, got '65536'/);
    expect(err.message).toMatch(/HUIYING_WORKER_METRICS_PORT: expected a TCP port .*, got 'none'/);
  });

  test('the intake sweeper: seconds between runs and the age an intake waits, checked and in milliseconds', () => {
    expect(loadConfig({ HUIYING_INTAKE_SWEEP_EVERY_S: '5', HUIYING_INTAKE_SWEEP_MIN_AGE_S: '120' }).api.intakeSweep).toEqual({
      everyMs: 5_000,
      olderThanMs: 120_000,
    });
    expect(problemsOf({ HUIYING_INTAKE_SWEEP_EVERY_S: '0', HUIYING_INTAKE_SWEEP_MIN_AGE_S: '1.5' }).problems).toEqual([
      {
        variable: 'HUIYING_INTAKE_SWEEP_EVERY_S',
        message: "expected a whole number from 1 to 3600 (seconds between two runs of the intake sweeper), got '0'",
      },
      {
        variable: 'HUIYING_INTAKE_SWEEP_MIN_AGE_S',
        message: "expected a whole number from 1 to 86400 (seconds an intake waits before the intake sweeper starts its case), got '1.5'",
      },
    ]);
  });

  test('HUIYING_TRUST_PROXY: true/false, a number of hops, or proxy addresses', () => {
    const trust = (value: string) => loadConfig({ HUIYING_TRUST_PROXY: value }).api.trustProxy;
    expect(trust('true')).toBe(true);
    expect(trust('false')).toBe(false);
    expect(trust('2')).toBe(2);
    expect(trust(' loopback, 10.0.0.0/8 ')).toBe('loopback, 10.0.0.0/8');
  });

  test('lists: origins lose a trailing slash, file lists split on commas and the path delimiter', () => {
    const config = loadConfig({
      HUIYING_UI_ORIGINS: ' https://ui.example/ ,, http://localhost:9000',
      HUIYING_CALENDAR_FILES: ` a.json ,b.json${path.delimiter}c.json,`,
    });
    expect(config.api.uiOrigins).toEqual(['https://ui.example', 'http://localhost:9000']);
    expect(config.files.calendars).toEqual(['a.json', 'b.json', 'c.json']);
    expect(() => loadConfig({ HUIYING_UI_ORIGINS: 'https://ui.example/path' })).toThrow(
      /HUIYING_UI_ORIGINS: expected comma-separated origins/,
    );
  });

  test('defaults that follow other variables: the UI origins, the codec endpoint, the outbox, the dev server', () => {
    const config = loadConfig({ TEMPORAL_UI_PORT: '9233', PORT: '4000', HUIYING_DATA_DIR: 'some/data' });
    expect(config.api.uiOrigins).toEqual(['http://localhost:9233', 'http://127.0.0.1:9233']);
    expect(config.start.devServer?.codecEndpoint).toBe('http://localhost:4000/codec');
    expect(config.dataDir).toBe(path.resolve('some/data'));
    // Without TEMPORAL_ADDRESS, everyone (worker, API, scripts run alone) reaches the dev server npm start runs.
    expect(loadConfig({ TEMPORAL_PORT: '7600' }).temporal.address).toBe('127.0.0.1:7600');
    expect(config.notifier.outbox).toEqual({ dir: path.join(path.resolve('some/data'), 'outbox') });
    // A running server named: npm start starts none, and everyone connects there.
    const external = loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233' });
    expect(external.start.devServer).toBeUndefined();
    expect(external.temporal.address).toBe('temporal.internal:7233');
  });

  test('secrets are taken exactly as given; other text is trimmed', () => {
    const secret = `  ${'s'.repeat(32)} `;
    const config = loadConfig({
      AUTH_JWT_SECRET: secret,
      HUIYING_NOTIFIER: 'webhook',
      HUIYING_WEBHOOK_URL: ' https://gw.example/send ',
      HUIYING_WEBHOOK_TOKEN: ' t ',
    });
    expect(config.jwtSecret).toBe(secret);
    expect(config.notifier.default).toBe('webhook');
    expect(config.notifier.webhook).toEqual({ url: 'https://gw.example/send', token: ' t ' });
  });

  test('single sign-on, payload keys, NODE_ENV', () => {
    const config = loadConfig({
      AUTH_JWKS_URL: 'https://sso.example/jwks',
      AUTH_ISSUER: ' https://sso.example ',
      AUTH_AUDIENCE: 'huiying',
      HUIYING_PAYLOAD_KEYS: `k1:${KEY}`,
      HUIYING_PAYLOAD_KEY_ID: 'k1',
      NODE_ENV: 'production',
    });
    expect(config.auth).toEqual({ jwks: { url: 'https://sso.example/jwks', issuer: 'https://sso.example', audience: 'huiying' } });
    expect(config.payloadKeys).toEqual({ list: `k1:${KEY}`, currentId: 'k1' });
    expect(config.production).toBe(true);
  });

  test("the values of secret-looking variables, Huiying's or not, are kept out of logs", () => {
    const config = loadConfig({ HUIYING_PAYLOAD_KEYS: `k1:${KEY}`, SOME_API_TOKEN: 'abcdefgh12345', PATH: '/usr/local/bin:/usr/bin' });
    expect(config.logSecrets).toEqual(expect.arrayContaining([`k1:${KEY}`, KEY, 'abcdefgh12345']));
    expect(config.logSecrets).not.toContain('/usr/local/bin:/usr/bin');
  });
});

describe('invalid values stop the start with a message naming the variable', () => {
  test('the variable, what is expected and what was given', () => {
    const error = problemsOf({ HUIYING_NOTIFIER: 'sms' });
    expect(error.problems).toEqual([{ variable: 'HUIYING_NOTIFIER', message: "expected one of outbox, webhook, got 'sms'" }]);
    expect(error.message).toMatch(/HUIYING_NOTIFIER: expected one of outbox, webhook, got 'sms'/);
    expect(problemsOf({ HUIYING_WEBHOOK_URL: 'gateway.example' }).message).toMatch(
      /HUIYING_WEBHOOK_URL: expected an absolute http\(s\) URL/,
    );
    expect(problemsOf({ AUTH_CLOCK_SKEW_S: '301' }).message).toMatch(/AUTH_CLOCK_SKEW_S: expected a whole number from 0 to 300/);
  });

  test('a secret is never echoed', () => {
    const error = problemsOf({ AUTH_JWT_SECRET: 'hunter2-too-short' });
    expect(error.message).toMatch(/AUTH_JWT_SECRET: expected at least 32 characters/);
    expect(error.message).not.toContain('hunter2');
    const short = Buffer.alloc(16, 1).toString('base64');
    const keys = problemsOf({ HUIYING_PAYLOAD_KEYS: `k1:${short}` });
    expect(keys.message).toMatch(/HUIYING_PAYLOAD_KEYS: key "k1" has 16 bytes, AES-256 needs 32/);
    expect(keys.message).not.toContain(short);
    const db = problemsOf({ DATABASE_URL: 'mysql://root:pa55word@db/huiying' });
    expect(db.message).toMatch(/DATABASE_URL: expected a URL like postgres:\/\/user:password@host:5432\/database/);
    expect(db.message).not.toContain('pa55word');
  });

  test('DATABASE_URL names the read model; without it the embedded one runs in the data dir on HUIYING_DB_PORT', () => {
    const url = 'postgresql://huiying:county-db-pa55@db.county.example:5432/huiying';
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ url, embedded: undefined });
    // Its password never reaches a log, though the variable's name does not look secret.
    expect(loadConfig({ DATABASE_URL: url }).logSecrets).toContain('county-db-pa55');
    expect(loadConfig({ HUIYING_DATA_DIR: '/srv/huiying', HUIYING_DB_PORT: '6543' }).database).toEqual({
      url: undefined,
      embedded: { dir: '/srv/huiying/postgres', port: 6543 },
    });
  });

  test('variables that need another: AUTH_JWKS_URL needs AUTH_ISSUER, the webhook needs its URL, the key id must be listed', () => {
    expect(problemsOf({ AUTH_JWKS_URL: 'https://sso.example/jwks' }).problems).toEqual([
      { variable: 'AUTH_ISSUER', message: expect.stringContaining('required with AUTH_JWKS_URL') },
    ]);
    expect(problemsOf({ HUIYING_NOTIFIER: 'webhook' }).problems).toEqual([
      { variable: 'HUIYING_WEBHOOK_URL', message: expect.stringContaining('required with HUIYING_NOTIFIER=webhook') },
    ]);
    expect(problemsOf({ HUIYING_PAYLOAD_KEYS: `k1:${KEY}`, HUIYING_PAYLOAD_KEY_ID: 'k9' }).problems).toEqual([
      { variable: 'HUIYING_PAYLOAD_KEY_ID', message: 'HUIYING_PAYLOAD_KEY_ID "k9" is not among the HUIYING_PAYLOAD_KEYS (ids: k1)' },
    ]);
  });
});

describe('unknown variables', () => {
  test('a misspelt HUIYING_ variable is named, with the one it probably meant', () => {
    const error = problemsOf({ HUIYING_LEDGER_PREFX: 'CD' });
    expect(error.problems).toEqual([
      { variable: 'HUIYING_LEDGER_PREFX', message: 'not a variable Huiying knows; did you mean HUIYING_LEDGER_PREFIX?' },
    ]);
    expect(error.message).toMatch(/HUIYING_LEDGER_PREFX: .*did you mean HUIYING_LEDGER_PREFIX\?/);
  });

  test('any unknown HUIYING_ or AUTH_ variable stops the start; a suggestion only when one is close', () => {
    expect(problemsOf({ AUTH_JWT_SECRT: 'x' }).message).toMatch(/AUTH_JWT_SECRT: .*did you mean AUTH_JWT_SECRET\?/);
    expect(problemsOf({ HUIYING_DATADIR: '/tmp' }).message).toMatch(/did you mean HUIYING_DATA_DIR\?/);
    expect(problemsOf({ HUIYING_COLOUR_SCHEME: 'dark' }).problems).toEqual([
      { variable: 'HUIYING_COLOUR_SCHEME', message: 'not a variable Huiying knows' },
    ]);
    expect(problemsOf({ AUTH_MODE: 'sso' }).problems.map((p) => p.variable)).toEqual(['AUTH_MODE']);
  });

  test("TEMPORAL_ variables: a typo of ours is refused, other tools' are left alone", () => {
    expect(problemsOf({ TEMPORAL_ADRESS: 'x:7233' }).message).toMatch(/TEMPORAL_ADRESS: .*did you mean TEMPORAL_ADDRESS\?/);
    expect(problemsOf({ TEMPORAL_UI_PROT: '8233' }).message).toMatch(/did you mean TEMPORAL_UI_PORT\?/);
    const others = {
      TEMPORAL_TLS: 'true',
      TEMPORAL_API_KEY: 'k',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem',
      TEMPORAL_CODEC_ENDPOINT: 'https://c',
      TEMPORAL_ENV: 'prod',
      TEMPORAL_CLI_AUTH: 'x',
      TEMPORAL_ROOT: '/',
    };
    expect(() => loadConfig(others)).not.toThrow();
  });

  test('what tooling and tests read themselves is known too', () => {
    expect(() => loadConfig(Object.fromEntries(Object.keys(READ_ELSEWHERE).map((name) => [name, 'x'])))).not.toThrow();
    // A name set without a value (as tests do with `{ X: undefined }`) is not there.
    expect(() => loadConfig({ HUIYING_NOT_A_THING: undefined })).not.toThrow();
  });
});

test('several problems are reported together, each naming its variable', () => {
  const error = problemsOf({
    PORT: 'http',
    HUIYING_LEDGER_PREFX: 'CD',
    AUTH_JWKS_URL: 'https://sso.example/jwks',
    HUIYING_RATE_ANON_PER_MIN: '-5',
    TEMPORAL_NAMESPCE: 'x',
  });
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('ConfigError');
  expect(error.problems.map((p) => p.variable).sort()).toEqual([
    'AUTH_ISSUER',
    'HUIYING_LEDGER_PREFX',
    'HUIYING_RATE_ANON_PER_MIN',
    'PORT',
    'TEMPORAL_NAMESPCE',
  ]);
  expect(error.message).toMatch(/has 5 problems/);
  for (const p of error.problems) expect(error.message).toContain(p.variable);
});

test('edit distance: a swap of neighbouring letters is one edit', () => {
  expect(editDistance('HUIYING_LEDGER_PREFX', 'HUIYING_LEDGER_PREFIX')).toBe(1);
  expect(editDistance('TEMPORAL_UI_PROT', 'TEMPORAL_UI_PORT')).toBe(1);
  expect(editDistance('PORT', 'HOST')).toBe(2);
  expect(editDistance('', 'abc')).toBe(3);
});

test('README "Configuration" lists every variable', () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  const missing = [...Object.keys(EnvSchema.shape), ...Object.keys(READ_ELSEWHERE)].filter((name) => !section.includes(`\`${name}\``));
  expect(missing).toEqual([]);
});

test("HUIYING_DEV_LOGIN: auto offers the console's demo login only in development without single sign-on", () => {
  const sso = { AUTH_JWKS_URL: 'https://sso.example.gov.cn/jwks', AUTH_ISSUER: 'https://sso.example.gov.cn' };
  expect(loadConfig({}).api.devLogin).toBe(true);
  expect(loadConfig({ NODE_ENV: 'production' }).api.devLogin).toBe(false);
  expect(loadConfig(sso).api.devLogin).toBe(false);
  expect(loadConfig({ ...sso, HUIYING_DEV_LOGIN: 'on' }).api.devLogin).toBe(true);
  expect(loadConfig({ HUIYING_DEV_LOGIN: 'off' }).api.devLogin).toBe(false);
  expect(() => loadConfig({ HUIYING_DEV_LOGIN: 'yes' })).toThrow(/HUIYING_DEV_LOGIN/);
});

test('HUIYING_OPEN311_API_KEYS: partner:key pairs, keys long and distinct, never echoed; the public status limit', () => {
  const key = 'k'.repeat(32);
  expect(
    loadConfig({ HUIYING_OPEN311_API_KEYS: `city:${key}, province:${'p'.repeat(20)}`, HUIYING_RATE_PUBLIC_STATUS_PER_MIN: '3' }).api
      .publicAccess,
  ).toEqual({
    statusPerWindow: 3,
    windowMs: 60_000,
    partners: [
      { name: 'city', key },
      { name: 'province', key: 'p'.repeat(20) },
    ],
  });
  for (const [bad, why] of [
    ['city', /partner:key/],
    ['City:' + key, /partner:key/],
    ['city:short', /at least 16 characters/],
    [`city:${key},city:${'q'.repeat(20)}`, /listed twice/],
    [`city:${key},town:${key}`, /the key of another partner/],
  ] as const) {
    const error = problemsOf({ HUIYING_OPEN311_API_KEYS: bad });
    expect(error.problems).toEqual([{ variable: 'HUIYING_OPEN311_API_KEYS', message: expect.stringMatching(why) }]);
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain('short');
  }
  expect(loadConfig({ HUIYING_OPEN311_API_KEYS: `city:${key}` }).logSecrets).toContain(key);
});
