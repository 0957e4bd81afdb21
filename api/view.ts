import type { CaseState } from '../domain/case';
import { currentDeadline } from '../domain/deadlines';
import { maskPhone } from '../domain/masking';
import { UNMASKED_PHONE_ROLES } from '../domain/permissions';
import type { Actor } from '../domain/roles';
import type { UnitDirectory } from '../domain/units';

export type CaseView = Omit<CaseState, 'requestHash'> & {
  unitName: string | null;
  /** The running deadline of the current stage, lifted out of `deadlines` for convenience. */
  dueAt: string | null;
  dueAtProvisional: boolean;
  overdue: boolean;
  redFlag: boolean;
};

/** The case as this caller may see it: the phone number only for those who must call the citizen. */
export function caseView(state: CaseState, actor: Actor, units: UnitDirectory): CaseView {
  const { requestHash: _hidden, ...rest } = state;
  const deadline = currentDeadline(state);
  const seesPhone = actor.roles.some((r) => UNMASKED_PHONE_ROLES.has(r));
  return {
    ...rest,
    citizen: seesPhone ? state.citizen : { ...state.citizen, phone: maskPhone(state.citizen.phone) },
    unitName: state.unit ? units.name(state.unit) : null,
    dueAt: deadline?.dueAt ?? null,
    dueAtProvisional: deadline?.provisional ?? false,
    overdue: deadline?.overdue ?? false,
    redFlag: deadline?.redFlag ?? false,
  };
}
