/**
 * Reading what the notifier delivered, for every harness: each runs a real `OutboxNotifier` in a temp dir (the
 * worker's notifier, possibly behind a fault-injecting wrapper) and exposes it as `outbox`; its files are encrypted,
 * `listCase` decrypts them.
 */
import type { OutboxNotifier, OutboxRecord } from '../../activities/outbox-notifier';
import type { Notification } from '../../domain/notifications';

export type { OutboxRecord };

/** The case's delivered notifications, in delivery order. */
export function outboxOf(h: { outbox: OutboxNotifier }, caseId: string): Promise<OutboxRecord[]> {
  return h.outbox.listCase(caseId);
}

/** A compact, order-independent picture of an outbox: `template→recipient` strings, sorted. */
export function outboxSummary(records: Notification[]): string[] {
  return records.map((n) => `${n.template}→${recipientKey(n)}`).sort();
}

/** `citizen:<phone>`, `unit:<unit>`, `reviewers:<level>`, or the kind (dispatchers, supervisors, operators). */
function recipientKey(n: Notification): string {
  switch (n.to.kind) {
    case 'citizen':
      return `citizen:${n.to.citizen.phone}`;
    case 'unit':
      return `unit:${n.to.unit}`;
    case 'reviewers':
      return `reviewers:${n.to.level}`;
    default:
      return n.to.kind;
  }
}
