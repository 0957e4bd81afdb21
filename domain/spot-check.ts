import type { CaseState } from './case';
import { SYSTEM } from './draft';

/**
 * A spot-check round (定期抽查) puts a case into its sample: only a closed case that is not merged (it is checked
 * through the case it was merged into) and not yet sampled joins. Null when it does not join: the signal was late
 * (the case was reopened) or repeated (a rerun of the round).
 */
export function joinSample(state: CaseState, round: string, at: string): CaseState | null {
  if (state.stage !== 'closed' || state.mergedInto || state.spotCheck.round) return null;
  return {
    ...state,
    spotCheck: { ...state.spotCheck, round },
    timeline: [...state.timeline, { at, by: SYSTEM, action: 'sampled', note: `列入抽查（${round}）` }],
  };
}
