import type { CaseState, RequestType, Stage } from './case';
import type { Deadline, DeadlineKey } from './deadline-schema';
import type { WorkingCalendar } from './calendar';
import type { TimeLimits } from './limits';

export const STAGE_DEADLINE: Record<Stage, DeadlineKey | null> = {
  registered: 'assign',
  assigned: 'signFor',
  rectifying: 'handling',
  reviewing: 'review',
  replied: 'callback',
  deciding: null,
  closed: null,
};

/** What the workflow asks the deadline activity to compute; `extendBy` moves an existing due date. */
export interface DeadlineRequest {
  key: DeadlineKey;
  /** Workflow time when asked: activities must not read their own clock (tests skip time). */
  at: string;
  from: string;
  type: RequestType;
  urgent: boolean;
  extendBy?: number;
  /** Recorded on the deadline (see DeadlineSchema): its clock's first start and the extensions it carries in all. */
  origin?: string;
  extendedBy?: number;
}

/**
 * Computes a deadline on the working-day calendar. Runs in an activity, never in workflow code: calendar
 * data changes with package upgrades, and a date recorded in history must never change on replay.
 */
export function computeDeadline(req: DeadlineRequest, calendar: WorkingCalendar, limits: TimeLimits): Deadline {
  const from = new Date(req.from);
  let due: { at: Date; provisional: boolean };
  if (req.extendBy !== undefined) {
    due = calendar.addWorkingDays(from, req.extendBy);
  } else if (req.key === 'handling' && req.urgent) {
    // Urgent cases run on calendar hours: nights and holidays do not stop the clock.
    due = { at: new Date(from.getTime() + limits.urgentHandlingHours * 3_600_000), provisional: false };
  } else {
    due = calendar.addWorkingDays(from, limitFor(req.key, req.type, limits));
  }
  const warn = calendar.subtractWorkingDays(due.at, limits.warnBefore);
  const redFlag = calendar.addWorkingDays(due.at, limits.redFlagAfter);
  const startedAt = Date.parse(req.at);
  return {
    key: req.key,
    from: req.from,
    dueAt: due.at.toISOString(),
    warnAt: warn.at.getTime() > startedAt && limits.warnBefore > 0 ? warn.at.toISOString() : null,
    redFlagAt: redFlag.at.toISOString(),
    provisional: due.provisional || warn.provisional || redFlag.provisional,
    ...(req.extendedBy !== undefined ? { origin: req.origin ?? req.from, extendedBy: req.extendedBy } : {}),
    warned: false,
    overdue: false,
    redFlag: false,
  };
}

function limitFor(key: DeadlineKey, type: RequestType, limits: TimeLimits): number {
  switch (key) {
    case 'assign':
      return limits.assign;
    case 'signFor':
      return limits.signFor;
    case 'handling':
      return limits.handling[type];
    case 'review':
      return limits.review;
    case 'callback':
      return limits.callback;
  }
}

/**
 * Which deadlines a change of state starts. Handling is counted from assignment and survives a review
 * rejection; a reopening (重办) starts it again; each review level and the call-back get their own.
 */
export function deadlinesStarted(prev: CaseState | null, next: CaseState, at: string): DeadlineRequest[] {
  const base = { at, from: at, type: next.type, urgent: next.urgent };
  // After an extension, a fresh handling clock says it carries none: a calendar update can then tell it from an extended one.
  const handlingBase = next.extension.approvedCount > 0 ? { ...base, extendedBy: 0 } : base;
  if (!prev) return next.stage === 'registered' ? [{ key: 'assign', ...base }] : [];
  const requests: DeadlineRequest[] = [];
  if (next.stage === 'registered' && prev.stage !== 'registered') requests.push({ key: 'assign', ...base });
  // Assigned, or re-assigned to another unit (改派): the unit's clocks start from now.
  if (next.stage === 'assigned' && (prev.stage !== 'assigned' || prev.unit !== next.unit))
    requests.push({ key: 'signFor', ...base }, { key: 'handling', ...handlingBase });
  // A reopening (重办: after a call-back, a supervisor's decision or a failed spot-check) restarts handling.
  if (next.reopenCount > prev.reopenCount) requests.push({ key: 'handling', ...handlingBase });
  if (next.stage === 'reviewing' && (prev.stage !== 'reviewing' || prev.reviewLevel !== next.reviewLevel))
    requests.push({ key: 'review', ...base });
  if (next.stage === 'replied' && prev.stage !== 'replied') requests.push({ key: 'callback', ...base });
  const extendBy = next.extension.approvedDays - prev.extension.approvedDays;
  const handling = next.deadlines.handling;
  if (extendBy > 0 && handling)
    requests.push({ key: 'handling', ...base, from: handling.dueAt, extendBy, ...extensionChain(prev, handling, extendBy) });
  return requests;
}

/**
 * Where an extended handling deadline's clock first started and what extensions it carries in all. Unknown (nothing
 * recorded) for a deadline recorded before this was kept that may already have been extended: it cannot be told apart.
 */
function extensionChain(prev: CaseState, handling: Deadline, extendBy: number): Pick<DeadlineRequest, 'origin' | 'extendedBy'> {
  if (handling.extendedBy !== undefined) return { origin: handling.origin ?? handling.from, extendedBy: handling.extendedBy + extendBy };
  if (prev.extension.approvedCount === 0) return { origin: handling.from, extendedBy: extendBy };
  return {};
}

/** Records computed deadlines; a new deadline of a kind replaces the old one with fresh warning/overdue flags. */
export function withDeadlines(state: CaseState, deadlines: Deadline[]): CaseState {
  const merged = { ...state.deadlines };
  for (const d of deadlines) merged[d.key] = d;
  return { ...state, deadlines: merged };
}

export type MilestoneKind = 'warn' | 'overdue' | 'redFlag';

export interface Milestone {
  kind: MilestoneKind;
  key: DeadlineKey;
  at: string;
  /** Changes whenever the running deadline or its next step changes: the timer waits on this. */
  id: string;
}

/** The next thing to happen to the running deadline, if any: a warning, then overdue, then the red flag. */
export function nextMilestone(state: CaseState): Milestone | null {
  const key = STAGE_DEADLINE[state.stage];
  const d = key ? state.deadlines[key] : undefined;
  if (!key || !d) return null;
  // The time is part of the id: a calendar update may move a warning or red flag while the due date stays.
  const make = (kind: MilestoneKind, at: string): Milestone => ({ kind, key, at, id: `${key}:${d.dueAt}:${kind}@${at}` });
  if (!d.overdue && !d.warned && d.warnAt) return make('warn', d.warnAt);
  if (!d.overdue) return make('overdue', d.dueAt);
  if (!d.redFlag) return make('redFlag', d.redFlagAt);
  return null;
}

/** The running deadline of the current stage, for the API and the search attributes. */
export function currentDeadline(state: CaseState): Deadline | null {
  const key = STAGE_DEADLINE[state.stage];
  return (key && state.deadlines[key]) || null;
}

/** "2026-10-23 10:00" in Asia/Shanghai, for people's messages. */
export function formatShanghai(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
