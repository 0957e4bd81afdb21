import type { CaseState } from './case';

/** Nothing more can happen to a merged case or one that passed its spot-check: no need to wait out the window. */
export function settled(state: CaseState): boolean {
  return state.mergedInto !== null || state.spotCheck.result === 'passed';
}

/**
 * When a closed case may be archived (its workflow completes), in epoch milliseconds as the workflow's timer wants
 * them: once it is settled, at once; otherwise when the spot-check window (定期抽查) after its closing has passed.
 */
export function archiveAt(state: CaseState, now: number): number {
  if (settled(state)) return now;
  // Cases registered before spot-checks existed have no window in their policy: they archive at once, as they did.
  const windowDays = (state.policy.spotCheckWindowDays as number | undefined) ?? 0;
  return (state.closedAt !== null ? Date.parse(state.closedAt) : now) + windowDays * 86_400_000;
}
