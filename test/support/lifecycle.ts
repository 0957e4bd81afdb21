/**
 * One harness per test file (or per describe block), started in `beforeAll` and stopped in `afterAll`:
 *
 *   const h = useTimeSkipping();          // or useE2E({ ... }), or useHarness(() => startSomething())
 *   test('…', async () => { await startCase(h); … });
 *
 * What comes back stands for the harness that `beforeAll` will start: a proxy with the harness's own type that
 * forwards every property read and write to it. It may be captured right away (`const d = drive(h)`), but read
 * only inside hooks and tests; a read before `beforeAll` has run fails with a clear message.
 */
export interface Stoppable {
  teardown(): Promise<void>;
}

export interface UseHarnessOptions<T> {
  /** Runs in `afterAll` before the harness stops (e.g. a report of its timings). */
  beforeTeardown?: (h: T) => void | Promise<void>;
}

export function useHarness<T extends Stoppable>(start: () => Promise<T>, opts: UseHarnessOptions<T> = {}): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await start();
  });
  afterAll(async () => {
    if (!current) return; // beforeAll failed: the harness has cleaned up after itself
    try {
      await opts.beforeTeardown?.(current);
    } finally {
      await current.teardown();
    }
  });
  return lazyHarness(() => current);
}

/** A stand-in for the object `get()` will return once it exists. */
export function lazyHarness<T extends object>(get: () => T | undefined): T {
  const target = (prop: string | symbol): T => {
    const h = get();
    if (h) return h;
    throw new Error(`the test harness was used (.${String(prop)}) before its beforeAll started it: use it only inside tests and hooks`);
  };
  return new Proxy({} as T, {
    get(_t, prop) {
      const h = get();
      // Probes by promise resolution and inspection must not throw before start.
      if (!h && (prop === 'then' || typeof prop === 'symbol')) return undefined;
      const it = target(prop);
      return Reflect.get(it, prop, it);
    },
    set: (_t, prop, value) => Reflect.set(target(prop), prop, value),
    has: (_t, prop) => Reflect.has(target(prop), prop),
    ownKeys: () => Reflect.ownKeys(target('ownKeys')),
    getOwnPropertyDescriptor(_t, prop) {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(prop), prop);
      // The proxy's own (empty) target holds none of them: report them as configurable, as proxies must.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
