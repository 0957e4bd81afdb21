import fs from 'node:fs/promises';
import path from 'node:path';
import type { Notifier } from '../../activities/notifier';
import { WebhookError } from '../../activities/webhook-notifier';
import type { OutboxNotifier } from '../../activities/outbox-notifier';
import type { Notification } from '../../domain/notifications';
import { act, getCase, historyEventTypes, startCase, useTimeSkipping } from './helpers';
import { outboxOf } from '../support/outbox';
import { HOUSING, people } from '../support/personas';
import { eventually } from '../support/polling';

/** A number the fake gateway refuses outright, as an SMS gateway refuses an invalid recipient (a 4xx). */
const REFUSED_PHONE = '10000000000';

/**
 * Delivers through the real outbox, and on its first call only throws afterwards: the worker "crashed" after the
 * message went out but before the activity reported success, so Temporal runs the activity again.
 */
class CrashAfterFirstDelivery implements Notifier {
  readonly name = 'crash-after-first-delivery';
  readonly calls: { id: string; outcome: string }[] = [];
  constructor(private readonly inner: OutboxNotifier) {}

  async deliver(notification: Notification): Promise<{ delivered: boolean }> {
    if (notification.to.kind === 'citizen' && notification.to.citizen.phone === REFUSED_PHONE) {
      throw new WebhookError(`gateway answered 400 for ${notification.id}`, true);
    }
    const result = await this.inner.deliver(notification);
    if (this.calls.length === 0) {
      this.calls.push({ id: notification.id, outcome: `delivered=${result.delivered}, then crashed` });
      throw new Error('simulated worker crash after delivering, before reporting');
    }
    this.calls.push({ id: notification.id, outcome: `delivered=${result.delivered}` });
    return result;
  }
}

let notifier: CrashAfterFirstDelivery;
const h = useTimeSkipping({
  notifier: (outbox) => {
    notifier = new CrashAfterFirstDelivery(outbox);
    return notifier;
  },
});

describe('notifications are delivered exactly once', () => {
  test('a delivery that crashes after sending is retried, and the outbox still holds it once', async () => {
    const { handle, caseId, input } = await startCase(h);

    // The receipt is the first notification of the run: delivered, crash, retried.
    const receiptId = `${caseId}:0:receipt`;
    await eventually(
      async () => notifier.calls.filter((c) => c.id === receiptId).length,
      (n) => n >= 2,
    );
    expect(notifier.calls.filter((c) => c.id === receiptId)).toEqual([
      { id: receiptId, outcome: 'delivered=true, then crashed' },
      { id: receiptId, outcome: 'delivered=false' },
    ]);

    // The case carries on: later notifications go out normally.
    await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    const outbox = await eventually(
      () => outboxOf(h, caseId),
      (o) => o.some((n) => n.template === 'assigned'),
    );
    expect(outbox.map((n) => n.template)).toEqual(['receipt', 'assigned']);
    const receipt = outbox[0];
    expect(receipt).toMatchObject({ id: receiptId, ledgerNo: input.ledgerNo });

    // One file per notification: no duplicates and no temporary files left behind.
    const files = await fs.readdir(path.join(h.outboxDir, caseId));
    expect(files.sort()).toEqual([`${caseId}_0_receipt.enc`, `${caseId}_2_assigned.enc`]);

    // The first try ran inside the `publish` local activity and reported the failure; the retry is one `notify`
    // activity for that message alone, whose first attempt found it delivered already.
    const types = await historyEventTypes(handle);
    expect(types.filter((t) => t === 'ACTIVITY_TASK_FAILED')).toHaveLength(0);
    const history = await handle.fetchHistory();
    const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name)).toEqual(['notify']);
    const started = history.events!.find((e) => e.activityTaskStartedEventAttributes)!;
    expect(started.activityTaskStartedEventAttributes!.attempt).toBe(1);
    const state = await act(handle, 'accept', people.housingHandler, {});
    expect(state.timeline.map((e) => e.action)).not.toContain('notify_failed');
  });

  test('re-delivering a notification through the outbox directly is a no-op that says so', async () => {
    const { caseId } = await startCase(h);
    const [receipt] = await eventually(
      () => outboxOf(h, caseId),
      (o) => o.length === 1,
    );
    const { queuedAt, ...notification } = receipt;
    const file = path.join(h.outboxDir, caseId, `${caseId}_0_receipt.enc`);
    const before = await fs.readFile(file);

    await expect(h.outbox.deliver(notification)).resolves.toEqual({ delivered: false });
    // Concurrent re-deliveries: still none delivered, file untouched.
    const again = await Promise.all([1, 2, 3, 4, 5].map(() => h.outbox.deliver(notification)));
    expect(again).toEqual(Array(5).fill({ delivered: false }));
    expect((await fs.readFile(file)).equals(before)).toBe(true);
    expect((await h.outbox.listCase(caseId))[0].queuedAt).toBe(queuedAt);
    expect(await fs.readdir(path.join(h.outboxDir, caseId))).toEqual([`${caseId}_0_receipt.enc`]);
  });

  test('a notification the gateway refuses for good is recorded on the case, which carries on', async () => {
    const { handle, caseId } = await startCase(h, { citizen: { name: '号码有误', phone: REFUSED_PHONE } });
    const state = await eventually(
      () => getCase(handle),
      (s) => s.timeline.some((e) => e.action === 'notify_failed'),
    );
    const failed = state.timeline.find((e) => e.action === 'notify_failed')!;
    expect(failed.by.id).toBe('system');
    expect(failed.note).toContain('receipt');
    expect(failed.note).toContain('gateway answered 400');
    // Not retried: one attempt, no outbox file; the case still moves and the unit is notified.
    expect(notifier.calls.map((c) => c.id)).not.toContain(`${caseId}:0:receipt`);
    await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    const outbox = await eventually(
      () => outboxOf(h, caseId),
      (o) => o.length > 0,
    );
    expect(outbox.map((n) => n.template)).toEqual(['assigned']);
  });

  test('of concurrent first deliveries of one id, exactly one delivers', async () => {
    const notification: Notification = {
      id: 'race:0:receipt',
      caseId: 'race',
      ledgerNo: 'LZ-2026-000999',
      template: 'receipt',
      to: { kind: 'citizen', citizen: { name: '测试', phone: '13900000000' } },
      text: '【12345】您的诉求已受理',
    };
    const results = await Promise.all(Array.from({ length: 8 }, () => h.outbox.deliver(notification)));
    expect(results.filter((r) => r.delivered)).toHaveLength(1);
    expect(await fs.readdir(path.join(h.outboxDir, 'race'))).toEqual(['race_0_receipt.enc']);
  });
});
