import type { TimeLimits } from './limits';

export type SpotCheckPeriod = TimeLimits['spotCheck']['period'];

/**
 * The period a round looks back over, ending when it runs: the previous calendar month (Asia/Shanghai) for
 * monthly rounds, the previous 7 or 1 days otherwise. The round id names the period, so a rerun is the same round.
 */
export function roundPeriod(period: SpotCheckPeriod, runAt: Date): { round: string; from: Date; to: Date } {
  const day = 86_400_000;
  const shanghai = new Date(runAt.getTime() + 8 * 3_600_000);
  if (period === 'month') {
    const y = shanghai.getUTCFullYear();
    const m = shanghai.getUTCMonth();
    const to = new Date(Date.UTC(y, m, 1) - 8 * 3_600_000);
    const from = new Date(Date.UTC(y, m - 1, 1) - 8 * 3_600_000);
    return { round: `month-${new Date(from.getTime() + 8 * 3_600_000).toISOString().slice(0, 7)}`, from, to };
  }
  const length = period === 'week' ? 7 * day : day;
  const to = runAt;
  const from = new Date(to.getTime() - length);
  return { round: `${period}-${to.toISOString().slice(0, 16)}`, from, to };
}
