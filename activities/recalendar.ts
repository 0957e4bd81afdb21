import { log } from '@temporalio/activity';
import type { WorkingCalendar } from '../domain/calendar';
import type { Deadline } from '../domain/deadline-schema';
import type { TimeLimits } from '../domain/limits';
import { recomputeDeadline, type RecalendarRequest } from '../domain/recalendar';

/**
 * Provisional deadlines computed again on the worker's current calendar. An activity because the calendar is data that
 * changes with an upgrade or a county file: the workflow only applies the answer its history records.
 */
export function createRecalendarer(calendar: WorkingCalendar, limits: TimeLimits) {
  return async function recalendarDeadlines(requests: RecalendarRequest[]): Promise<Deadline[]> {
    return requests.map((req) => {
      const deadline = recomputeDeadline(req, calendar, limits);
      if (deadline.provisional) log.info('deadline still provisional after a calendar update', { key: req.key, dueAt: deadline.dueAt });
      return deadline;
    });
  };
}
