/**
 * Helpers for the deadline tests, which run on the time-skipping harness with its server clock started on a real
 * date in the past (`useTimeSkipping({ startAt })`, libfaketime, see test/support/time-skipping.ts): moving that
 * clock to an exact instant, and reading dates the way people do, in Asia/Shanghai. Cases start with `startCase`
 * of test/workflows/helpers.ts, registered at the server's current time.
 *
 * Expected dates in these tests are written out by hand from the State Council's 2026 schedule (National Day
 * Oct 1–7 off, Mid-Autumn Sep 25–27 off, make-up working days Sun Sep 20 and Sat Oct 10); nothing here calls the
 * calendar under test. Formatting uses the ICU time-zone database (Intl), not the project's own helpers.
 */
import type { CaseState } from '../../domain/case';
import type { Deadline } from '../../domain/deadline-schema';
import type { CaseSummary } from '../../domain/summary';
import { SUMMARY_COLUMNS, summaryFromRow } from '../../db/case-summaries';
import { eventually } from '../support/polling';
import { getCase, type CaseHandle, type Harness } from '../workflows/helpers';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The server's current time. */
export async function serverNow(h: Harness): Promise<number> {
  return h.env.currentTimeMs();
}

/**
 * Moves the server clock forward to `iso` (timers due on the way fire in order). The clock then runs on in real
 * time, so what a test does next happens a few real seconds after `iso`; that is why assertions compare to the
 * minute. Fails if `iso` is already past by more than a minute: a test plan whose steps are out of order.
 */
export async function skipTo(h: Harness, iso: string): Promise<void> {
  const target = Date.parse(iso);
  if (Number.isNaN(target)) throw new RangeError(`skipTo: not an instant: ${iso}`);
  const now = await serverNow(h);
  if (now > target + MINUTE) {
    throw new Error(`skipTo(${iso}): the server clock is already at ${new Date(now).toISOString()}; time only moves forward`);
  }
  if (target > now) await h.env.sleep(target - now);
  const after = await serverNow(h);
  if (after < target) throw new Error(`skipTo(${iso}): the server clock reached only ${new Date(after).toISOString()}`);
}

const shanghaiFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** '2026-10-23 10:00': the Asia/Shanghai wall-clock minute of an instant, whatever the process time zone. */
export function shanghai(iso: string | Date | null | undefined): string | null {
  if (iso === null || iso === undefined) return null;
  const parts = Object.fromEntries(shanghaiFormat.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** A deadline's times in Shanghai wall-clock minutes, for one readable `toEqual`. */
export function deadlineInShanghai(
  d: Deadline | undefined,
): { dueAt: string | null; warnAt: string | null; redFlagAt: string | null; provisional: boolean } | undefined {
  if (!d) return undefined;
  return { dueAt: shanghai(d.dueAt), warnAt: shanghai(d.warnAt), redFlagAt: shanghai(d.redFlagAt), provisional: d.provisional };
}

/** The case once its deadlines for the current stage are planned (the first one is planned after start). */
export function caseWithDeadline(handle: CaseHandle, key: keyof CaseState['deadlines']): Promise<CaseState> {
  return eventually(
    () => getCase(handle),
    (s) => !!s.deadlines[key],
  );
}

/**
 * The case's search attributes as the server holds them (describe), by name, as plain values. The
 * time-skipping server cannot list by them, but it stores and describes them.
 */
export async function searchAttributesOf(handle: CaseHandle): Promise<Record<string, unknown>> {
  const description = await handle.describe();
  const values: Record<string, unknown> = {};
  for (const pair of description.typedSearchAttributes.getAll()) {
    values[pair.key.name] = pair.value instanceof Date ? pair.value.toISOString() : pair.value;
  }
  return values;
}

/** The timeline entries of one action (e.g. 'warning'), as [Shanghai minute, by id]. */
export function entries(state: CaseState, action: string): [string | null, string][] {
  return state.timeline.filter((e) => e.action === action).map((e) => [shanghai(e.at), e.by.id]);
}

/** The single timeline entry of an action; fails when there are none or several. */
export function onlyEntry(state: CaseState, action: string): CaseState['timeline'][number] {
  const found = state.timeline.filter((e) => e.action === action);
  if (found.length !== 1)
    throw new Error(`expected one '${action}' timeline entry, found ${found.length}: ${JSON.stringify(state.timeline)}`);
  return found[0];
}

/**
 * The case's row in the read model (what lists, the supervisors' view and metrics read): flags, overdue and red
 * flag live there, not in Temporal's search attributes, which carry only the operator's four.
 */
export async function recorded(h: Harness, handle: CaseHandle): Promise<CaseSummary> {
  const id = handle.workflowId.replace(/^case-/, '');
  const { rows } = await h.db.query(`SELECT ${SUMMARY_COLUMNS} FROM case_summaries WHERE id = $1`, [id]);
  if (rows.length === 0) throw new Error(`no read-model row for ${id}`);
  return summaryFromRow(rows[0]);
}
