import { ensureTemporalBinaries, type TemporalBinaries } from '../../scripts/temporal-binaries';

let cached: Promise<TemporalBinaries> | undefined;

/** The Temporal binaries for tests; jest's globalSetup has already installed them, so this is a cheap check. */
export function temporalBinaries(): Promise<TemporalBinaries> {
  cached ??= ensureTemporalBinaries();
  return cached;
}
