import { log } from '@temporalio/activity';
import type { WorkingCalendar } from '../domain/calendar';
import type { Deadline } from '../domain/deadline-schema';
import { computeDeadline, type DeadlineRequest } from '../domain/deadlines';
import type { TimeLimits } from '../domain/limits';

/** The calendar lookup behind every deadline; it runs here, not in workflow code, because its data changes. */
export function createDeadlinePlanner(calendar: WorkingCalendar, limits: TimeLimits) {
  return async function planDeadlines(requests: DeadlineRequest[]): Promise<Deadline[]> {
    return requests.map((req) => {
      const deadline = computeDeadline(req, calendar, limits);
      if (deadline.provisional) {
        log.warn('deadline is provisional: the holiday schedule for its year is not known yet', { key: req.key, dueAt: deadline.dueAt });
      }
      return deadline;
    });
  };
}
