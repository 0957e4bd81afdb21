import type { CaseState } from './case';
import { currentDeadline } from './deadlines';

/**
 * What a case of the first workflow version (`caseWorkflow`, case-v1.ts) exposes to Temporal visibility, as plain
 * values. Names are the search-attribute names.
 * Slots on the dev server's SQLite are few (Keyword 10, Int 3, Bool 3, Datetime 3, KeywordList 3, Text 3),
 * so later features are planned in: see temporal/search-attributes.ts for the full registered set.
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

/**
 * What an operator asks `temporal workflow list` about a case (caseWorkflowV2 sets and upserts only these): where it
 * stands, with whom, its ledger number and the running deadline. Three Keyword and one Datetime slot, well within a
 * PostgreSQL visibility store's. Everything else is asked of the read model.
 */
export type OperatorSearchValues = Pick<CaseSearchValues, 'HuiyingStage' | 'HuiyingUnit' | 'HuiyingLedgerNo' | 'HuiyingDueAt'>;

export function operatorSearchValuesOf(state: CaseState): OperatorSearchValues {
  const deadline = currentDeadline(state);
  return {
    HuiyingStage: state.stage,
    HuiyingUnit: state.unit ?? NO_UNIT,
    HuiyingLedgerNo: state.ledgerNo,
    HuiyingDueAt: deadline ? new Date(deadline.dueAt) : null,
  };
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
 * The markers a case carries in visibility (`HuiyingFlags`). Unit metrics and lists are computed from these and the
 * other search attributes, never by replaying histories; each marker's meaning is in README "Unit metrics".
 */
export const FLAGS = [
  'extension_pending',
  'provisional_due',
  'signed',
  'signed_late',
  'completed',
  'completed_late',
  'overdue_ever',
  'red_flag_ever',
  'resolved',
  'unresolved',
  'direct_answer',
  'merged',
  'spot_check_pending',
  'spot_check_passed',
  'spot_check_failed',
  'voided',
  'return_pending',
  'appeal_pending',
] as const;
export type Flag = (typeof FLAGS)[number];

/** Markers that carry a value after their prefix: each unit that returned the case, the spot-check round that sampled it. */
const RETURNED_BY = 'returned_by:';
const SPOT_CHECK_ROUND = 'spot_check_round:';

/** The marker of a unit that returned the case (退单) in any assignment cycle. */
export const returnedByFlag = (unit: string): string => `${RETURNED_BY}${unit}`;
const SUPPORTING = 'supporting:';
const SUPPORT_PENDING = 'support_pending:';
/** A supporting unit (协办) of the case; and one that has not given its contribution yet. */
export const supportingFlag = (unit: string): string => `${SUPPORTING}${unit}`;
export const supportPendingFlag = (unit: string): string => `${SUPPORT_PENDING}${unit}`;
const RETURN_REFUSED = 'return_refused:';
/** A unit whose return the dispatcher refused (it kept the case). */
export const returnRefusedFlag = (unit: string): string => `${RETURN_REFUSED}${unit}`;
/** The marker of the spot-check round that sampled the case. */
export const spotCheckRoundFlag = (round: string): string => `${SPOT_CHECK_ROUND}${round}`;

/** A case's markers read back from visibility. */
export interface CaseFlags {
  has(flag: Flag): boolean;
  /** Units that returned the case, each once. */
  returnedBy: string[];
  /** Units whose return was refused (they kept the case), each once. */
  returnRefused: string[];
  /** Supporting units (协办), each once. */
  supporting: string[];
  spotCheckRound: string | null;
}

export function parseFlags(raw: readonly string[]): CaseFlags {
  const plain = new Set(raw);
  const valued = (prefix: string) => raw.filter((f) => f.startsWith(prefix) && f.length > prefix.length).map((f) => f.slice(prefix.length));
  return {
    has: (flag) => plain.has(flag),
    returnedBy: [...new Set(valued(RETURNED_BY))],
    returnRefused: [...new Set(valued(RETURN_REFUSED))],
    supporting: [...new Set(valued(SUPPORTING))],
    spotCheckRound: valued(SPOT_CHECK_ROUND)[0] ?? null,
  };
}

/** The case's markers, as `parseFlags` reads them back. */
export function flagsOf(state: CaseState, provisionalDue: boolean): string[] {
  const o = state.outcome;
  const sc = state.spotCheck;
  const on: Record<Flag, boolean> = {
    extension_pending: state.extension.pending !== null,
    provisional_due: provisionalDue,
    signed: o.signedAt !== null,
    signed_late: o.signedLate,
    completed: o.completedAt !== null,
    completed_late: o.completedLate,
    overdue_ever: o.everOverdue,
    red_flag_ever: o.everRedFlag,
    resolved: o.resolved === true,
    unresolved: o.resolved === false,
    direct_answer: o.directAnswer,
    merged: state.mergedInto !== null,
    spot_check_pending: sc.round !== null && sc.result === null,
    spot_check_passed: sc.result === 'passed',
    spot_check_failed: sc.result === 'failed',
    voided: (state.voided ?? null) !== null,
    return_pending: (state.returnRequest ?? null) !== null,
    appeal_pending: (state.appeal ?? null) !== null,
  };
  return [
    ...FLAGS.filter((flag) => on[flag]),
    ...[...new Set(state.returnedBy)].filter(Boolean).map(returnedByFlag),
    ...[...new Set((state.returnRefusals ?? []).map((r) => r.unit))].map(returnRefusedFlag),
    ...(state.supporting ?? []).map((s) => supportingFlag(s.unit)),
    ...(state.supporting ?? []).filter((s) => !s.contribution).map((s) => supportPendingFlag(s.unit)),
    ...(sc.round ? [spotCheckRoundFlag(sc.round)] : []),
  ];
}
