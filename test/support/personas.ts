/**
 * The people of every test, one file for all harnesses (time-skipping, deadlines, end to end) and the pure tests:
 * one person per role and unit, plus the awkward ones the separation-of-duties and authorization tests are about.
 * As a JWT describes them: the e2e harness signs tokens from these, the workflow tests pass them to updates.
 */
import type { Actor, ReviewLevel } from '../../domain/roles';

export const HOUSING = 'housing-construction';
export const TRANSPORT = 'transport';
export const HEALTH = 'health';

export const people = {
  operator: { id: 'op-li', name: '李话务', roles: ['operator'], levels: [] },
  dispatcher: { id: 'disp-zhao', name: '赵派单', roles: ['dispatcher'], levels: [] },
  housingHandler: { id: 'hc-wang', name: '王承办', roles: ['handler'], unit: HOUSING, levels: [] },
  transportHandler: { id: 'tr-chen', name: '陈承办', roles: ['handler'], unit: TRANSPORT, levels: [] },
  healthHandler: { id: 'hl-he', name: '何承办', roles: ['handler'], unit: HEALTH, levels: [] },
  reviewer1: { id: 'rv-1-sun', name: '孙初审', roles: ['reviewer'], levels: [1] },
  reviewer2: { id: 'rv-2-zhou', name: '周审核', roles: ['reviewer'], levels: [2] },
  reviewer3: { id: 'rv-3-wu', name: '吴审发', roles: ['reviewer'], levels: [3] },
  supervisor: { id: 'sup-qian', name: '钱督办', roles: ['supervisor'], levels: [] },
  admin: { id: 'adm-sun', name: '孙管理', roles: ['admin'], levels: [] },

  // The awkward ones.
  /** A reviewer holding two levels: may decide only one of them in a round. */
  reviewer12: { id: 'rv-12-zheng', name: '郑审核', roles: ['reviewer'], levels: [1, 2] },
  /** A housing handler who also holds every review level: may submit, but never review their own result. */
  housingHandlerReviewer: { id: 'hc-feng', name: '冯兼审', roles: ['handler', 'reviewer'], unit: HOUSING, levels: [1, 2, 3] },
  /** A handler of no unit: an incomplete identity, refused by the API and by the workflow alike. */
  unitlessHandler: { id: 'h-none', name: '无单位', roles: ['handler'], levels: [] },
} satisfies Record<string, Actor>;

export type Person = (typeof people)[keyof typeof people];

/** The single-level reviewer of each level. */
export const levelReviewers: Record<ReviewLevel, Actor> = { 1: people.reviewer1, 2: people.reviewer2, 3: people.reviewer3 };
