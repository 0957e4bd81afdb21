/**
 * The clean path under load, through the API as deployed: its own dev server, PostgreSQL, and the worker and the API
 * as separate processes (bench/support/system.ts, as `npm start` runs them). N clean cases (register → assign →
 * accept → submit → 3 approvals → satisfied, bench/support/http.ts) at concurrency c, after a warm-up that is left
 * out of every figure. Prints completed cases/s, p50/p99 per step, CPU seconds per case of each process (utime +
 * stime from /proc over the measured window, which ends when the system is idle again after the last call-back) and
 * their sum, and each process's peak RSS (VmHWM). Asserts nothing.
 *
 *   npm run bench:clean-path        (BENCH_CASES=200, BENCH_CONCURRENCY=8, BENCH_WARMUP=24)
 */
import { CLEAN_PATH, runStep, StepError, type ApiCall } from './support/http';
import { cpuSnapshot, mib, treeCpuSeconds, treePeakRss, type CpuSnapshot, type Measured } from './support/procfs';
import { startSystem } from './support/system';

const CASES = Number(process.env.BENCH_CASES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 24);
/** The window closes once the worker has used less than this share of a core for a second (its tail of activities). */
const IDLE_SHARE = 0.03;
const IDLE_WAIT_MAX_MS = 30_000;
const IDLE_SAMPLE_MS = 5_000;
/** The processes whose CPU counts toward the per-case figure (PostgreSQL is shown beside them). */
const COUNTED = ['dev server', 'worker', 'API'];

let caseSeq = 0;

interface Result {
  completed: number;
  failed: Map<string, number>;
  latencies: Map<string, number[]>;
  seconds: number;
}

async function drive(api: ApiCall, count: number, concurrency: number): Promise<Result> {
  const latencies = new Map<string, number[]>([...CLEAN_PATH.map((s) => s.name), 'whole case'].map((n) => [n, []]));
  const failed = new Map<string, number>();
  let next = 0;
  let completed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const i = ++caseSeq;
        const caseStarted = performance.now();
        let id = '';
        try {
          for (const step of CLEAN_PATH) {
            const t0 = performance.now();
            ({ id } = await runStep(api, step, id, i));
            latencies.get(step.name)!.push(performance.now() - t0);
          }
          latencies.get('whole case')!.push(performance.now() - caseStarted);
          completed += 1;
        } catch (err) {
          const key = err instanceof StepError ? `${err.step} → ${err.status}` : `error: ${String(err).slice(0, 120)}`;
          failed.set(key, (failed.get(key) ?? 0) + 1);
        }
      }
    }),
  );
  return { completed, failed, latencies, seconds: (performance.now() - started) / 1000 };
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Waits until the worker is idle again (its notifications and read-model writes after the last answer). */
async function idle(worker: Measured | undefined): Promise<number> {
  const started = Date.now();
  if (!worker) return 0;
  let before = treeCpuSeconds(worker.root);
  while (Date.now() - started < IDLE_WAIT_MAX_MS) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = treeCpuSeconds(worker.root);
    if (now - before < IDLE_SHARE) break;
    before = now;
  }
  return (Date.now() - started) / 1000;
}

function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  return new Map([...after].map(([name, s]) => [name, s - (before.get(name) ?? 0)]));
}

async function main(): Promise<void> {
  const system = await startSystem();
  try {
    const { api, processes } = system;
    process.stderr.write(`warm-up: ${WARMUP} cases at concurrency ${CONCURRENCY} ...\n`);
    const warm = await drive(api, WARMUP, CONCURRENCY);
    if (warm.completed === 0) throw new Error(`no warm-up case completed: ${JSON.stringify([...warm.failed])}`);
    await idle(processes.find((p) => p.name === 'worker'));
    // What the processes use doing nothing (pollers, the server's housekeeping): shown beside the figures, not subtracted.
    const idleBefore = cpuSnapshot(processes);
    await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_MS));
    const idleCpu = cpuDelta(idleBefore, cpuSnapshot(processes));

    process.stderr.write(`measuring: ${CASES} cases at concurrency ${CONCURRENCY} ...\n`);
    const before = cpuSnapshot(processes);
    const run = await drive(api, CASES, CONCURRENCY);
    const settle = await idle(processes.find((p) => p.name === 'worker'));
    const cpu = cpuDelta(before, cpuSnapshot(processes));

    console.log(
      `Clean path through the API (dev server, worker and API as separate processes; ${CASES} cases, concurrency ${CONCURRENCY}, ${WARMUP} warm-up cases left out)`,
    );
    console.log(
      `  completed: ${run.completed} of ${CASES} in ${run.seconds.toFixed(1)} s = ${(run.completed / run.seconds).toFixed(2)} cases/s`,
    );
    for (const [why, n] of run.failed) console.log(`  failed: ${n} × ${why}`);

    console.log('\n  step         p50 ms   p99 ms');
    for (const [name, values] of run.latencies) {
      const sorted = [...values].sort((a, b) => a - b);
      console.log(`  ${name.padEnd(11)} ${quantile(sorted, 0.5).toFixed(0).padStart(7)}  ${quantile(sorted, 0.99).toFixed(0).padStart(7)}`);
    }

    const perCase = (s: number) => (run.completed > 0 ? s / run.completed : NaN);
    console.log(`\n  process      CPU s (window)  CPU s per case  idle CPU s/s  peak RSS`);
    let counted = 0;
    for (const p of processes) {
      const s = cpu.get(p.name) ?? 0;
      if (COUNTED.includes(p.name)) counted += s;
      const rss = treePeakRss(p.root);
      const rssText = p.name === 'PostgreSQL' ? `${mib(rss.sum)} (sum of its processes)` : mib(rss.largest);
      const idleRate = (idleCpu.get(p.name) ?? 0) / (IDLE_SAMPLE_MS / 1000);
      console.log(
        `  ${p.name.padEnd(11)} ${s.toFixed(2).padStart(15)}  ${perCase(s).toFixed(4).padStart(14)}  ${idleRate.toFixed(3).padStart(12)}  ${rssText}`,
      );
    }
    const idleSum = COUNTED.reduce((sum, n) => sum + (idleCpu.get(n) ?? 0), 0) / (IDLE_SAMPLE_MS / 1000);
    console.log(
      `  ${'sum'.padEnd(11)} ${counted.toFixed(2).padStart(15)}  ${perCase(counted).toFixed(4).padStart(14)}  ${idleSum.toFixed(3).padStart(12)}  (${COUNTED.join(' + ')})`,
    );
    const missing = COUNTED.filter((n) => !processes.some((p) => p.name === n));
    if (missing.length > 0) console.log(`  not found in /proc, so not measured: ${missing.join(', ')}`);
    console.log(
      `  (the window: ${run.seconds.toFixed(1)} s of driving + ${settle.toFixed(1)} s until the worker was idle; idle CPU measured for ${IDLE_SAMPLE_MS / 1000} s before it, not subtracted; peak RSS over the whole run, warm-up included)`,
    );
    console.log(
      `\nSummary: ${(run.completed / run.seconds).toFixed(2)} clean cases/s at c=${CONCURRENCY}; ` +
        `${perCase(counted).toFixed(3)} CPU-s per case (server + worker + API; target ≤ 0.12); whole case p50 ` +
        `${quantile(
          [...run.latencies.get('whole case')!].sort((a, b) => a - b),
          0.5,
        ).toFixed(0)} ms.`,
    );
  } finally {
    await system.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
