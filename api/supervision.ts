import { z } from 'zod';
import { OPEN_STAGES, StageSchema, type OpenStage } from '../domain/case';
import type { WorkingCalendar } from '../domain/calendar';
import type { TimeLimits } from '../domain/limits';
import type { ListedCase } from '../domain/summary';
import type { StuckCase, StuckPage, StuckReason } from '../domain/stuck';
import { UnitSchema } from '../domain/units';
import type { Db } from '../db/pool';
import { stuckCandidates, stuckCasesByIds, type StuckCandidate } from '../db/supervision-queries';

/** A page of the supervisors' view holds this many cases unless `limit` says otherwise (at most `STUCK_PAGE_MAX`). */
export const STUCK_PAGE_DEFAULT = 100;
export const STUCK_PAGE_MAX = 1000;

/**
 * Where the next page starts, opaque to clients: base64url of [asOf, redFlag, lateHours, dueAt, id] — the instant the
 * first page was classified at (every later page classifies at the same instant, so the order cannot shift under a
 * walk while the clock moves) and the severity key of the last case listed. Checked in the query schema, so a
 * malformed or altered token is a 400 naming `query.pageToken` before any query runs.
 */
export interface StuckCursor {
  asOf: Date;
  key: SeverityKey;
}

const StuckCursorSchema = z.tuple([
  z.iso.datetime(),
  z.union([z.literal(0), z.literal(1)]),
  z.number().int(),
  z.iso.datetime().nullable(),
  z.string().min(1).max(100),
]);

export function encodeStuckPageToken(c: StuckCursor): string {
  const k = c.key;
  const dueAt = k.dueMs === null ? null : new Date(k.dueMs).toISOString();
  return Buffer.from(JSON.stringify([c.asOf.toISOString(), k.redFlag ? 1 : 0, k.lateHours, dueAt, k.id])).toString('base64url');
}

function decodeStuckPageToken(token: string): StuckCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length > 400) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = StuckCursorSchema.safeParse(json);
  if (!parsed.success) return null;
  const [asOf, red, lateHours, dueAt, id] = parsed.data;
  return { asOf: new Date(asOf), key: { redFlag: red === 1, lateHours, dueMs: dueAt === null ? null : Date.parse(dueAt), id } };
}

export const StuckQuerySchema = z.object({
  unit: UnitSchema.shape.code.optional(),
  stage: StageSchema.exclude(['closed']).optional(),
  limit: z.coerce.number().int().min(1).max(STUCK_PAGE_MAX).default(STUCK_PAGE_DEFAULT),
  pageToken: z
    .string()
    .transform((token, ctx) => {
      if (token === '') return undefined;
      const cursor = decodeStuckPageToken(token);
      if (!cursor) {
        ctx.issues.push({ code: 'custom', message: 'not a page token this API gave out (use nextPageToken as it is)', input: token });
        return z.NEVER;
      }
      return cursor;
    })
    .optional(),
});
/** What `findStuckCases` takes: the parsed query (`limit` defaults to `STUCK_PAGE_DEFAULT`; no token: the first page). */
export interface StuckFilter {
  unit?: string;
  stage?: OpenStage;
  limit?: number;
  pageToken?: StuckCursor;
}

/**
 * The supervisors' rule, with its cut-offs computed once for `now`: why a case is stuck (if it is), its severity key,
 * how late and how long in its stage. Only `dueSoon` of a case due within the window and `details` ask the calendar
 * per case; everything else is a comparison of instants.
 */
export class StuckRule {
  readonly nowMs: number;
  private readonly soonMs: number;
  private readonly stalledBeforeMs: Record<OpenStage, number>;

  constructor(
    private readonly calendar: WorkingCalendar,
    private readonly limits: TimeLimits,
    readonly now: Date,
  ) {
    this.nowMs = now.getTime();
    this.soonMs = calendar.addWorkingDays(now, limits.supervision.dueSoon).at.getTime();
    this.stalledBeforeMs = Object.fromEntries(
      OPEN_STAGES.map((s) => [s, calendar.subtractWorkingDays(now, limits.supervision.stalled[s]).at.getTime()]),
    ) as Record<OpenStage, number>;
  }

  /** The SQL preselection: overdue, due by the due-soon cut-off, or in its stage since before the stage's stall cut-off. */
  selection(): { dueBy: Date; stalledBefore: Record<OpenStage, Date> } {
    return {
      dueBy: new Date(this.soonMs),
      stalledBefore: Object.fromEntries(OPEN_STAGES.map((s) => [s, new Date(this.stalledBeforeMs[s])])) as Record<OpenStage, Date>,
    };
  }

  /** The recorded flag flips when the workflow's timer fires; the clock may be a moment ahead of it. */
  isOverdue(c: StuckCandidate): boolean {
    return c.overdue || (c.dueMs !== null && c.dueMs <= this.nowMs);
  }

  reasons(c: StuckCandidate): StuckReason[] {
    const reasons: StuckReason[] = [];
    if (this.isOverdue(c)) reasons.push('overdue');
    else if (c.dueMs !== null && c.dueMs <= this.soonMs && this.longLimit(c)) reasons.push('due_soon');
    if (c.sinceMs !== null && c.stage !== 'closed' && c.sinceMs < this.stalledBeforeMs[c.stage as OpenStage]) reasons.push('stalled');
    return reasons;
  }

  /**
   * A limit no longer than the "due soon" window (a half-day assignment, a one-day review) would be due soon from
   * the moment it starts; only longer ones can be "about to be overdue" in a way worth a supervisor's look.
   */
  private longLimit(c: StuckCandidate): boolean {
    return (
      c.dueMs !== null &&
      c.sinceMs !== null &&
      this.calendar.workingDaysBetween(new Date(c.sinceMs), new Date(c.dueMs)) > this.limits.supervision.dueSoon
    );
  }

  /** Hours past `dueAt` when overdue (−1 otherwise, as `late` is null then): the second part of the severity key. */
  lateHours(c: StuckCandidate): number {
    return this.isOverdue(c) && c.dueMs !== null ? Math.floor((this.nowMs - c.dueMs) / 3_600_000) : -1;
  }

  key(c: StuckCandidate): SeverityKey {
    return { redFlag: c.redFlag, lateHours: this.lateHours(c), dueMs: c.dueMs, id: c.id };
  }

  details(c: StuckCandidate): Pick<StuckCase, 'late' | 'inStageWorkingDays'> {
    const overdue = this.isOverdue(c);
    return {
      late:
        overdue && c.dueMs !== null
          ? { workingDays: Math.max(0, this.calendar.workingDaysBetween(new Date(c.dueMs), this.now)), hours: this.lateHours(c) }
          : null,
      inStageWorkingDays: c.sinceMs !== null ? Math.max(0, this.calendar.workingDaysBetween(new Date(c.sinceMs), this.now)) : null,
    };
  }
}

/** What the order is made of: red flags first, then the latest, then those due soonest, then the id (a total order). */
export interface SeverityKey {
  redFlag: boolean;
  lateHours: number;
  dueMs: number | null;
  id: string;
}

export function bySeverity(a: SeverityKey, b: SeverityKey): number {
  if (a.redFlag !== b.redFlag) return a.redFlag ? -1 : 1;
  if (a.lateHours !== b.lateHours) return b.lateHours - a.lateHours;
  if (a.dueMs !== b.dueMs) return a.dueMs === null ? 1 : b.dueMs === null ? -1 : a.dueMs - b.dueMs;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const candidateOf = (c: ListedCase): StuckCandidate => ({
  id: c.id,
  stage: c.stage,
  sinceMs: c.stageSince ? Date.parse(c.stageSince) : null,
  dueMs: c.dueAt ? Date.parse(c.dueAt) : null,
  overdue: c.overdue,
  redFlag: c.redFlag,
});

/**
 * The supervisors' view (督办), one page of it: every open case that is overdue, due soon, or stalled in its stage,
 * selected in SQL from the read model (never by reading histories) on a few narrow columns, classified by
 * `StuckRule`, counted (`total`, `byReason`: exact, over every page) and ordered most severe first; only the page's
 * cases are then read whole and get their `late` and `inStageWorkingDays`. Pages follow one another by a keyset
 * cursor on the severity key at the first page's instant (`asOf`): walking `nextPageToken` lists every stuck case
 * exactly once, whatever the clock does meanwhile (a case whose row changes during the walk may move, as in any list).
 */
export async function findStuckCases(
  db: Db,
  calendar: WorkingCalendar,
  limits: TimeLimits,
  filter: StuckFilter,
  now = new Date(),
): Promise<StuckPage> {
  const after = filter.pageToken;
  const limit = filter.limit ?? STUCK_PAGE_DEFAULT;
  const rule = new StuckRule(calendar, limits, after?.asOf ?? now);

  const candidates = await stuckCandidates(db, { unit: filter.unit, stage: filter.stage, ...rule.selection() });
  const byReason = { overdue: 0, due_soon: 0, stalled: 0 };
  const stuck: { c: StuckCandidate; key: SeverityKey; reasons: StuckReason[] }[] = [];
  for (const c of candidates) {
    const reasons = rule.reasons(c);
    if (reasons.length === 0) continue;
    for (const r of reasons) byReason[r]++;
    stuck.push({ c, key: rule.key(c), reasons });
  }
  stuck.sort((a, b) => bySeverity(a.key, b.key));

  let start = 0;
  if (after) {
    // The first case after the cursor's key (binary search: the list is sorted by the same total order).
    let hi = stuck.length;
    while (start < hi) {
      const mid = (start + hi) >>> 1;
      if (bySeverity(stuck[mid].key, after.key) <= 0) start = mid + 1;
      else hi = mid;
    }
  }
  const page = stuck.slice(start, start + limit);
  const rows = new Map(
    (
      await stuckCasesByIds(
        db,
        page.map((s) => s.c.id),
      )
    ).map((c) => [c.id, c]),
  );
  const items: StuckCase[] = [];
  for (const s of page) {
    const listed = rows.get(s.c.id);
    if (!listed) continue; // gone between the two reads (it cannot be: rows are never deleted but by a rebuild)
    items.push({ ...listed, overdue: rule.isOverdue(s.c), reasons: s.reasons, ...rule.details(s.c) });
  }
  const last = page[page.length - 1];
  return {
    items,
    nextPageToken: start + limit < stuck.length && last ? encodeStuckPageToken({ asOf: rule.now, key: last.key }) : null,
    total: stuck.length,
    byReason,
    asOf: rule.now.toISOString(),
  };
}

/** Why each case is stuck (if it is), how late, how long in its stage; most severe first. Pure: every case at once. */
export function classifyStuck(cases: ListedCase[], calendar: WorkingCalendar, limits: TimeLimits, now: Date): StuckCase[] {
  const rule = new StuckRule(calendar, limits, now);
  return cases
    .map((listed) => {
      const c = candidateOf(listed);
      return { key: rule.key(c), item: { ...listed, overdue: rule.isOverdue(c), reasons: rule.reasons(c), ...rule.details(c) } };
    })
    .filter((x) => x.item.reasons.length > 0)
    .sort((a, b) => bySeverity(a.key, b.key))
    .map((x) => x.item);
}
