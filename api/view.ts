import type { CaseState } from '../domain/case';
import { currentDeadline } from '../domain/deadlines';
import { citizenAs, citizenVisibility, redactCase, type CitizenVisibility } from '../domain/privacy';
import type { Actor } from '../domain/roles';
import type { UnitDirectory } from '../domain/units';
import { workingDaysLeft, type CaseView } from '../domain/view';
import type { WorkingCalendar } from '../domain/calendar';

/** What the audit needs to know about a view on its way out (see api/audit.ts), kept beside it, not in it. */
export interface ViewFacts {
  caseId: string;
  ledgerNo: string;
  visibility: CitizenVisibility;
}
const facts = new WeakMap<object, ViewFacts>();

/** The facts of a body that `caseView` made, or undefined for any other body. */
export function viewFacts(body: unknown): ViewFacts | undefined {
  return typeof body === 'object' && body !== null ? facts.get(body) : undefined;
}

/**
 * The case as this caller may see it. How much of the citizen is decided by `citizenVisibility` alone: in full
 * for those who must call them, masked for the others, hidden from the units a protected case concerns.
 */
export function caseView(state: CaseState, actor: Actor, units: UnitDirectory, calendar: WorkingCalendar, now = new Date()): CaseView {
  const { requestHash: _hidden, ...rest } = state;
  const deadline = currentDeadline(state);
  const visibility = citizenVisibility(state, actor);
  const redacted = redactCase(rest, state.citizen, visibility);
  const view: CaseView = {
    ...redacted,
    // Notes name units by code (交办至 housing-construction); people read 交办至 县住建局.
    timeline: redacted.timeline.map((e) => (e.note === undefined ? e : { ...e, note: units.withNames(e.note) })),
    citizen: citizenAs(state.citizen, visibility),
    unitName: state.unit ? units.name(state.unit) : null,
    dueAt: deadline?.dueAt ?? null,
    dueAtProvisional: deadline?.provisional ?? false,
    overdue: deadline?.overdue ?? false,
    redFlag: deadline?.redFlag ?? false,
    workingDaysLeft: workingDaysLeft(calendar, deadline?.dueAt ?? null, now),
    citizenVisibility: visibility,
  };
  facts.set(view, { caseId: state.id, ledgerNo: state.ledgerNo, visibility });
  return view;
}
