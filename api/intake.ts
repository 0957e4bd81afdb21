import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { CaseInput, CaseState } from '../domain/case';
import { initialState } from '../domain/rules';
import { markIntakeStarted, recordIntakeFailure, stalledIntakes, type Intake } from '../db/ledger';
import type { Db } from '../db/pool';
import { actionUpdates, caseWorkflowId } from '../temporal/definitions';
import { openFromStorage, startCase, type SealedPayload } from '../temporal/start-case';

/** How a case workflow is started: `startCase`; a test may pass one that fails, to see the intake survive it. */
export type StartCase = (client: Client, taskQueue: string, input: CaseInput) => Promise<{ firstState: CaseState }>;

export interface IntakeDeps {
  client: Client;
  db: Db;
  taskQueue: string;
  startCase?: StartCase;
}

/** The start input an intake keeps: everything but the ledger number, which is the intake's own column. */
export type StoredInput = Omit<CaseInput, 'ledgerNo'>;

/**
 * Starts the case of `intake` (idempotent: the workflow id is the case id, a second start meets the running
 * workflow) and marks the intake started. `input` is the start input when the caller has it; otherwise it is
 * opened from the intake's sealed copy. Returns the state the case starts in.
 */
export async function startIntake(deps: IntakeDeps, intake: Intake, input?: StoredInput): Promise<CaseState> {
  const stored = input ?? (await openStored(deps.client, intake));
  const full: CaseInput = { ...stored, ledgerNo: intake.ledgerNo };
  let firstState: CaseState;
  try {
    ({ firstState } = await (deps.startCase ?? startCase)(deps.client, deps.taskQueue, full));
  } catch (err) {
    // Started before and already closed (the id policy refuses a second run): it is started all the same.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
      await recordIntakeFailure(deps.db, intake.caseId, (err as Error)?.message ?? String(err)).catch(() => undefined);
      throw err;
    }
    firstState = initialState(full, full.registeredAt ?? intake.createdAt);
  }
  await markIntakeStarted(deps.db, intake.caseId);
  return firstState;
}

async function openStored(client: Client, intake: Intake): Promise<StoredInput> {
  if (!intake.input) throw new Error(`intake ${intake.caseId} (${intake.ledgerNo}) has no stored input to start its case from`);
  return openFromStorage<StoredInput>(client, intake.input as SealedPayload);
}

export interface SweepReport {
  started: string[];
  failed: { caseId: string; ledgerNo: string; error: string }[];
}

/**
 * Starts every case whose intake has waited `olderThanMs` without starting: its API call failed after the number
 * was handed out (Temporal down, the process died) and the client did not retry. A 并单 repeat is recorded on the
 * case it repeats as the API would (the same update id, so never twice).
 */
export async function sweepIntakes(deps: IntakeDeps, olderThanMs: number): Promise<SweepReport> {
  const report: SweepReport = { started: [], failed: [] };
  for (const intake of await stalledIntakes(deps.db, olderThanMs)) {
    try {
      const state = await startIntake(deps, intake);
      report.started.push(intake.caseId);
      if (state.mergedInto) {
        const by = state.registeredBy;
        await deps.client.workflow
          .getHandle(caseWorkflowId(state.mergedInto.id))
          .executeUpdate(actionUpdates.absorb, {
            args: [
              { id: by.id, name: by.name, roles: ['operator'], levels: [] },
              { id: state.id, ledgerNo: state.ledgerNo },
            ],
            updateId: `absorb-${state.id}`,
          })
          .catch((err) =>
            console.error(`intake sweeper: ${state.ledgerNo} started, but not recorded on ${state.mergedInto?.ledgerNo}:`, err),
          );
      }
    } catch (err) {
      report.failed.push({ caseId: intake.caseId, ledgerNo: intake.ledgerNo, error: (err as Error)?.message ?? String(err) });
    }
  }
  return report;
}

export interface SweeperOptions {
  /** How often to look (default 30 s). */
  everyMs?: number;
  /** How long an intake may wait before the sweeper starts it (default 30 s: the API call is over by then). */
  olderThanMs?: number;
}

/** The API process's intake sweeper: `sweepIntakes` every `everyMs`, one run at a time. Returns what stops it. */
export function startIntakeSweeper(deps: IntakeDeps, opts: SweeperOptions = {}): () => Promise<void> {
  const everyMs = opts.everyMs ?? 30_000;
  const olderThanMs = opts.olderThanMs ?? 30_000;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      try {
        const report = await sweepIntakes(deps, olderThanMs);
        for (const id of report.started) console.log(`intake sweeper: started case ${id}`);
        for (const f of report.failed) console.error(`intake sweeper: ${f.ledgerNo} (case ${f.caseId}) not started yet: ${f.error}`);
      } catch (err) {
        console.error('intake sweeper:', err);
      }
    });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
