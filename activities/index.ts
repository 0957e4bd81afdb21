import { ApplicationFailure, log } from '@temporalio/activity';
import type { Notification } from '../domain/notifications';
import type { Notifier } from './notifier';
import { WebhookError } from './webhook-notifier';

export interface ActivityDeps {
  notifier: Notifier;
}

/** Activities are plain functions closed over their adapters, so tests hand in the same real adapters. */
export function createActivities({ notifier }: ActivityDeps) {
  return {
    async notify(notification: Notification): Promise<{ delivered: boolean }> {
      try {
        const result = await notifier.deliver(notification);
        log.info('notification', { id: notification.id, template: notification.template, adapter: notifier.name, delivered: result.delivered });
        return result;
      } catch (err) {
        if (err instanceof WebhookError && err.permanent) throw ApplicationFailure.nonRetryable(err.message, 'NotificationRefused');
        throw err;
      }
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
