/**
 * Readiness: whether a process can do its work now — the read model's database and Temporal answer (and, for the
 * worker, its Temporal worker runs). Liveness is only that the process answers; an orchestrator restarts a process
 * that is not live and sends no work to one that is not ready.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../db/pool';
import { log } from './logger';

/** What a probe found: `ok`, or in a word what is wrong (the detail goes to the log, not to the public answer). */
export type ProbeResult = 'ok' | 'unreachable' | 'timed out' | string;
/** A probe resolves when the thing answers: throws (or rejects) when it does not; may say what is wrong instead. */
export type Probe = () => Promise<unknown>;
export type Readiness = { ok: boolean } & Record<string, ProbeResult>;

/** A probe that has not answered by then counts as not ready (a database behind a dead link never refuses). */
const PROBE_TIMEOUT_MS = 2_000;
/** Answers are reused this long: an orchestrator's or a scraper's storm of probes reaches the database once a second. */
const READINESS_CACHE_MS = 1_000;

export const databaseProbe =
  (db: Db): Probe =>
  () =>
    db.query('SELECT 1');

export const temporalProbe =
  (client: Client): Probe =>
  () =>
    client.withDeadline(Date.now() + PROBE_TIMEOUT_MS, () => client.workflowService.getSystemInfo({}));

/**
 * `check()` runs every probe at once (one run at a time, its answer reused for READINESS_CACHE_MS) and says which
 * failed. A probe that stops or starts answering is logged when it changes (with why), not at every check.
 */
export function readinessCheck(probes: Record<string, Probe>): () => Promise<Readiness> {
  const last = new Map<string, ProbeResult>();
  let cached: { at: number; readiness: Readiness } | undefined;
  let running: Promise<Readiness> | undefined;
  const run = async (): Promise<Readiness> => {
    const entries = await Promise.all(Object.entries(probes).map(async ([name, probe]) => [name, await outcome(probe)] as const));
    for (const [name, { result, err }] of entries) {
      if ((last.get(name) ?? 'ok') === result) continue;
      last.set(name, result);
      if (result === 'ok') log().info({ check: name }, `ready again: ${name}`);
      else log().warn({ check: name, state: result, err }, `not ready: ${name} ${result}`);
    }
    const readiness = { ok: entries.every(([, o]) => o.result === 'ok'), ...Object.fromEntries(entries.map(([n, o]) => [n, o.result])) };
    cached = { at: Date.now(), readiness: readiness as Readiness };
    return cached.readiness;
  };
  return () => {
    if (cached && Date.now() - cached.at < READINESS_CACHE_MS) return Promise.resolve(cached.readiness);
    return (running ??= run().finally(() => (running = undefined)));
  };
}

async function outcome(probe: Probe): Promise<{ result: ProbeResult; err?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ result: ProbeResult }>((resolve) => {
    timer = setTimeout(() => resolve({ result: 'timed out' }), PROBE_TIMEOUT_MS);
  });
  const answered = Promise.resolve()
    .then(probe)
    .then(
      (value) => ({ result: typeof value === 'string' ? value : 'ok' }),
      (err: unknown) => ({ result: 'unreachable', err }),
    );
  try {
    return await Promise.race([answered, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
