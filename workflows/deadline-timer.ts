import { CancellationScope, condition, sleep } from '@temporalio/workflow';

/**
 * The case's one pending deadline timer. Every timer started is a billable action, so a pending timer is kept
 * while it fires no later than the time now wanted (it then wakes the watcher early, which looks again) and is
 * replaced only by an earlier one.
 */
export interface DeadlineTimer {
  /** Resolves true once `at` has come, false as soon as `changed()` holds (or the timer woke early). */
  waitFor(at: number, changed: () => boolean): Promise<boolean>;
  cancel(): void;
}

export function deadlineTimer(): DeadlineTimer {
  let pending: { at: number; scope: CancellationScope; fired: Promise<boolean> } | null = null;

  const cancel = (): void => {
    pending?.scope.cancel();
    pending = null;
  };

  async function waitFor(at: number, changed: () => boolean): Promise<boolean> {
    if (Date.now() >= at) return true;
    if (!pending || pending.at > at) {
      cancel();
      // Its own scope, outside the wait below: ending one wait must not cancel the timer.
      const scope = new CancellationScope();
      const fired = scope
        .run(() => sleep(at - Date.now()))
        .then(
          () => true,
          () => false,
        );
      pending = { at, scope, fired };
    }
    const mine = pending;
    const fired = await CancellationScope.cancellable(async () => {
      try {
        return await Promise.race([mine.fired, condition(changed).then(() => false)]);
      } finally {
        // Drops the condition left waiting when the timer won.
        CancellationScope.current().cancel();
      }
    });
    if (!fired) return false;
    if (pending === mine) pending = null;
    return Date.now() >= at;
  }

  return { waitFor, cancel };
}
