import type { CaseInput, CaseRef, NewCase } from './case';
import type { WorkingCalendar } from './calendar';
import { computeDeadline } from './deadlines';
import { policyFrom, type TimeLimits } from './limits';
import type { ActorRef } from './roles';
import { initialState, intakeDeadlines } from './rules';

/** What is known about a request when it is registered, before its case workflow starts. */
export interface Intake {
  id: string;
  ledgerNo: string;
  request: NewCase;
  registeredBy: Pick<ActorRef, 'id' | 'name'>;
  registeredAt: string;
  limits: TimeLimits;
  requestHash?: string;
  citizenKey?: string;
  /** 并单 at intake: the open case this request repeats. */
  mergeInto?: CaseRef;
  /**
   * With a calendar the first deadline is computed here, so the case starts with it at no extra cost; without one
   * the workflow plans it in its first task (what the workflow tests do).
   */
  calendar?: WorkingCalendar;
}

/** The case workflow's start input: the request plus the rules of the county fixed at registration. */
export function caseInputOf(intake: Intake): CaseInput {
  const { id, ledgerNo, request, registeredBy, registeredAt, limits, calendar } = intake;
  const base: CaseInput = {
    id,
    ledgerNo,
    request,
    registeredBy: { id: registeredBy.id, name: registeredBy.name, role: 'operator' },
    registeredAt,
    policy: policyFrom(limits),
    ...(intake.requestHash !== undefined ? { requestHash: intake.requestHash } : {}),
    ...(intake.citizenKey !== undefined ? { citizenKey: intake.citizenKey } : {}),
    ...(intake.mergeInto ? { mergeInto: intake.mergeInto } : {}),
  };
  if (!calendar) return base;
  const deadlines = intakeDeadlines(initialState(base, registeredAt)).map((r) => computeDeadline(r, calendar, limits));
  return { ...base, deadlines };
}
