/**
 * Cases and people for the unit tests of the domain rules: plain values, no Temporal, no server. A case is put in
 * any stage directly, so that every rule can be tried from every stage.
 */
import type { CaseInput, CaseState, NewCase, Stage } from '../../domain/case';
import type { Deadline } from '../../domain/deadline-schema';
import { DEFAULT_LIMITS, policyFrom } from '../../domain/limits';
import { initialState } from '../../domain/rules';
import { newCase } from '../support/cases';
import { HOUSING, people } from '../support/personas';

export { HOUSING, TRANSPORT, people } from '../support/personas';
export { CITIZEN as citizen } from '../support/cases';
export const REGISTERED_AT = '2026-03-02T01:00:00.000Z';
/** When the action under test is taken. */
export const AT = '2026-03-05T02:00:00.000Z';

export function input(patch: Partial<CaseInput> = {}, request: Partial<NewCase> = {}): CaseInput {
  return {
    id: 'unit000000000001',
    ledgerNo: 'LZ-2026-000001',
    request: newCase(request),
    registeredBy: { id: people.operator.id, name: people.operator.name, role: 'operator' },
    policy: policyFrom(DEFAULT_LIMITS),
    registeredAt: REGISTERED_AT,
    ...patch,
  };
}

/** A running handling deadline, as the deadline activity would have recorded it at assignment. */
export const HANDLING: Deadline = {
  key: 'handling',
  from: '2026-03-02T02:00:00.000Z',
  dueAt: '2026-03-23T02:00:00.000Z',
  warnAt: '2026-03-20T02:00:00.000Z',
  redFlagAt: '2026-03-30T02:00:00.000Z',
  provisional: false,
  warned: false,
  overdue: false,
  redFlag: false,
};

/**
 * The case put straight into `stage`, assigned to housing with a running handling deadline (whatever the stage: the
 * rules under test read only what they need), then `patch`.
 */
export function caseIn(stage: Stage, patch: Partial<CaseState> = {}): CaseState {
  const registered = initialState(input(), REGISTERED_AT);
  return {
    ...registered,
    stage,
    unit: HOUSING,
    deadlines: { handling: HANDLING },
    ...(stage === 'closed' ? { closedAt: '2026-03-04T02:00:00.000Z' } : {}),
    ...patch,
  };
}
