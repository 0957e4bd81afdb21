import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { CaseSearchValues } from '../domain/search';

/** Every custom search attribute Huiying registers, with its Temporal type. Later features use the spare ones. */
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
} as const;

export const keys = {
  HuiyingStage: defineSearchAttributeKey('HuiyingStage', SearchAttributeType.KEYWORD),
  HuiyingUnit: defineSearchAttributeKey('HuiyingUnit', SearchAttributeType.KEYWORD),
  HuiyingType: defineSearchAttributeKey('HuiyingType', SearchAttributeType.KEYWORD),
  HuiyingChannel: defineSearchAttributeKey('HuiyingChannel', SearchAttributeType.KEYWORD),
  HuiyingLedgerNo: defineSearchAttributeKey('HuiyingLedgerNo', SearchAttributeType.KEYWORD),
  HuiyingUrgent: defineSearchAttributeKey('HuiyingUrgent', SearchAttributeType.BOOL),
  HuiyingReviewLevel: defineSearchAttributeKey('HuiyingReviewLevel', SearchAttributeType.INT),
  HuiyingReopenCount: defineSearchAttributeKey('HuiyingReopenCount', SearchAttributeType.INT),
} as const;

/** Typed pairs for the values that differ from `before` (all of them when `before` is null). */
export function searchAttributePairs(values: CaseSearchValues, before: CaseSearchValues | null): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [];
  for (const name of Object.keys(keys) as (keyof CaseSearchValues)[]) {
    if (before && before[name] === values[name]) continue;
    pairs.push({ key: keys[name], value: values[name] } as SearchAttributePair);
  }
  return pairs;
}
