import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Db } from '../db/pool';

/** Expired rows are swept at most this often, by whichever increment comes first after the interval. */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * express-rate-limit's counters in the read model's PostgreSQL, so that every API process counts against one limit
 * (a county runs two behind one port; a memory store would double every limit). A fixed window per key, counted in
 * one statement: concurrent requests from two processes cannot both read the old count. The database's clock decides
 * the window, so the processes' clocks need not agree.
 */
export class PostgresRateLimitStore implements Store {
  /** Keys counted here are seen by every process: express-rate-limit must not assume otherwise. */
  readonly localKeys = false;
  private windowMs = 60_000;
  private lastSweep = 0;

  /** `prefix` keeps limiters apart when two of them count the same kind of key (an address). */
  constructor(
    private readonly db: Db,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { rows } = await this.db.query<{ hits: number; reset_at: string }>(
      'SELECT hits, reset_at FROM rate_limit_hits WHERE key = $1 AND reset_at > now()',
      [this.prefix + key],
    );
    return rows[0] ? info(rows[0]) : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    this.sweepNowAndThen();
    const { rows } = await this.db.query<{ hits: number; reset_at: string }>(
      `INSERT INTO rate_limit_hits AS r (key, hits, reset_at)
         VALUES ($1, 1, now() + make_interval(secs => $2::double precision / 1000))
       ON CONFLICT (key) DO UPDATE SET
         hits     = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
         reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
       RETURNING hits, reset_at`,
      [this.prefix + key, this.windowMs],
    );
    return info(rows[0]!);
  }

  /** A request that should not have counted (skipSuccessfulRequests): never below zero. */
  async decrement(key: string): Promise<void> {
    await this.db.query('UPDATE rate_limit_hits SET hits = GREATEST(hits - 1, 0) WHERE key = $1 AND reset_at > now()', [this.prefix + key]);
  }

  async resetKey(key: string): Promise<void> {
    await this.db.query('DELETE FROM rate_limit_hits WHERE key = $1', [this.prefix + key]);
  }

  private sweepNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    // Not awaited: a request is not kept waiting for housekeeping, and a failed sweep is tried again next interval.
    this.db.query("DELETE FROM rate_limit_hits WHERE reset_at < now() - interval '1 minute'").catch(() => undefined);
  }
}

function info(row: { hits: number; reset_at: string }): ClientRateLimitInfo {
  return { totalHits: row.hits, resetTime: new Date(row.reset_at) };
}
