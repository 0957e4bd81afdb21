import type { CaseState } from './case';
import { SYSTEM } from './draft';
import type { Notification } from './notifications';

/**
 * A notification the gateway refused for good (transient faults are retried until they pass) goes on the record
 * instead of stopping the case: one failed message must not hold up the loop.
 */
export function notifyFailed(state: CaseState, notification: Notification, reason: string, at: string): CaseState {
  const note = `通知未送达（${notification.template}）：${reason}`;
  return { ...state, timeline: [...state.timeline, { at, by: SYSTEM, action: 'notify_failed', note }] };
}

/**
 * What became of one message in a publication (activities/index.ts `publish`): delivered (or delivered before: the
 * adapters deliver each id once), refused for good by the gateway, or failed for now (the workflow retries it).
 */
export interface Delivery {
  id: string;
  outcome: 'delivered' | 'refused' | 'failed';
  reason: string;
}
