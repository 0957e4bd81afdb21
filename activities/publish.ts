import { log } from '@temporalio/activity';
import { recordSummary } from '../db/case-summaries';
import type { Db } from '../db/pool';
import type { Delivery } from '../domain/delivery';
import type { Notification } from '../domain/notifications';
import type { CaseSummary } from '../domain/summary';
import { DeliveryError, type Notifier } from './notifier';

export interface Publication {
  summary: CaseSummary;
  notifications: Notification[];
}

/**
 * One committed change made public: its read-model row (idempotent by version) and the first try of each of its
 * messages, each on its own so that one failing channel never holds another. A message that fails is reported,
 * not thrown: the workflow retries it alone. Only a failed row write throws (and the whole batch runs again; the
 * adapters deliver each message id once).
 */
export function createPublisher(db: Db, notifier: Notifier) {
  return async function publish({ summary, notifications }: Publication): Promise<Delivery[]> {
    const [recorded, ...sent] = await Promise.allSettled([recordSummary(db, summary), ...notifications.map((n) => notifier.deliver(n))]);
    const deliveries = notifications.map((n, i): Delivery => {
      const result = sent[i];
      if (result.status === 'fulfilled') return { id: n.id, outcome: 'delivered', reason: '' };
      const err: unknown = result.reason;
      const reason = err instanceof Error ? err.message : String(err);
      return { id: n.id, outcome: err instanceof DeliveryError && err.permanent ? 'refused' : 'failed', reason };
    });
    for (const d of deliveries) {
      const n = notifications.find((x) => x.id === d.id)!;
      log.info('notification', { id: d.id, template: n.template, adapter: notifier.name, outcome: d.outcome });
    }
    if (recorded.status === 'rejected') throw recorded.reason;
    return deliveries;
  };
}
