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
  /** Markers lists and metrics look for: see `flagsOf`. */
  HuiyingFlags: string[];
  HuiyingSatisfaction: string;
  HuiyingClosedAt: Date | null;
  /** Keyed hash of the phone (never the phone): finds a citizen's open cases for 并单. */
  HuiyingCitizenKey: string;
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
    HuiyingFlags: flagsOf(state, deadline?.provisional ?? false),
    HuiyingSatisfaction: state.satisfaction ?? 'none',
    HuiyingClosedAt: state.closedAt ? new Date(state.closedAt) : null,
    HuiyingCitizenKey: state.citizenKey ?? 'none',
  };
}

/**
 * The case's markers in visibility. Unit metrics and lists are computed from these and the other search
 * attributes, never by replaying histories; each marker's meaning is in README "Unit metrics".
 */
export function flagsOf(state: CaseState, provisionalDue: boolean): string[] {
  const o = state.outcome;
  const sc = state.spotCheck;
  const flags: [boolean, string][] = [
    [state.extension.pending !== null, 'extension_pending'],
    [provisionalDue, 'provisional_due'],
    [o.signedAt !== null, 'signed'],
    [o.signedLate, 'signed_late'],
    [o.completedAt !== null, 'completed'],
    [o.completedLate, 'completed_late'],
    [o.everOverdue, 'overdue_ever'],
    [o.everRedFlag, 'red_flag_ever'],
    [o.resolved === true, 'resolved'],
    [o.resolved === false, 'unresolved'],
    [o.directAnswer, 'direct_answer'],
    [state.mergedInto !== null, 'merged'],
    [sc.round !== null && sc.result === null, 'spot_check_pending'],
    [sc.result === 'passed', 'spot_check_passed'],
    [sc.result === 'failed', 'spot_check_failed'],
  ];
  return [
    ...flags.filter(([on]) => on).map(([, flag]) => flag),
    ...[...new Set(state.returnedBy)].filter(Boolean).map((unit) => `returned_by:${unit}`),
    ...(sc.round ? [`spot_check_round:${sc.round}`] : []),
  ];
}
