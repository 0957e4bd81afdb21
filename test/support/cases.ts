/**
 * Cases for every harness: one request body (`newCase`, what an operator registers and POST /cases takes), and one
 * way to start a case workflow past the API — the production recipe itself: `caseInputOf` (domain/intake.ts) builds
 * the input, `startCase` (temporal/start-case.ts) starts it with its search attributes, memo and id policies.
 */
import type { Client } from '@temporalio/client';
import type { CaseInput, NewCase } from '../../domain/case';
import { caseInputOf, type Intake } from '../../domain/intake';
import { DEFAULT_LIMITS } from '../../domain/limits';
import { startCase, type CaseHandle } from '../../temporal/start-case';
import { people } from './personas';

export type { CaseHandle };

export const CITIZEN_PHONE = '13800001234';
export const MASKED_PHONE = '138****1234';
export const CITIZEN = { name: '张市民', phone: CITIZEN_PHONE };

let citizenSeq = 0;
/** Another caller each time (the middle digits vary, so all mask to 138****1234): for tests where 并单 is on. */
export function distinctPhone(): string {
  citizenSeq += 1;
  return `138${String(citizenSeq % 10_000).padStart(4, '0')}1234`;
}

/** A valid new request (the body of POST /cases, JSON as a client sends it), with `overrides`. */
export function newCase(overrides: Partial<NewCase> = {}): NewCase {
  return {
    channel: 'hotline',
    type: 'complaint',
    urgent: false,
    confidential: false,
    citizen: { ...CITIZEN },
    title: '小区楼道灯长期不亮',
    content: '天池街道某小区3栋楼道灯坏了两个月，物业不修。',
    location: '乐至县天池街道',
    category: '物业管理',
    ...overrides,
  };
}

/** What a test says about a case it starts past the API; the rest as the API would have it. */
export type TestIntake = Omit<Intake, 'registeredAt' | 'registeredBy' | 'limits'> & {
  registeredAt: Date | string | number;
  /** Default: the operator persona. */
  registeredBy?: Intake['registeredBy'];
  /** Default: DEFAULT_LIMITS. */
  limits?: Intake['limits'];
};

export interface StartedCase {
  handle: CaseHandle;
  caseId: string;
  input: CaseInput;
}

/**
 * Starts a case workflow on `taskQueue` exactly as the API does (the same input builder, the same start call); with
 * `calendar`, the first deadline is computed at intake as the API does, without it the workflow plans it itself.
 */
export async function startCaseWith(client: Client, taskQueue: string, intake: TestIntake): Promise<StartedCase> {
  const input = caseInputOf({
    ...intake,
    registeredBy: intake.registeredBy ?? people.operator,
    limits: intake.limits ?? DEFAULT_LIMITS,
    registeredAt: new Date(intake.registeredAt).toISOString(),
  });
  const { handle } = await startCase(client, taskQueue, input);
  return { handle, caseId: input.id, input };
}
