/**
 * What supervisors watch, as Prometheus gauges: open cases by stage, overdue open cases, red-flagged open cases. Read
 * from the read model when scraped — the same counts as GET /supervision/workload's totals (db/supervision-queries.ts
 * `openCaseCounts`, domain/workload.ts) — at most once per CASE_GAUGES_CACHE_MS however many scrapers ask.
 */
import { Gauge, type Registry } from 'prom-client';
import { OPEN_STAGES } from '../domain/case';
import { workloadTable, type Workload } from '../domain/workload';
import { openCaseCounts } from '../db/supervision-queries';
import type { Db } from '../db/pool';
import { log } from '../observability/logger';

/** A scrape storm (several Prometheus servers, a dashboard refreshing) reads the database once in this window. */
export const CASE_GAUGES_CACHE_MS = 10_000;

type Totals = Workload['totals'];

export function registerCaseGauges(registry: Registry, db: Db, cacheMs = CASE_GAUGES_CACHE_MS): void {
  const totals = cachedTotals(db, cacheMs);
  // Each gauge's collect asks for the totals: one read (or none, within the window) serves them all.
  new Gauge({
    name: 'huiying_open_cases',
    help: 'Open cases in the read model, by stage (archived and closed ones not counted)',
    labelNames: ['stage'],
    registers: [registry],
    async collect() {
      const t = await totals();
      if (t) for (const stage of OPEN_STAGES) this.set({ stage }, t.byStage[stage]);
    },
  });
  new Gauge({
    name: 'huiying_overdue_open_cases',
    help: 'Open cases past a deadline (overdue)',
    registers: [registry],
    async collect() {
      const t = await totals();
      if (t) this.set(t.overdue);
    },
  });
  new Gauge({
    name: 'huiying_red_flag_open_cases',
    help: 'Open cases with a red flag (far past a deadline)',
    registers: [registry],
    async collect() {
      const t = await totals();
      if (t) this.set(t.redFlags);
    },
  });
  new Gauge({
    name: 'huiying_read_model_up',
    help: '1 if the last read of the case gauges succeeded; 0: they hold the last values read (0 before any)',
    registers: [registry],
    async collect() {
      this.set((await totals()) ? 1 : 0);
    },
  });
}

/** The workload totals, read at most once per `cacheMs` (one read at a time); undefined when the read failed. */
function cachedTotals(db: Db, cacheMs: number): () => Promise<Totals | undefined> {
  let last: { at: number; totals: Totals | undefined } | undefined;
  let reading: Promise<Totals | undefined> | undefined;
  const read = async (): Promise<Totals | undefined> => {
    let totals: Totals | undefined;
    try {
      totals = workloadTable(await openCaseCounts(db), (code) => code, new Date()).totals;
    } catch (err) {
      // A failed read is not retried within the window either: a database that is down is not asked at every scrape.
      log().warn({ err }, 'metrics: the case gauges could not be read from the read model');
    }
    last = { at: Date.now(), totals };
    return totals;
  };
  return () => {
    if (last && Date.now() - last.at < cacheMs) return Promise.resolve(last.totals);
    return (reading ??= read().finally(() => (reading = undefined)));
  };
}
