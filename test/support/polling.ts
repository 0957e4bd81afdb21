/**
 * Polling, for what is eventually consistent: visibility, and notifications (delivered by an activity after the
 * update that caused them has returned). Polls in real time, which does not unlock time skipping.
 */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How long each labelled wait took, for the report (printed by `reportTimings` when HUIYING_E2E_TIMINGS is set). */
export const timings: Record<string, number[]> = {};

/**
 * Polls `probe` until `check` passes and returns the value; fails with `description` and the last value (or the
 * last error of the probe) after `timeoutMs`. With `label`, records how long it took.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  opts: { timeoutMs?: number; intervalMs?: number; label?: string } = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 100, label } = opts;
  const started = Date.now();
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (check(last)) {
        if (label) (timings[label] ??= []).push(Date.now() - started);
        return last;
      }
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - started > timeoutMs) {
      const seen = lastError ? `last error: ${String(lastError)}` : `last value: ${JSON.stringify(last)?.slice(0, 1500)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; ${seen}`);
    }
    await sleep(intervalMs);
  }
}

/** `waitFor` without a description, as the workflow tests call it. */
export function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  return waitFor('a condition', probe, check, { timeoutMs });
}

export function reportTimings(file: string): void {
  if (!process.env.HUIYING_E2E_TIMINGS) return;
  const lines = Object.entries(timings).map(([label, ms]) => {
    const sorted = [...ms].sort((a, b) => a - b);
    return `  ${label}: n=${ms.length} min=${sorted[0]} median=${sorted[Math.floor(sorted.length / 2)]} max=${sorted[sorted.length - 1]} ms`;
  });
  process.stderr.write(`[e2e timings] ${file}\n${lines.join('\n')}\n`);
}
