import type { CaseState } from './case';

/**
 * What a case exposes to Temporal visibility, as plain values. Names are the search-attribute names.
 * Slots on the dev server's SQLite are few (Keyword 10, Int 3, Bool 3, Datetime 3, KeywordList 3, Text 3),
 * so later features are planned in: see workflows/search-attributes.ts for the full registered set.
 * No personal data here: visibility is not encrypted.
 */
export interface CaseSearchValues {
  HuiyingStage: string;
  HuiyingUnit: string;
  HuiyingType: string;
  HuiyingChannel: string;
  HuiyingLedgerNo: string;
  HuiyingUrgent: boolean;
  HuiyingReviewLevel: number;
  HuiyingReopenCount: number;
}

/** `none` stands for "no unit yet" because visibility cannot match an unset Keyword with `=`. */
export const NO_UNIT = 'none';

export function searchValuesOf(state: CaseState): CaseSearchValues {
  return {
    HuiyingStage: state.stage,
    HuiyingUnit: state.unit ?? NO_UNIT,
    HuiyingType: state.type,
    HuiyingChannel: state.channel,
    HuiyingLedgerNo: state.ledgerNo,
    HuiyingUrgent: state.urgent,
    HuiyingReviewLevel: state.reviewLevel ?? 0,
    HuiyingReopenCount: state.reopenCount,
  };
}
