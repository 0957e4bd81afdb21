import type { CaseState } from './case';
import { currentDeadline } from './deadlines';

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
  /** The running deadline; unset (null) when the stage has none. */
  HuiyingDueAt: Date | null;
  HuiyingOverdue: boolean;
  HuiyingRedFlag: boolean;
  HuiyingStageSince: Date;
  /** Markers a list must find: `extension_pending`, `provisional_due`. */
  HuiyingFlags: string[];
}

/** `none` stands for "no unit yet" because visibility cannot match an unset Keyword with `=`. */
export const NO_UNIT = 'none';

export function searchValuesOf(state: CaseState): CaseSearchValues {
  const deadline = currentDeadline(state);
  return {
    HuiyingStage: state.stage,
    HuiyingUnit: state.unit ?? NO_UNIT,
    HuiyingType: state.type,
    HuiyingChannel: state.channel,
    HuiyingLedgerNo: state.ledgerNo,
    HuiyingUrgent: state.urgent,
    HuiyingReviewLevel: state.reviewLevel ?? 0,
    HuiyingReopenCount: state.reopenCount,
    HuiyingDueAt: deadline ? new Date(deadline.dueAt) : null,
    HuiyingOverdue: deadline?.overdue ?? false,
    HuiyingRedFlag: deadline?.redFlag ?? false,
    HuiyingStageSince: new Date(state.stageSince),
    HuiyingFlags: [
      ...(state.extension.pending ? ['extension_pending'] : []),
      ...(deadline?.provisional ? ['provisional_due'] : []),
    ],
  };
}
