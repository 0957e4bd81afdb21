import { ACTIONS, EVENT_LABELS } from '../../domain/actions';

/** What the system itself records in a timeline (deadlines, samples, delivery), beside people's actions. */
const SYSTEM_EVENTS: Record<string, string> = {
  warning: '临期预警',
  overdue: '超期',
  red_flag: '红牌督办',
  sampled: '列入抽查',
  notify_failed: '通知发送失败',
  extension_decision: '延期审批',
  recalendar: '节假日安排更新',
};

/** A timeline entry's name in Chinese: the action catalogue's label, or the system event's. */
export function timelineLabel(action: string): string {
  if (action in ACTIONS) return ACTIONS[action as keyof typeof ACTIONS].label;
  if (action in EVENT_LABELS) return EVENT_LABELS[action as keyof typeof EVENT_LABELS];
  return SYSTEM_EVENTS[action] ?? action;
}
