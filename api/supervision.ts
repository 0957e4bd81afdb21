import { z } from 'zod';
import { StageSchema, STAGES, type Stage } from '../domain/case';
import type { WorkingCalendar } from '../domain/calendar';
import type { TimeLimits } from '../domain/limits';
import type { ListedCase } from '../domain/summary';
import { UnitSchema } from '../domain/units';
import type { Db } from '../db/pool';
import { stuckCandidates } from '../db/supervision-queries';

export const StuckQuerySchema = z.object({
  unit: UnitSchema.shape.code.optional(),
  stage: StageSchema.exclude(['closed']).optional(),
});

export type StuckReason = 'overdue' | 'due_soon' | 'stalled';

export interface StuckCase extends ListedCase {
  reasons: StuckReason[];
  /** How late the running deadline is, when it is: whole working days and hours past `dueAt`. */
  late: { workingDays: number; hours: number } | null;
  /** Working days spent in the current stage so far. */
  inStageWorkingDays: number | null;
}

/**
 * The supervisors' view (督办): every open case that is overdue, due soon, or stalled in its stage — all of them,
 * selected in SQL from the read model (never by reading histories), then classified by the domain rule below.
 */
export async function findStuckCases(
  db: Db,
  calendar: WorkingCalendar,
  limits: TimeLimits,
  filter: z.infer<typeof StuckQuerySchema>,
  now = new Date(),
): Promise<StuckCase[]> {
  const soon = calendar.addWorkingDays(now, limits.supervision.dueSoon).at;
  const stalledSince = (stage: Exclude<Stage, 'closed'>) => calendar.subtractWorkingDays(now, limits.supervision.stalled[stage]).at;
  const openStages = STAGES.filter((s): s is Exclude<Stage, 'closed'> => s !== 'closed');
  const found = await stuckCandidates(db, {
    unit: filter.unit,
    stage: filter.stage,
    dueBy: soon,
    stalledBefore: Object.fromEntries(openStages.map((s) => [s, stalledSince(s)])) as Record<Exclude<Stage, 'closed'>, Date>,
  });
  return classifyStuck(found, calendar, limits, now);
}

/** Why each case is stuck (if it is), how late, how long in its stage; most severe first. Pure. */
export function classifyStuck(cases: ListedCase[], calendar: WorkingCalendar, limits: TimeLimits, now: Date): StuckCase[] {
  return cases
    .map((c) => describe(c, calendar, limits, now))
    .filter((c) => c.reasons.length > 0)
    .sort(bySeverity);
}

function describe(c: ListedCase, calendar: WorkingCalendar, limits: TimeLimits, now: Date): StuckCase {
  const soon = calendar.addWorkingDays(now, limits.supervision.dueSoon).at;
  const stalledSince = (stage: Exclude<Stage, 'closed'>) => calendar.subtractWorkingDays(now, limits.supervision.stalled[stage]).at;
  const reasons: StuckReason[] = [];
  const due = c.dueAt ? new Date(c.dueAt) : null;
  // The recorded flag flips when the workflow's timer fires; the clock may be a moment ahead of it.
  const overdue = c.overdue || (due !== null && due <= now);
  const since = c.stageSince ? new Date(c.stageSince) : null;
  // A limit no longer than the "due soon" window (a half-day assignment, a one-day review) would be due soon
  // from the moment it starts; only longer ones can be "about to be overdue" in a way worth a supervisor's look.
  const longLimit = due !== null && since !== null && calendar.workingDaysBetween(since, due) > limits.supervision.dueSoon;
  if (overdue) reasons.push('overdue');
  else if (due && due <= soon && longLimit) reasons.push('due_soon');
  if (since && c.stage !== 'closed' && since < stalledSince(c.stage as Exclude<Stage, 'closed'>)) reasons.push('stalled');
  return {
    ...c,
    overdue,
    reasons,
    late:
      overdue && due
        ? {
            workingDays: Math.max(0, calendar.workingDaysBetween(due, now)),
            hours: Math.floor((now.getTime() - due.getTime()) / 3_600_000),
          }
        : null,
    inStageWorkingDays: since ? Math.max(0, calendar.workingDaysBetween(since, now)) : null,
  };
}

/** Red flags first, then the latest, then those due soonest. */
function bySeverity(a: StuckCase, b: StuckCase): number {
  return (
    Number(b.redFlag) - Number(a.redFlag) || (b.late?.hours ?? -1) - (a.late?.hours ?? -1) || (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9')
  );
}
