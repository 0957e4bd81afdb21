import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type SearchAttributePair,
  type SearchAttributeUpdatePair,
} from '@temporalio/common';
import type { CaseSearchValues, OperatorSearchValues } from '../domain/search';

/**
 * Every custom search attribute Huiying registers, with its Temporal type. Cases of the current workflow set only
 * the operator's four (OPERATOR_SEARCH_ATTRIBUTES); the rest stay registered for cases started on the first version
 * (case-v1.ts), which upsert them until they are archived. A new cluster with no such cases needs only the four.
 */
export const SEARCH_ATTRIBUTE_TYPES = {
  HuiyingStage: 'Keyword',
  HuiyingUnit: 'Keyword',
  HuiyingType: 'Keyword',
  HuiyingChannel: 'Keyword',
  HuiyingLedgerNo: 'Keyword',
  HuiyingSatisfaction: 'Keyword',
  HuiyingUrgent: 'Bool',
  HuiyingOverdue: 'Bool',
  HuiyingRedFlag: 'Bool',
  HuiyingReviewLevel: 'Int',
  HuiyingReopenCount: 'Int',
  HuiyingDueAt: 'Datetime',
  HuiyingStageSince: 'Datetime',
  HuiyingClosedAt: 'Datetime',
  HuiyingFlags: 'KeywordList',
  HuiyingCitizenKey: 'Keyword',
} as const;

/** What caseWorkflowV2 sets: domain/search.ts `operatorSearchValuesOf`. */
export const OPERATOR_SEARCH_ATTRIBUTES = [
  'HuiyingStage',
  'HuiyingUnit',
  'HuiyingLedgerNo',
  'HuiyingDueAt',
] as const satisfies readonly (keyof OperatorSearchValues)[];

export const keys = {
  HuiyingStage: defineSearchAttributeKey('HuiyingStage', SearchAttributeType.KEYWORD),
  HuiyingUnit: defineSearchAttributeKey('HuiyingUnit', SearchAttributeType.KEYWORD),
  HuiyingType: defineSearchAttributeKey('HuiyingType', SearchAttributeType.KEYWORD),
  HuiyingChannel: defineSearchAttributeKey('HuiyingChannel', SearchAttributeType.KEYWORD),
  HuiyingLedgerNo: defineSearchAttributeKey('HuiyingLedgerNo', SearchAttributeType.KEYWORD),
  HuiyingUrgent: defineSearchAttributeKey('HuiyingUrgent', SearchAttributeType.BOOL),
  HuiyingReviewLevel: defineSearchAttributeKey('HuiyingReviewLevel', SearchAttributeType.INT),
  HuiyingReopenCount: defineSearchAttributeKey('HuiyingReopenCount', SearchAttributeType.INT),
  HuiyingDueAt: defineSearchAttributeKey('HuiyingDueAt', SearchAttributeType.DATETIME),
  HuiyingOverdue: defineSearchAttributeKey('HuiyingOverdue', SearchAttributeType.BOOL),
  HuiyingRedFlag: defineSearchAttributeKey('HuiyingRedFlag', SearchAttributeType.BOOL),
  HuiyingStageSince: defineSearchAttributeKey('HuiyingStageSince', SearchAttributeType.DATETIME),
  HuiyingFlags: defineSearchAttributeKey('HuiyingFlags', SearchAttributeType.KEYWORD_LIST),
  HuiyingSatisfaction: defineSearchAttributeKey('HuiyingSatisfaction', SearchAttributeType.KEYWORD),
  HuiyingClosedAt: defineSearchAttributeKey('HuiyingClosedAt', SearchAttributeType.DATETIME),
  HuiyingCitizenKey: defineSearchAttributeKey('HuiyingCitizenKey', SearchAttributeType.KEYWORD),
} as const;

/** The pairs a case starts with (set in the start request, which costs no extra action). Unset values are left out. */
export function startSearchAttributes(values: CaseSearchValues | OperatorSearchValues): SearchAttributePair[] {
  return searchAttributeChanges(values, null).filter(
    (p) => p.value !== null && !(Array.isArray(p.value) && p.value.length === 0),
  ) as SearchAttributePair[];
}

/** Typed pairs for the values that differ from `before` (all of them when `before` is null). */
export function searchAttributeChanges<V extends CaseSearchValues | OperatorSearchValues>(
  values: V,
  before: V | null,
): SearchAttributeUpdatePair[] {
  const pairs: SearchAttributeUpdatePair[] = [];
  // In the order of `keys`, whatever the values' own order: recorded histories have their upserts in this order.
  for (const name of (Object.keys(keys) as (keyof CaseSearchValues)[]).filter((n) => n in values) as (keyof V & keyof CaseSearchValues)[]) {
    if (before && sameValue(before[name], values[name])) continue;
    // A null value removes the attribute (e.g. no deadline runs once a case is closed).
    pairs.push({ key: keys[name], value: values[name] } as SearchAttributeUpdatePair);
  }
  return pairs;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
