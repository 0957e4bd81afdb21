/**
 * The working-day calendar: which days count for deadlines (DOMAIN.md, "Working days").
 *
 * Pure module: no Node built-ins, no clock, no time-zone database, so workflows (Temporal's sandbox) and
 * browser code can import it. Loading county files from disk lives in config/calendar.ts.
 *
 * Sources, later winning over earlier for any given day:
 *   1. Monday–Friday, the fallback for every day nobody has spoken about;
 *   2. the State Council schedule shipped in `chinese-days` (holidays off, make-up days 调休补班 worked);
 *   3. county calendar files, in the order given.
 * A year is "covered" when the official data has it or a county file declares it complete; any answer
 * that depended on a day in an uncovered year is marked provisional instead of being silently wrong.
 *
 * Why we read `chinese-days`' data table instead of calling its functions: its helpers format a day in UTC
 * but take the weekday in the process time zone, so west of UTC they misjudge days (under
 * TZ=America/New_York, `isWorkday('2026-10-12')`, a Monday, is false) and `findWorkday` can land on a
 * holiday. The table is plain 'YYYY-MM-DD' keys, which we do all our arithmetic on without touching local time.
 */
import { z } from 'zod';
import officialTable from 'chinese-days/dist/chinese-days.json';

const DAY_MS = 86_400_000;
/**
 * Asia/Shanghai has been UTC+8 without daylight saving since 1991, so a fixed offset is exact for every date
 * this engine deals with and spares us a time-zone database the workflow sandbox may not have.
 */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** No government deadline is anywhere near this; a larger count is a bug upstream, not a deadline. */
const MAX_WORKING_DAYS = 10_000;

/** Days since 1970-01-01 on the Shanghai calendar; integer arithmetic on these never depends on local time. */
type DayNumber = number;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function formatDay(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function parseDay(text: string): DayNumber | undefined {
  const match = ISO_DAY.exec(text);
  if (!match) return undefined;
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
  // Date.UTC rolls 2026-02-30 over into March (and maps years 0–99 to 19xx); the round trip rejects both.
  return formatDay(day) === text ? day : undefined;
}

function requireDay(text: string): DayNumber {
  const day = parseDay(text);
  if (day === undefined) throw new RangeError(`expected a real date written YYYY-MM-DD, got ${JSON.stringify(text)}`);
  return day;
}

function yearOf(day: DayNumber): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

function dayOfInstant(ms: number): DayNumber {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

function isMondayToFriday(day: DayNumber): boolean {
  // 1970-01-01 was a Thursday; with Sunday as 0, weekday = (day + 4) mod 7.
  const weekday = (((day + 4) % 7) + 7) % 7;
  return weekday >= 1 && weekday <= 5;
}

/**
 * Number of Monday–Friday days up to and including `day`, counted from an arbitrary origin: only differences
 * are meaningful. Shifted by 4, Mondays fall on 1 (mod 7) and Fridays on 5, so the remainder, capped at 5,
 * counts the working days of the current week and each full week before it adds 5.
 */
function mondayToFridayUpTo(day: DayNumber): number {
  const shifted = day + 4;
  const weeks = Math.floor(shifted / 7);
  return 5 * weeks + Math.min(shifted - 7 * weeks, 5);
}

function requireInstant(instant: Date): number {
  // Not `instanceof`: Dates from another realm (Jest's or Temporal's vm sandbox) would fail it.
  const ms = Object.prototype.toString.call(instant) === '[object Date]' ? instant.getTime() : NaN;
  if (Number.isNaN(ms)) throw new RangeError('expected a valid Date');
  return ms;
}

function requireCount(n: number): void {
  if (!Number.isFinite(n) || n < 0 || n > MAX_WORKING_DAYS) {
    throw new RangeError(`working-day count must be a number from 0 to ${MAX_WORKING_DAYS}, got ${n}`);
  }
}

/** The Asia/Shanghai calendar day ('YYYY-MM-DD') of an instant, whatever the process time zone. */
export function shanghaiDay(instant: Date): string {
  return formatDay(dayOfInstant(requireInstant(instant)));
}

/** True for a real calendar date written exactly 'YYYY-MM-DD'. */
export function isIsoDay(text: string): boolean {
  return parseDay(text) !== undefined;
}

// ---------------------------------------------------------------------------------------------------------
// County calendar files

const IsoDaySchema = z.string().refine(isIsoDay, { error: 'expected a real date written YYYY-MM-DD' });

/**
 * A county's calendar file (format documented in config/calendars/README.md). Strict, so a misspelt key
 * ("holiday") is an error rather than a silently ignored list.
 */
export const CalendarFileSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    /** Restricts every date in the file to this year; required to declare the year complete. */
    year: z.number().int().min(1970).max(9999).optional(),
    /** The file lists every deviation from Monday–Friday for `year`, so answers in it are not provisional. */
    complete: z.boolean().optional(),
    /** Days off, e.g. a local holiday or a day the county closes; overrides official make-up days. */
    holidays: z.array(IsoDaySchema).optional(),
    /** Days worked, e.g. a make-up Saturday; overrides official holidays. */
    workdays: z.array(IsoDaySchema).optional(),
  })
  .superRefine((file, ctx) => {
    if (file.complete && file.year === undefined) {
      ctx.addIssue({ code: 'custom', path: ['complete'], message: 'declaring a year complete needs "year"' });
    }
    const holidays = new Set(file.holidays ?? []);
    const checkList = (list: 'holidays' | 'workdays') =>
      (file[list] ?? []).forEach((day, index) => {
        if (!isIsoDay(day)) return; // already reported by the element schema
        if (file.year !== undefined && Number(day.slice(0, 4)) !== file.year) {
          ctx.addIssue({ code: 'custom', path: [list, index], message: `${day} is not in year ${file.year}` });
        }
        if (list === 'workdays' && holidays.has(day)) {
          ctx.addIssue({ code: 'custom', path: [list, index], message: `${day} is also listed in holidays` });
        }
      });
    checkList('holidays');
    checkList('workdays');
  });

export type CalendarFile = z.infer<typeof CalendarFileSchema>;

export interface CalendarFileIssue {
  /** Field path such as "holidays[2]"; empty for the file as a whole. */
  field: string;
  message: string;
}

export class InvalidCalendarFileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly CalendarFileIssue[],
  ) {
    super(`invalid calendar file ${file}: ${issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ')}`);
    this.name = 'InvalidCalendarFileError';
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** Validates one county file; `label` (a path or name) is what the error reports. */
export function parseCalendarFile(input: unknown, label: string): CalendarFile {
  const result = CalendarFileSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidCalendarFileError(
    label,
    result.error.issues.map((issue) => ({ field: fieldPath(issue.path), message: issue.message })),
  );
}

// ---------------------------------------------------------------------------------------------------------
// The calendar

export interface ShiftResult {
  at: Date;
  /** Some day consulted lies in a year with no known schedule, so Monday–Friday was assumed for it. */
  provisional: boolean;
}

export interface WorkingDayCount {
  days: number;
  provisional: boolean;
}

export interface WorkingCalendar {
  isWorkday(day: string): boolean;
  isCovered(year: number): boolean;
  /** Years with a known schedule, ascending. */
  coveredYears(): number[];
  shanghaiDay(instant: Date): string;
  addWorkingDays(from: Date, n: number): ShiftResult;
  subtractWorkingDays(from: Date, n: number): ShiftResult;
  /** Working days from a's Shanghai day to b's: those in (a's day, b's day], negated when b is earlier. */
  workingDaysBetween(a: Date, b: Date): number;
  /** workingDaysBetween, plus whether any day counted lies in an uncovered year. */
  countWorkingDays(a: Date, b: Date): WorkingDayCount;
}

interface OfficialTable {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** Official per-day decisions and the years they cover; built once, shared by every calendar. */
interface DayTable {
  status: Map<DayNumber, boolean>;
  years: Set<number>;
}

let official: DayTable | undefined;

function officialDays(): DayTable {
  if (official) return official;
  const table = officialTable as OfficialTable;
  const status = new Map<DayNumber, boolean>();
  const years = new Set<number>();
  // Workdays after holidays so a day listed in both (none in 1.5.7) counts as worked, as chinese-days does.
  for (const [list, worked] of [
    [table.holidays, false],
    [table.workdays, true],
  ] as const) {
    for (const text of Object.keys(list)) {
      const day = requireDay(text);
      status.set(day, worked);
      // Every year's notice starts with New Year's Day in that year, so listing days only ever spills
      // backwards (e.g. 31 Dec); a year appears here only once its own schedule is published.
      years.add(yearOf(day));
    }
  }
  official = { status, years };
  return official;
}

interface Deviations {
  /** Days whose status differs from Monday–Friday, ascending. */
  days: DayNumber[];
  /** prefix[i] = net effect (+1 worked weekend day, −1 weekday off) of days[0..i). */
  prefix: number[];
}

function deviationsFrom(status: Map<DayNumber, boolean>): Deviations {
  const days = [...status.keys()].filter((day) => status.get(day) !== isMondayToFriday(day)).sort((a, b) => a - b);
  const prefix = [0];
  for (const day of days) prefix.push(prefix[prefix.length - 1] + (status.get(day) ? 1 : -1));
  return { days, prefix };
}

/** Number of deviations on or before `day` (binary search: upper bound). */
function deviationsUpTo(days: readonly DayNumber[], day: DayNumber): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid] <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createCalendar(opts: { overrides?: readonly CalendarFile[] } = {}): WorkingCalendar {
  const base = officialDays();
  const status = new Map(base.status);
  const covered = new Set(base.years);
  (opts.overrides ?? []).forEach((input, index) => {
    const file = parseCalendarFile(input, input.name ?? `override #${index + 1}`);
    for (const day of file.holidays ?? []) status.set(requireDay(day), false);
    for (const day of file.workdays ?? []) status.set(requireDay(day), true);
    if (file.complete && file.year !== undefined) covered.add(file.year);
  });
  const deviations = deviationsFrom(status);

  const isWorkdayNumber = (day: DayNumber): boolean => status.get(day) ?? isMondayToFriday(day);

  /** Working days in [0, day] up to a constant: a difference gives the count over any range in O(log n). */
  const cumulative = (day: DayNumber): number => {
    const i = deviationsUpTo(deviations.days, day);
    return mondayToFridayUpTo(day) + deviations.prefix[i];
  };

  const rangeCovered = (first: DayNumber, last: DayNumber): boolean => {
    for (let year = yearOf(first); year <= yearOf(last); year++) if (!covered.has(year)) return false;
    return true;
  };

  /** The nth working day strictly after (step +1) or before (step −1) `start`. */
  const nthWorkingDay = (start: DayNumber, n: number, step: 1 | -1): DayNumber => {
    let day = start;
    for (let remaining = n; remaining > 0;) {
      day += step;
      if (isWorkdayNumber(day)) remaining--;
    }
    return day;
  };

  /**
   * "N working days after T" (step +1) or before (step −1): the same Shanghai clock time on the Nth working
   * day after (before) T's Shanghai date; N = 0 gives T itself. Counting from T's date means T on a weekend
   * still reaches the first following working day with N = 1.
   *
   * A fractional N (0.5 = "half a working day") takes the whole part as above, then moves by fraction × 24 h;
   * if that lands on a non-working day it moves on in the same direction to the nearest working day at the
   * same clock time. So Friday 15:00 + 0.5 is Saturday 03:00, which becomes Monday 03:00.
   */
  const shift = (from: Date, n: number, step: 1 | -1): ShiftResult => {
    const startMs = requireInstant(from);
    requireCount(n);
    const whole = Math.floor(n);
    const start = dayOfInstant(startMs);
    const target = nthWorkingDay(start, whole, step);
    let provisional = whole > 0 && !rangeCovered(Math.min(start + step, target), Math.max(start + step, target));
    let atMs = startMs + (target - start) * DAY_MS;

    const fraction = n - whole;
    if (fraction > 0) {
      atMs += step * fraction * DAY_MS;
      const landed = dayOfInstant(atMs);
      let day = landed;
      while (!isWorkdayNumber(day)) day += step;
      atMs += (day - landed) * DAY_MS;
      provisional ||= !rangeCovered(Math.min(landed, day), Math.max(landed, day));
    }
    return { at: new Date(atMs), provisional };
  };

  const countWorkingDays = (a: Date, b: Date): WorkingDayCount => {
    const from = dayOfInstant(requireInstant(a));
    const to = dayOfInstant(requireInstant(b));
    if (from === to) return { days: 0, provisional: false };
    const [first, last] = from < to ? [from + 1, to] : [to + 1, from];
    return { days: cumulative(to) - cumulative(from), provisional: !rangeCovered(first, last) };
  };

  return {
    isWorkday: (day) => isWorkdayNumber(requireDay(day)),
    isCovered: (year) => covered.has(year),
    coveredYears: () => [...covered].sort((x, y) => x - y),
    shanghaiDay,
    addWorkingDays: (from, n) => shift(from, n, 1),
    subtractWorkingDays: (from, n) => shift(from, n, -1),
    workingDaysBetween: (a, b) => countWorkingDays(a, b).days,
    countWorkingDays,
  };
}
