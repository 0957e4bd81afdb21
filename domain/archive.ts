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

/** A closed case in a spot-check sample whose check is still to come: its run waits for it, within the window. */
export function awaitsSpotCheck(state: CaseState): boolean {
  return state.stage === 'closed' && state.spotCheck.round !== null && state.spotCheck.result === null && state.mergedInto === null;
}

/**
 * Until when a closed case may still be drawn into a spot-check sample (its window after closing), or null when it
 * cannot be any more: not closed, merged, or already sampled.
 */
export function spotCheckUntil(state: CaseState): string | null {
  if (state.stage !== 'closed' || state.closedAt === null || settled(state) || state.spotCheck.round !== null) return null;
  const windowDays = (state.policy.spotCheckWindowDays as number | undefined) ?? 0;
  return new Date(Date.parse(state.closedAt) + windowDays * 86_400_000).toISOString();
}
