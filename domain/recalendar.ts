/**
 * A calendar update reaching a case (issue 11, item 10): a deadline computed while its year's holiday schedule was
 * unknown is provisional (Monday–Friday was assumed); once the schedule is known it is computed again, from the same
 * start, kind, urgency and extensions, and the case applies what changed, once, with one timeline entry.
 *
 * The workflow never computes dates: it asks an activity (`recalendarDeadlines`, with the worker's calendar) for the
 * requests of `recalendarRequests` and applies its answer with `recalendar`. Both are pure and deterministic.
 */
import type { CaseState, RequestType } from './case';
import type { WorkingCalendar } from './calendar';
import { DEADLINE_LABELS, type Deadline, type DeadlineKey } from './deadline-schema';
import { computeDeadline, formatShanghai, STAGE_DEADLINE } from './deadlines';
import { Draft, SYSTEM } from './draft';
import type { TimeLimits } from './limits';

/** The read model's marker of an open case with a provisional deadline still to come (running or handling). */
export const PROVISIONAL_DEADLINE_FLAG = 'provisional_deadline';

export interface RecalendarRequest {
  key: DeadlineKey;
  type: RequestType;
  urgent: boolean;
  /** When the deadline's clock first started (before any extension). */
  from: string;
  /** Working days extensions added to it, in all. */
  extendedBy: number;
}

/**
 * The deadlines that still matter: the running one, and handling, which runs on across review rounds and decides
 * whether the reply came late. Past stages' deadlines are history and stay as they were recorded.
 */
function liveDeadlines(state: CaseState): Deadline[] {
  if (state.stage === 'closed') return [];
  const keys = new Set<DeadlineKey>(['handling']);
  const running = STAGE_DEADLINE[state.stage];
  if (running) keys.add(running);
  return [...keys].map((key) => state.deadlines[key]).filter((d): d is Deadline => d !== undefined);
}

export function hasProvisionalDeadline(state: CaseState): boolean {
  return liveDeadlines(state).some((d) => d.provisional);
}

function requestFor(state: CaseState, d: Deadline): RecalendarRequest | null {
  const common = { key: d.key, type: state.type, urgent: state.urgent };
  if (d.extendedBy !== undefined) return { ...common, from: d.origin ?? d.from, extendedBy: d.extendedBy };
  // Recorded before deadlines carried their extensions: in a case with approved extensions this one may be an
  // extension of an earlier due date, which it does not name. Left as recorded rather than guessed.
  if (d.key === 'handling' && state.extension.approvedCount > 0) return null;
  return { ...common, from: d.from, extendedBy: 0 };
}

/** What to ask the calendar again: every live provisional deadline that can be reproduced. */
export function recalendarRequests(state: CaseState): RecalendarRequest[] {
  return liveDeadlines(state)
    .filter((d) => d.provisional)
    .map((d) => requestFor(state, d))
    .filter((r): r is RecalendarRequest => r !== null);
}

// Early enough that a warning time is always computed; whether the deadline had a warning at all is kept from the case.
const LONG_AGO = '1970-01-01T00:00:00.000Z';

/** Runs in the activity, on the worker's current calendar and limits. */
export function recomputeDeadline(req: RecalendarRequest, calendar: WorkingCalendar, limits: TimeLimits): Deadline {
  const base = computeDeadline({ key: req.key, at: LONG_AGO, from: req.from, type: req.type, urgent: req.urgent }, calendar, limits);
  if (req.extendedBy === 0) return base;
  // Whole working days added one after another land where their sum from the first due date does.
  const extended = computeDeadline(
    { key: req.key, at: LONG_AGO, from: base.dueAt, type: req.type, urgent: req.urgent, extendBy: req.extendedBy },
    calendar,
    limits,
  );
  return { ...extended, provisional: extended.provisional || base.provisional };
}

const sameDates = (a: Deadline, b: Deadline): boolean =>
  a.dueAt === b.dueAt && a.warnAt === b.warnAt && a.redFlagAt === b.redFlagAt && a.provisional === b.provisional;

function noteFor(old: Deadline, next: Deadline): string {
  const label = `${DEADLINE_LABELS[old.key]}时限`;
  const still = next.provisional ? '（仍为暂定）' : '';
  if (old.dueAt !== next.dueAt) return `${label}由 ${formatShanghai(old.dueAt)} 调整为 ${formatShanghai(next.dueAt)}${still}`;
  if (old.warnAt !== next.warnAt || old.redFlagAt !== next.redFlagAt)
    return `${label} ${formatShanghai(next.dueAt)} 不变，预警、红牌时间按新安排调整${still}`;
  return `${label} ${formatShanghai(next.dueAt)} 已确定`;
}

/**
 * The case with the recomputed deadlines that changed, and one timeline entry saying how; null when nothing changed
 * (the same calendar applied again, or a deadline that moved on meanwhile). What already happened stays: a warning
 * given, overdue, a red flag; a deadline that had no warning keeps none.
 */
export function recalendar(state: CaseState, fresh: readonly Deadline[], at: string): CaseState | null {
  const wanted = new Map(recalendarRequests(state).map((r) => [r.key, r]));
  const notes: string[] = [];
  const deadlines = { ...state.deadlines };
  for (const f of fresh) {
    const old = state.deadlines[f.key];
    const req = wanted.get(f.key);
    if (!old || !req || (old.origin ?? old.from) !== req.from) continue;
    const next: Deadline = {
      ...old,
      from: f.from,
      dueAt: f.dueAt,
      warnAt: old.warnAt === null ? null : f.warnAt,
      redFlagAt: f.redFlagAt,
      provisional: f.provisional,
    };
    if (sameDates(old, next)) continue;
    deadlines[f.key] = next;
    notes.push(noteFor(old, next));
  }
  if (notes.length === 0) return null;
  return new Draft(state, SYSTEM, at)
    .set({ deadlines })
    .log('recalendar', `节假日安排更新：${notes.join('；')}`)
    .done().state;
}
