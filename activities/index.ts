import { ApplicationFailure, log } from '@temporalio/activity';
import { createCalendar, type WorkingCalendar } from '../domain/calendar';
import { DEFAULT_LIMITS, type TimeLimits } from '../domain/limits';
import type { Notification } from '../domain/notifications';
import type { Db } from '../db/pool';
import { createClosedCaseFinder } from './closed-cases';
import { createDeadlinePlanner } from './deadlines';
import { createReadModelRecorder } from './read-model';
import { createRecalendarer } from './recalendar';
import { DeliveryError, type Notifier } from './notifier';
import { createPublisher } from './publish';
import { createSampler, type SamplingDeps } from './sampling';

export interface ActivityDeps {
  notifier: Notifier;
  /** The official calendar without county files, and the default limits, when not given. */
  calendar?: WorkingCalendar;
  limits?: TimeLimits;
  /** The read model every case records its summary in, and the spot-check round draws its population from. */
  db: Db;
  /** The client a spot-check round puts sampled cases into its sample with (it may start a closed case's next run). */
  temporal: SamplingDeps;
}

/** Activities are plain functions closed over their adapters, so tests hand in the same real adapters. */
export function createActivities({ notifier, calendar = createCalendar(), limits = DEFAULT_LIMITS, db, temporal }: ActivityDeps) {
  return {
    findClosedCases: createClosedCaseFinder(db),
    sampleCases: createSampler(temporal),
    planDeadlines: createDeadlinePlanner(calendar, limits),
    recalendarDeadlines: createRecalendarer(calendar, limits),
    publish: createPublisher(db, notifier),
    // The first workflow version's (case-v1.ts): one row per change, messages by `notify`.
    recordCase: createReadModelRecorder(db),
    async notify(notification: Notification): Promise<{ delivered: boolean }> {
      try {
        const result = await notifier.deliver(notification);
        log.info('notification', {
          id: notification.id,
          template: notification.template,
          adapter: notifier.name,
          delivered: result.delivered,
        });
        return result;
      } catch (err) {
        if (err instanceof DeliveryError && err.permanent) throw ApplicationFailure.nonRetryable(err.message, 'NotificationRefused');
        throw err;
      }
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
