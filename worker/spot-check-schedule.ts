import { ScheduleAlreadyRunning, type Client, type ScheduleSpec } from '@temporalio/client';
import type { TimeLimits } from '../domain/limits';
import type { spotCheckRoundWorkflow } from '../workflows';

export const SPOT_CHECK_SCHEDULE_ID = 'huiying-spot-check';

/** When rounds run: 02:00 Shanghai on the 1st of the month, on Mondays, or every day. */
function specFor(period: TimeLimits['spotCheck']['period']): ScheduleSpec {
  const at = { hour: 2, minute: 0 };
  const calendars = period === 'month' ? [{ ...at, dayOfMonth: 1 }] : period === 'week' ? [{ ...at, dayOfWeek: 'MONDAY' as const }] : [at];
  return { calendars, timezone: 'Asia/Shanghai' };
}

/**
 * Creates the spot-check schedule, or brings an existing one in line with the configuration: safe to run at
 * every start of every worker.
 */
export async function ensureSpotCheckSchedule(client: Client, taskQueue: string, config: TimeLimits['spotCheck']): Promise<void> {
  const spec = specFor(config.period);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'spotCheckRoundWorkflow',
    taskQueue,
    args: [{ period: config.period, rate: config.rate, min: config.min }] as Parameters<typeof spotCheckRoundWorkflow>,
  };
  try {
    await client.schedule.create({
      scheduleId: SPOT_CHECK_SCHEDULE_ID,
      spec,
      action,
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(SPOT_CHECK_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action }));
  }
}
