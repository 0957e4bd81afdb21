/**
 * Defaults and bounds of settings that the configuration checks and the API applies, in one place so that
 * neither copies the other's numbers.
 */

/** How far `exp`/`nbf` may be off between us and a token's issuer, in seconds (AUTH_CLOCK_SKEW_S). */
export const DEFAULT_CLOCK_SKEW_S = 30;
export const MAX_CLOCK_SKEW_S = 300;

/** The longest a token may be valid from its issue (AUTH_MAX_TOKEN_HOURS): a stolen token cannot serve for years. */
export const DEFAULT_MAX_TOKEN_HOURS = 12;
export const MAX_MAX_TOKEN_HOURS = 24 * 30;

/** What the console asks the county's single sign-on for (AUTH_SCOPE): an ID token, whose nonce it checks. */
export const DEFAULT_AUTH_SCOPE = 'openid';

/** AUTH_JWT_SECRET must be at least this long: HS256 with a short secret can be brute-forced. */
export const MIN_JWT_SECRET_LENGTH = 32;

export interface RateLimits {
  /** POST /cases per caller (token subject) and window; 0 turns the limit off. */
  intakePerWindow: number;
  /** Requests without a valid token (health checks, the OpenAPI document, failed logins) per IP and window; 0: off. */
  anonymousPerWindow: number;
  /** The window, in milliseconds (one minute unless a test says otherwise). */
  windowMs: number;
}

/** The API's intake sweeper (api/intake.ts `startIntakeSweeper`). */
export interface IntakeSweep {
  /** How often it looks for intakes whose case has not started (HUIYING_INTAKE_SWEEP_EVERY_S). */
  everyMs: number;
  /** How long an intake waits before the sweeper takes it over (HUIYING_INTAKE_SWEEP_MIN_AGE_S). */
  olderThanMs: number;
}

/**
 * Every 30 s, intakes older than 30 s: by then the API call that allocated one has answered (the API bounds each call
 * at 30 s), so the sweeper does not start cases that are being started.
 */
export const DEFAULT_INTAKE_SWEEP: IntakeSweep = { everyMs: 30_000, olderThanMs: 30_000 };
export const MAX_INTAKE_SWEEP_EVERY_S = 3600;
export const MAX_INTAKE_SWEEP_MIN_AGE_S = 86_400;

/** Configured by HUIYING_RATE_INTAKE_PER_MIN and HUIYING_RATE_ANON_PER_MIN (config/schema.ts `Config.api.rateLimits`). */
export const DEFAULT_RATE_LIMITS: RateLimits = { intakePerWindow: 60, anonymousPerWindow: 300, windowMs: 60_000 };

/**
 * Case workflows a worker keeps in memory (Temporal's sticky cache). Each costs about 1.3 MB of the workflow thread's
 * heap (the SDK evaluates the workflow's modules, zod schemas included, once per workflow); one that is not cached is
 * replayed from its (short) history when it next moves. bench/worker-memory.ts measures the trade.
 */
export const DEFAULT_WORKER_CACHED_CASES = 100;

/**
 * The V8 heap limit (MB) of the worker process `npm start` runs, which each of its threads gets as well. Without it
 * V8 sizes the heap from the machine's memory and collects lazily: the worker grew to 2 GB RSS with 2 500 open cases
 * although about 200 MB of it was live. 640 holds the cache above with room for a burst of activations.
 */
export const DEFAULT_WORKER_HEAP_MB = 640;

/** The citizens' status lookup and the partner platforms' Open311 intake (api/routes/public-status.ts, open311.ts). */
export interface PublicAccess {
  /** GET /public/cases/:ledgerNo per IP and window (HUIYING_RATE_PUBLIC_STATUS_PER_MIN); 0 turns the limit off. */
  statusPerWindow: number;
  /** The window, in milliseconds (one minute unless a test says otherwise). */
  windowMs: number;
  /** The partner platforms and their API keys (HUIYING_OPEN311_API_KEYS); none: Open311 intake is closed. */
  partners: readonly { name: string; key: string }[];
}

/**
 * 10 lookups a minute per address: enough for a citizen who mistypes, while trying the 10 000 combinations of four
 * digits on one case would take an address 16 hours (and the per-case cap below stops it long before).
 */
export const DEFAULT_PUBLIC_ACCESS: PublicAccess = { statusPerWindow: 10, windowMs: 60_000, partners: [] };

/** Wrong digits tried on one ledger number per hour, from every address together: guessing from many addresses stops here. */
export const PUBLIC_STATUS_FAILURES_PER_CASE_PER_HOUR = 20;

/** Attachments (api/routes/attachments.ts): the largest file and how many files one case may carry. */
export interface AttachmentLimits {
  /** Bytes of one file (HUIYING_ATTACHMENT_MAX_MB); a larger upload is refused with 413. */
  maxBytes: number;
  /** Files per case, all kinds together (HUIYING_ATTACHMENTS_PER_CASE). */
  perCase: number;
}

/** 10 MB holds a phone's photo or a scanned report many times over; 30 files is more evidence than any case needs. */
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxBytes: 10 * 1024 * 1024, perCase: 30 };
/** Above this a file is a video or an archive, which the blob store and a browser's memory are not meant for. */
export const MAX_ATTACHMENT_MB = 100;

/** pino's levels, quietest last (HUIYING_LOG_LEVEL); `silent` writes nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Where a scraper finds each process's metrics (HUIYING_METRICS_HOST, HUIYING_METRICS_PORT,
 * HUIYING_WORKER_METRICS_PORT): on this machine only unless told otherwise, apart from the public API's port. 9464 is
 * the port OpenTelemetry's Prometheus exporters use by convention; the worker takes the next one.
 */
export const DEFAULT_METRICS_HOST = '127.0.0.1';
export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_WORKER_METRICS_PORT = 9465;
