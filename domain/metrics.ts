import { z } from 'zod';
import { isIsoDay } from './calendar';
import type { Satisfaction, Stage } from './case';
import { parseFlags, type Flag } from './search';
import type { UnitDirectory } from './units';

/**
 * Unit metrics (DOMAIN.md "Measures"): per responsible unit and period, computed from each case's summary in the
 * read model (domain/summary.ts: stage, unit, the markers of `flagsOf`), never from histories. Every
 * definition here is stated the same way in README "Unit metrics"; change both together.
 */

/** The pseudo-unit that direct answers (直接答复) count for: the hotline answered them itself, no unit took part. */
export const HOTLINE = 'hotline';
export const HOTLINE_NAME = '话务直办';

/** What a case must publish to be counted: a subset of `CaseSummary` (domain/summary.ts). */
export interface MetricsCase {
  unit: string | null;
  stage: Stage;
  /** The running deadline is missed right now. */
  overdue: boolean;
  reopenCount: number;
  flags: readonly string[];
  satisfaction?: Satisfaction | null;
  /**
   * How many cases this stands for, all alike in every field above (default 1): the read model hands over its rows
   * grouped by these fields (db/metrics-queries.ts), and every figure below is a sum over cases, so counting a group
   * once with its weight is counting each of its cases.
   */
  count?: number;
}

/** A rate with what it is made of; `rate` is null (not 0) when nothing was counted, rounded to 4 places. */
export interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}

export interface SatisfactionRate extends Rate {
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  /** Not rated: neither in the numerator nor in the denominator. */
  unreachable: number;
}

export interface UnitMetrics {
  unit: string;
  name: string;
  /** Cases this unit holds now (for `hotline`: direct answers); merged cases excluded. */
  received: number;
  /** 按时签收率 */
  onTimeSignFor: Rate;
  /** 按时办结率 */
  onTimeCompletion: Rate;
  /** 满意率 */
  satisfaction: SatisfactionRate;
  /** 解决率 */
  resolution: Rate;
  /** 退回率 (returns the dispatcher accepted, or a supervisor upheld on appeal) */
  returns: Rate;
  /** Returns the dispatcher refused: the unit had to keep the case (whatever an appeal decided later). */
  returnsRefused: number;
  /** Cases this unit supported (协办) beside another lead unit; not in `received`. */
  supported: number;
  /** 重办率 */
  reopens: Rate;
  /** Received cases that ever missed a deadline. */
  overdue: number;
  /** Received cases that ever got a red flag. */
  redFlags: number;
}

export interface MetricsReport {
  /** Every case counted from (the listing). */
  registered: number;
  /** 并单: repeats merged into another case; counted nowhere but in returns (see `computeUnitMetrics`). */
  merged: number;
  /** Neither merged nor answered directly and without a unit now: awaiting (re-)assignment. */
  unassigned: number;
  /** 无效工单 (prank, silent, wrong number, test): the centre's own count, never a unit's. */
  voided: number;
  units: UnitMetrics[];
}

export function rate(numerator: number, denominator: number): Rate {
  return { numerator, denominator, rate: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000 };
}

const has = (c: MetricsCase, flag: Flag) => c.flags.includes(flag);

/** The unit a case counts for: `hotline` for a direct answer, else its current unit; null if merged or unassigned. */
export function ownerOf(c: MetricsCase): string | null {
  if (has(c, 'merged')) return null;
  if (has(c, 'direct_answer')) return HOTLINE;
  return c.unit;
}

/**
 * 按时办结 of one case: true when its first reply (after sign-off, or a direct answer) came within the handling
 * deadline; false when it came late, or when the unit is still handling it after that deadline (stage
 * `rectifying` and overdue now); null when it cannot be said yet (or at all: merged cases).
 */
export function completedOnTime(c: MetricsCase): boolean | null {
  if (has(c, 'merged')) return null;
  if (has(c, 'completed')) return !has(c, 'completed_late');
  return c.stage === 'rectifying' && c.overdue ? false : null;
}

/** 按时签收 of one case, the same way: late also while a unit has not signed for it past the deadline (`assigned`, overdue). */
export function signedOnTime(c: MetricsCase): boolean | null {
  if (has(c, 'merged')) return null;
  if (has(c, 'signed')) return !has(c, 'signed_late');
  return c.stage === 'assigned' && c.overdue ? false : null;
}

interface Tally {
  received: number;
  signNum: number;
  signDen: number;
  doneNum: number;
  doneDen: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  unreachable: number;
  resolved: number;
  unresolved: number;
  returned: number;
  returnsRefused: number;
  supported: number;
  reopened: number;
  completed: number;
  overdue: number;
  redFlags: number;
}

const emptyTally = (): Tally => ({
  received: 0,
  returnsRefused: 0,
  supported: 0,
  signNum: 0,
  signDen: 0,
  doneNum: 0,
  doneDen: 0,
  satisfied: 0,
  basicallySatisfied: 0,
  dissatisfied: 0,
  unreachable: 0,
  resolved: 0,
  unresolved: 0,
  returned: 0,
  reopened: 0,
  completed: 0,
  overdue: 0,
  redFlags: 0,
});

/**
 * Per-unit figures over `cases` (the cases registered in the period). Which case counts where:
 * - a case belongs to its **current** unit (`HuiyingUnit`); a direct answer belongs to `hotline` (话务直办);
 *   a merged case (flag `merged`) belongs to nobody and is not received; a case with no unit that is neither is
 *   `unassigned` (registered, or returned and awaiting re-assignment); a void call (flag `voided`) is the centre's
 *   count `voided`, never a unit's;
 * - each `returned_by:<u>` flag counts one return for u, whoever holds the case now and even if it was merged
 *   later: the return happened. A case u returned and later got back counts in u's returns and its received.
 * Lines: every unit of the directory (in its order), then `hotline`, then any other unit code met in the cases.
 * A case with `count` stands for that many alike (see `MetricsCase`).
 */
export function computeUnitMetrics(cases: readonly MetricsCase[], units: Pick<UnitDirectory, 'units' | 'name'>): MetricsReport {
  const tallies = new Map<string, Tally>();
  const tally = (unit: string): Tally => {
    let t = tallies.get(unit);
    if (!t) tallies.set(unit, (t = emptyTally()));
    return t;
  };
  for (const u of units.units) tally(u.code);
  tally(HOTLINE);

  let registered = 0;
  let merged = 0;
  let unassigned = 0;
  let voided = 0;
  for (const c of cases) {
    const n = c.count ?? 1;
    registered += n;
    const flags = parseFlags(c.flags);
    for (const unit of flags.returnedBy) tally(unit).returned += n;
    for (const unit of flags.returnRefused) tally(unit).returnsRefused += n;
    for (const unit of flags.supporting) tally(unit).supported += n;
    if (has(c, 'merged')) {
      merged += n;
      continue;
    }
    if (has(c, 'voided')) {
      voided += n;
      continue;
    }
    const owner = ownerOf(c);
    if (!owner) {
      unassigned += n;
      continue;
    }
    const t = tally(owner);
    t.received += n;
    const signed = signedOnTime(c);
    if (signed !== null) {
      t.signDen += n;
      if (signed) t.signNum += n;
    }
    const done = completedOnTime(c);
    if (done !== null) {
      t.doneDen += n;
      if (done) t.doneNum += n;
    }
    if (has(c, 'completed')) {
      t.completed += n;
      if (c.reopenCount > 0) t.reopened += n;
    }
    if (c.satisfaction === 'satisfied') t.satisfied += n;
    else if (c.satisfaction === 'basically_satisfied') t.basicallySatisfied += n;
    else if (c.satisfaction === 'dissatisfied') t.dissatisfied += n;
    else if (c.satisfaction === 'unreachable') t.unreachable += n;
    if (has(c, 'resolved')) t.resolved += n;
    if (has(c, 'unresolved')) t.unresolved += n;
    if (has(c, 'overdue_ever')) t.overdue += n;
    if (has(c, 'red_flag_ever')) t.redFlags += n;
  }

  const directory = new Set(units.units.map((u) => u.code));
  const others = [...tallies.keys()].filter((code) => code !== HOTLINE && !directory.has(code)).sort();
  const order = [...units.units.map((u) => u.code), HOTLINE, ...others];
  return {
    registered,
    merged,
    unassigned,
    voided,
    units: order.map((code) => line(code, code === HOTLINE ? HOTLINE_NAME : units.name(code), tallies.get(code)!)),
  };
}

function line(unit: string, name: string, t: Tally): UnitMetrics {
  const rated = t.satisfied + t.basicallySatisfied + t.dissatisfied;
  return {
    unit,
    name,
    received: t.received,
    onTimeSignFor: rate(t.signNum, t.signDen),
    onTimeCompletion: rate(t.doneNum, t.doneDen),
    satisfaction: {
      ...rate(t.satisfied + t.basicallySatisfied, rated),
      satisfied: t.satisfied,
      basicallySatisfied: t.basicallySatisfied,
      dissatisfied: t.dissatisfied,
      unreachable: t.unreachable,
    },
    resolution: rate(t.resolved, t.resolved + t.unresolved),
    returns: rate(t.returned, t.received + t.returned),
    returnsRefused: t.returnsRefused,
    supported: t.supported,
    reopens: rate(t.reopened, t.completed),
    overdue: t.overdue,
    redFlags: t.redFlags,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Periods: Asia/Shanghai calendar dates, `to` exclusive.

/** The longest period a report may span (a year, leap or not). */
export const MAX_PERIOD_DAYS = 366;

export const IsoDaySchema = z.string().refine(isIsoDay, { error: 'expected a real date written YYYY-MM-DD' });

export interface Period {
  /** First Shanghai date in the period. */
  from: string;
  /** First Shanghai date after it. */
  to: string;
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Midnight at the start of a Shanghai date (UTC+8, no daylight saving since 1991). */
export function shanghaiMidnight(day: string): Date {
  return new Date(`${day}T00:00:00+08:00`);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function firstOfNextMonth(day: string): string {
  const [y, m] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

/**
 * The period asked for: `from` defaults to the first day of the current Shanghai month, `to` to the first day
 * of the month after `from`'s. Returns a message naming the field when the result is empty or too long.
 */
export function resolvePeriod(q: { from?: string; to?: string }, now = new Date()): Period | { field: 'from' | 'to'; message: string } {
  const today = new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  const from = q.from ?? `${today.slice(0, 7)}-01`;
  const to = q.to ?? firstOfNextMonth(from);
  if (to <= from) return { field: 'to', message: `must be after from (${from}); to is exclusive` };
  if (daysBetween(from, to) > MAX_PERIOD_DAYS) return { field: 'to', message: `a period spans at most ${MAX_PERIOD_DAYS} days` };
  return { from, to };
}

/** True when the period is exactly one calendar month. */
export function isWholeMonth(p: Period): boolean {
  return p.from.endsWith('-01') && firstOfNextMonth(p.from) === p.to;
}
