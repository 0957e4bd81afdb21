/**
 * The worker's memory with many open cases: registers N cases through the API (the system as `npm start` runs it,
 * bench/support/system.ts), then moves every one of them once more (assign), so each case's workflow has been in
 * the worker's cache and most have been evicted and replayed from history (the cache holds
 * HUIYING_WORKER_CACHED_CASES, default 300). Prints the worker's RSS idle, after the registrations and after the
 * second pass, its peak, and the rate of each pass (the second is the replay cost of evicted cases). Asserts nothing.
 *
 *   npm run bench:worker-memory        (BENCH_CASES=10000, BENCH_CONCURRENCY=16)
 */
import { CLEAN_PATH, runStep, type ApiCall } from './support/http';
import { mib, treePeakRss, treeRss } from './support/procfs';
import { startSystem } from './support/system';

const CASES = Number(process.env.BENCH_CASES ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const [REGISTER, ASSIGN] = CLEAN_PATH;

async function pass(api: ApiCall, label: string, ids: string[], run: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  let done = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) {
        const i = next++;
        try {
          await run(i);
          done += 1;
        } catch (err) {
          failed += 1;
          if (failed <= 3) process.stderr.write(`${label} ${i}: ${String(err).slice(0, 200)}\n`);
        }
        if ((done + failed) % 1000 === 0) process.stderr.write(`  ${label}: ${done + failed}/${ids.length}\n`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`  ${label.padEnd(10)} ${done} done, ${failed} failed in ${seconds.toFixed(0)} s (${(done / seconds).toFixed(1)}/s)`);
  return seconds;
}

async function main(): Promise<void> {
  const system = await startSystem();
  try {
    const worker = system.processes.find((p) => p.name === 'worker')!;
    const idle = treeRss(worker.root);
    const ids: string[] = new Array<string>(CASES).fill('');
    console.log(`Worker memory with ${CASES} open cases (dev server; worker and API as processes; concurrency ${CONCURRENCY})`);
    await pass(system.api, 'register', ids, async (i) => {
      ids[i] = (await runStep(system.api, REGISTER, '', i + 1)).id;
    });
    const registered = treeRss(worker.root);
    await pass(system.api, 'assign', ids, async (i) => {
      await runStep(system.api, ASSIGN, ids[i], i + 1);
    });
    const assigned = treeRss(worker.root);
    const peak = treePeakRss(worker.root).largest;
    console.log(`  worker RSS: ${mib(idle)} idle, ${mib(registered)} after registering, ${mib(assigned)} after moving each once more`);
    console.log(`  worker peak RSS (VmHWM): ${mib(peak)}; ${CASES} cases open, all running`);
  } finally {
    await system.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
