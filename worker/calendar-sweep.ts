import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  advanceCalendarApplication,
  beginCalendarApplication,
  calendarApplication,
  casesWithProvisionalDeadlines,
  finishCalendarApplication,
  lastAppliedCalendar,
  withCalendarSweepLock,
} from '../db/calendar-queries';
import type { Db } from '../db/pool';
import { coverageVersion, newlyCoveredYears } from '../domain/calendar-coverage';
import { PROVISIONAL_DEADLINE_FLAG } from '../domain/recalendar';
import { caseWorkflowId, recalendarSignal } from '../temporal/definitions';

/** `provisional_due` too: rows recorded before the read model had its own marker carry only that one. */
const FLAGS = ['provisional_due', PROVISIONAL_DEADLINE_FLAG];
const BATCH = 100;
/** Signals in flight at once: enough to be quick, few enough not to crowd the cases' own work. */
const PARALLEL = 8;

export interface SweepDeps {
  db: Db;
  calendar: { coveredYears(): number[] };
  /** Tells one case; false when its workflow has ended (closed meanwhile, or archived). */
  signalCase(caseId: string, version: string): Promise<boolean>;
  batchSize?: number;
  /** Asked between batches: the worker is stopping. */
  stopping?: () => boolean;
}

export interface SweepResult {
  version: string;
  /** up-to-date: this calendar was applied last; recorded: nothing new is covered; busy: another process sweeps. */
  outcome: 'up-to-date' | 'recorded' | 'swept' | 'busy' | 'stopped';
  newlyCovered: number[];
  /** Cases signalled by this run (a resumed sweep counts only its own). */
  signalled: number;
}

/**
 * Takes a calendar's news to the open cases: when it covers a year the calendar applied last did not, every open case
 * with a provisional deadline is signalled (`recalendar`), in batches by id, and the calendar is recorded as applied.
 * Safe to run twice, in two processes at once and after a crash: one process sweeps at a time, a sweep cut short goes
 * on after the last case it recorded, and a case signalled twice changes only once (domain/recalendar.ts).
 */
export async function applyCalendar(deps: SweepDeps): Promise<SweepResult> {
  const covered = deps.calendar.coveredYears();
  const version = coverageVersion(covered);
  const result = await withCalendarSweepLock(deps.db, () => sweep(deps, version, covered));
  return result ?? { version, outcome: 'busy', newlyCovered: [], signalled: 0 };
}

async function sweep(deps: SweepDeps, version: string, covered: number[]): Promise<SweepResult> {
  const { db } = deps;
  const last = await lastAppliedCalendar(db);
  if (last?.version === version) return { version, outcome: 'up-to-date', newlyCovered: [], signalled: 0 };
  let run = await calendarApplication(db, version);
  if (!run || run.finished) {
    const newlyCovered = newlyCoveredYears(last?.coveredYears ?? null, covered);
    await beginCalendarApplication(db, version, covered, newlyCovered);
    if (newlyCovered.length === 0) {
      await finishCalendarApplication(db, version);
      return { version, outcome: 'recorded', newlyCovered, signalled: 0 };
    }
    run = { version, coveredYears: covered, newlyCovered, lastCaseId: null, signalled: 0, finished: false };
  }
  let after = run.lastCaseId;
  let signalled = 0;
  for (;;) {
    if (deps.stopping?.()) return { version, outcome: 'stopped', newlyCovered: run.newlyCovered, signalled };
    const ids = await casesWithProvisionalDeadlines(db, FLAGS, after, deps.batchSize ?? BATCH);
    if (ids.length === 0) break;
    for (let i = 0; i < ids.length; i += PARALLEL) {
      const told = await Promise.all(ids.slice(i, i + PARALLEL).map((id) => deps.signalCase(id, version)));
      signalled += told.filter(Boolean).length;
    }
    after = ids[ids.length - 1];
    await advanceCalendarApplication(db, version, after, ids.length);
  }
  await finishCalendarApplication(db, version);
  return { version, outcome: 'swept', newlyCovered: run.newlyCovered, signalled };
}

/** The production `signalCase`: the `recalendar` signal to the case's workflow. */
export function caseSignaller(client: Client): SweepDeps['signalCase'] {
  return async (caseId, version) => {
    try {
      await client.workflow.getHandle(caseWorkflowId(caseId)).signal(recalendarSignal, version);
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
}

const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;

/**
 * The worker's sweep at start-up, beside polling: retried with backoff while the database or Temporal is away, given up
 * when the worker stops (`stop()`), to be taken up where it was at the next start.
 */
export function startCalendarSweep(
  deps: Omit<SweepDeps, 'stopping'>,
  log: (line: string, err?: unknown) => void,
): { stop(): Promise<void> } {
  let stopping = false;
  let wake: () => void = () => undefined;
  const done = (async () => {
    for (let delay = RETRY_MIN_MS; !stopping; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      try {
        const r = await applyCalendar({ ...deps, stopping: () => stopping });
        if (r.outcome === 'swept')
          log(
            `calendar ${r.version}: newly covered ${r.newlyCovered.join(', ')}; ${r.signalled} open cases asked to recompute provisional deadlines`,
          );
        else if (r.outcome === 'busy') log(`calendar ${r.version}: another process is applying it`);
        return;
      } catch (err) {
        log(`calendar sweep failed, retrying in ${delay / 1000} s`, err);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake();
      await done;
    },
  };
}
