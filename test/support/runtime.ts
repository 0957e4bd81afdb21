/** What every harness does the same way: a quiet SDK runtime, stopping workers, and tearing down in reverse. */
import { DefaultLogger, Runtime, type LogLevel, type Worker } from '@temporalio/worker';
import { configureLogging } from '../../observability/logger';

/**
 * The SDK logs every activity and worker state change at INFO, and the API an access-log line per request, which
 * buries jest's report; keep WARN and up (set HUIYING_TEST_LOG=INFO or DEBUG to see everything). The SDK's level can
 * only be set before the runtime first starts.
 */
export function quietRuntime(): void {
  const level = (process.env.HUIYING_TEST_LOG?.toUpperCase() ?? 'WARN') as LogLevel;
  configureLogging({ level: level.toLowerCase() as Lowercase<LogLevel> });
  if (Runtime._instance) return;
  Runtime.install({ logger: new DefaultLogger(level) });
}

/** Runs `worker` until `stopWorker`; a worker that dies mid-test must not take the process down (teardown reports it). */
export function runWorker(worker: Worker): () => Promise<void> {
  const running = worker.run();
  running.catch(() => undefined);
  let stopped: Promise<void> | undefined;
  return () => (stopped ??= stopWorker(worker, running));
}

export async function stopWorker(worker: Worker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
}

/**
 * What a harness has started, stopped in reverse order by `run()`, every step even after failures; the first
 * failure is rethrown, naming its step. A harness whose start fails half-way runs it before rethrowing, so a broken
 * `beforeAll` leaves no process behind.
 */
export class Cleanups {
  private readonly steps: { name: string; run: () => Promise<unknown> }[] = [];

  push(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  async run(): Promise<void> {
    const errors: Error[] = [];
    // HUIYING_TEARDOWN_TRACE=1 names each step as it starts: a teardown that hangs says where.
    const trace = process.env.HUIYING_TEARDOWN_TRACE === '1';
    for (const step of this.steps.splice(0).reverse()) {
      try {
        if (trace) process.stderr.write(`teardown: ${step.name}\n`);
        await step.run();
      } catch (err) {
        errors.push(new Error(`teardown step '${step.name}' failed: ${String(err)}`, { cause: err }));
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}
