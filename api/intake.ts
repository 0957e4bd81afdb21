import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { DEFAULT_INTAKE_SWEEP } from '../config/defaults';
import type { CaseInput, CaseState } from '../domain/case';
import type { Actor } from '../domain/roles';
import { initialState } from '../domain/rules';
import { summaryOf } from '../domain/summary';
import { recordSummary } from '../db/case-summaries';
import { markIntakeStarted, recordIntakeFailure, stalledIntakes, type Intake } from '../db/ledger';
import type { Db } from '../db/pool';
import { log } from '../observability/logger';
import { actionUpdates, caseWorkflowId } from '../temporal/definitions';
import { openFromStorage, startCase, type SealedPayload } from '../temporal/start-case';
import { fromTemporal } from './errors';

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
 * workflow), records a 并单 repeat on the case it repeats, and only then marks the intake started: an intake stays
 * pending — for a retry with its key or the sweeper — until all of it is done. `input` is the start input when the
 * caller has it; otherwise it is opened from the intake's sealed copy. `actor` records the 并单 (default: whoever
 * registered the case, as an operator). Returns the state the case starts in. A failure is counted on the intake
 * (`attempts`, `last_error`) and thrown.
 */
export async function startIntake(deps: IntakeDeps, intake: Intake, input?: StoredInput, actor?: Actor): Promise<CaseState> {
  try {
    const stored = input ?? (await openStored(deps.client, intake));
    const full: CaseInput = { ...stored, ledgerNo: intake.ledgerNo };
    let firstState: CaseState;
    try {
      ({ firstState } = await (deps.startCase ?? startCase)(deps.client, deps.taskQueue, full));
    } catch (err) {
      // Started before and already closed (the id policy refuses a second run): it is started all the same.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      firstState = initialState(full, full.registeredAt ?? intake.createdAt);
    }
    if (firstState.mergedInto) await absorbRepeat(deps, firstState, actor);
    await markIntakeStarted(deps.db, intake.caseId);
    return firstState;
  } catch (err) {
    await recordIntakeFailure(deps.db, intake.caseId, (err as Error)?.message ?? String(err)).catch(() => undefined);
    throw err;
  }
}

/**
 * 并单: `state`, a repeat, recorded on the case it repeats (`absorb`; the same update id from the API, a retry or the
 * sweeper, so once), and the read model told at once. What may pass (Temporal unavailable or over a limit, an error
 * not understood) is thrown, to be tried again; a refusal that no retry can change (the case it repeats has closed
 * meanwhile, or is gone) is logged and the repeat stays a case of its own, still marked as a repeat.
 */
async function absorbRepeat(deps: IntakeDeps, state: CaseState, actor?: Actor): Promise<void> {
  const into = state.mergedInto!;
  const by = actor ?? { id: state.registeredBy.id, name: state.registeredBy.name, roles: ['operator'], levels: [] };
  try {
    const target = await deps.client.workflow.getHandle(caseWorkflowId(into.id)).executeUpdate(actionUpdates.absorb, {
      args: [by, { id: state.id, ledgerNo: state.ledgerNo }],
      updateId: `absorb-${state.id}`,
    });
    await recordSummary(deps.db, summaryOf(target));
  } catch (err) {
    const known = fromTemporal(err);
    if (!known || known.code === 'unavailable') throw err;
    log().error(`intake: ${state.ledgerNo} is a repeat of ${into.ledgerNo}, which refused to record it (${known.code}): ${known.message}`);
  }
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
 * case it repeats as the API would; an intake whose start or 并单 failed stays pending and is tried again next time.
 */
export async function sweepIntakes(deps: IntakeDeps, olderThanMs: number): Promise<SweepReport> {
  const report: SweepReport = { started: [], failed: [] };
  for (const intake of await stalledIntakes(deps.db, olderThanMs)) {
    try {
      await startIntake(deps, intake);
      report.started.push(intake.caseId);
    } catch (err) {
      report.failed.push({ caseId: intake.caseId, ledgerNo: intake.ledgerNo, error: (err as Error)?.message ?? String(err) });
    }
  }
  return report;
}

export interface SweeperOptions {
  /** How often to look (HUIYING_INTAKE_SWEEP_EVERY_S; default 30 s). */
  everyMs?: number;
  /** How long an intake may wait before the sweeper starts it (HUIYING_INTAKE_SWEEP_MIN_AGE_S; default 30 s: the API call is over by then). */
  olderThanMs?: number;
}

/** The API process's intake sweeper: `sweepIntakes` every `everyMs`, one run at a time. Returns what stops it. */
export function startIntakeSweeper(deps: IntakeDeps, opts: SweeperOptions = {}): () => Promise<void> {
  const everyMs = opts.everyMs ?? DEFAULT_INTAKE_SWEEP.everyMs;
  const olderThanMs = opts.olderThanMs ?? DEFAULT_INTAKE_SWEEP.olderThanMs;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      try {
        const report = await sweepIntakes(deps, olderThanMs);
        for (const id of report.started) log().info(`intake sweeper: started case ${id}`);
        for (const f of report.failed) log().error(`intake sweeper: ${f.ledgerNo} (case ${f.caseId}) not started yet: ${f.error}`);
      } catch (err) {
        log().error({ err }, 'intake sweeper failed');
      }
    });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
