import type { Client } from '@temporalio/client';
import type { ActionBody, ActionKind } from '../domain/actions';
import type { WorkingCalendar } from '../domain/calendar';
import type { CaseRef, CaseState, NewCase } from '../domain/case';
import { caseInputOf } from '../domain/intake';
import { shanghaiYear } from '../domain/ledger';
import type { TimeLimits } from '../domain/limits';
import type { Actor } from '../domain/roles';
import { refuse } from '../domain/rules';
import { textSimilarity } from '../domain/similarity';
import { recordSummary } from '../db/case-summaries';
import { allocateIntake, findIntake } from '../db/ledger';
import type { Db } from '../db/pool';
import { summaryOf } from '../domain/summary';
import { actionUpdates, caseWorkflowId, getCaseQuery } from '../temporal/definitions';
import { sealForStorage } from '../temporal/start-case';
import { openCasesOfCitizen } from '../db/case-queries';
import { caseSearchGrams } from '../domain/text-search';
import { ApiError, fromTemporal } from './errors';
import { caseIdFor, citizenKeyOf, hashRequest, updateIdFor } from './ids';
import { startIntake, type IntakeDeps, type StartCase } from './intake';

export interface CaseServiceOptions {
  client: Client;
  db: Db;
  taskQueue: string;
  ledgerPrefix: string;
  calendar: WorkingCalendar;
  limits: TimeLimits;
  /** How long one API call may wait on Temporal before answering 503. */
  requestTimeoutMs?: number;
  /** Keys the phone hash that finds repeat requests (并单); never stored, never in visibility. */
  citizenKeySecret: string;
  /** How a case workflow is started (default `startCase`): a seam for tests of an intake whose start fails. */
  startCase?: StartCase;
}

/** Everything the API asks of Temporal about cases. Routes stay thin; rules stay in domain/. */
export class CaseService {
  constructor(private readonly opts: CaseServiceOptions) {}

  private get client(): Client {
    return this.opts.client;
  }

  /** Bounds a call to Temporal: with no worker, an update would otherwise wait indefinitely. */
  private timed<R>(fn: () => Promise<R>): Promise<R> {
    return this.client.withDeadline(Date.now() + (this.opts.requestTimeoutMs ?? 30_000), fn);
  }

  /** The keyed hash a phone is matched by in the read model: the same for the same digits, however written. */
  citizenKey(phone: string): string {
    return citizenKeyOf(this.opts.citizenKeySecret, phone);
  }

  create(actor: Actor, request: NewCase, idempotencyKey?: string): Promise<CaseState> {
    return this.timed(() => this.register(actor, request, idempotencyKey));
  }

  /**
   * Registers a request: its ledger number and intake come from the database in one transaction (db/ledger.ts), the
   * case workflow is started, and the answer is the state the case starts in — no query, no wait for a worker. A
   * repeat of an Idempotency-Key finds its intake: a different request is refused (409), the same one gets the case
   * (started now if its first attempt could not), read from the workflow.
   */
  private async register(actor: Actor, request: NewCase, idempotencyKey?: string): Promise<CaseState> {
    const { db, limits, calendar } = this.opts;
    const id = caseIdFor(actor.id, idempotencyKey);
    const requestHash = hashRequest(request);
    let intake = await findIntake(db, id);
    if (!intake) {
      const citizenKey = citizenKeyOf(this.opts.citizenKeySecret, request.citizen.phone);
      const repeatOf = request.answer ? null : await this.findRepeat(citizenKey, request);
      const registeredAt = new Date();
      const { ledgerNo: _none, ...input } = caseInputOf({
        id,
        ledgerNo: '',
        request,
        registeredBy: actor,
        registeredAt: registeredAt.toISOString(),
        limits,
        calendar,
        requestHash,
        citizenKey,
        ...(repeatOf ? { mergeInto: repeatOf } : {}),
      });
      const allocated = await allocateIntake(db, {
        caseId: id,
        prefix: this.opts.ledgerPrefix,
        year: shanghaiYear(registeredAt),
        requestHash,
        input: await sealForStorage(this.client, input),
        searchGrams: caseSearchGrams(request),
      });
      // startIntake records a 并单 repeat on the case it repeats too (api/intake.ts).
      if (allocated.created) return this.recorded(await startIntake(this.intakeDeps, allocated.intake, input, actor));
      intake = allocated.intake; // a concurrent request with the same key got there first
    }
    if (intake.requestHash !== requestHash) {
      throw new ApiError('conflict', '此 Idempotency-Key 已用于另一项不同的登记', { ledgerNo: intake.ledgerNo });
    }
    if (!intake.startedAt) await startIntake(this.intakeDeps, intake, undefined, actor);
    return this.repeated(actor, await this.client.workflow.getHandle(caseWorkflowId(id)).query(getCaseQuery));
  }

  private get intakeDeps(): IntakeDeps {
    return { client: this.client, db: this.opts.db, taskQueue: this.opts.taskQueue, startCase: this.opts.startCase };
  }

  /** The last step of a registration: the read model told at once. */
  private async recorded(state: CaseState): Promise<CaseState> {
    await this.recordSummary(state);
    return state;
  }

  /**
   * A repeat of a registration: its intake is started, and with it a 并单 recorded (startIntake). An intake marked
   * started before startIntake did the 并单 itself may lack it, so it is recorded again (the update id makes it once).
   */
  private async repeated(actor: Actor, state: CaseState): Promise<CaseState> {
    if (state.mergedInto)
      await this.update(state.mergedInto.id, 'absorb', actor, { id: state.id, ledgerNo: state.ledgerNo }, `absorb-${state.id}`);
    return this.recorded(state);
  }

  /** An open case of the same citizen and type whose text reads like this one (the configurable 并单 rule). */
  private async findRepeat(citizenKey: string, request: NewCase): Promise<CaseRef | null> {
    const rule = this.opts.limits.merge;
    if (!rule.enabled) return null;
    // The candidates from the read model; their text (encrypted, never in the read model) from each workflow.
    const items = await openCasesOfCitizen(this.opts.db, citizenKey, request.type);
    let best: { ref: CaseRef; score: number } | null = null;
    for (const candidate of items) {
      const open = await this.client.workflow.getHandle(caseWorkflowId(candidate.id)).query(getCaseQuery);
      const score = textSimilarity(`${open.title} ${open.content}`, `${request.title} ${request.content}`);
      if (score >= rule.minSimilarity && (!best || score > best.score)) best = { ref: { id: open.id, ledgerNo: open.ledgerNo }, score };
    }
    return best?.ref ?? null;
  }

  /** 并单 by hand: the registered case `id` joins the open case `into`; recorded on both. */
  merge(actor: Actor, id: string, into: string): Promise<CaseState> {
    return this.timed(async () => {
      if (into === id) throw new ApiError('conflict', '工单不能并入自身');
      const target = await this.client.workflow
        .getHandle(caseWorkflowId(into))
        .query(getCaseQuery)
        .catch((err) => {
          throw fromTemporal(err)?.code === 'not_found'
            ? new ApiError('invalid_input', `没有要并入的工单「${into}」`, [{ field: 'into', message: 'no such case' }])
            : err;
        });
      if (target.stage === 'closed') throw new ApiError('conflict', `不能并入${target.ledgerNo}：该工单已办结`, { stage: target.stage });
      const source = await this.client.workflow.getHandle(caseWorkflowId(id)).query(getCaseQuery);
      const body = { into, intoLedgerNo: target.ledgerNo };
      const why = refuse(source, actor, { kind: 'merge', ...body });
      if (why) throw ApiError.from(why);
      await this.update(into, 'absorb', actor, { id, ledgerNo: source.ledgerNo }, `absorb-${id}`);
      return this.update(id, 'merge', actor, body, `merge-${id}`);
    });
  }

  get(id: string): Promise<CaseState> {
    return this.timed(() => this.client.workflow.getHandle(caseWorkflowId(id)).query(getCaseQuery));
  }

  act<K extends ActionKind>(id: string, kind: K, actor: Actor, body: ActionBody<K>, idempotencyKey?: string): Promise<CaseState> {
    return this.timed(() => this.update(id, kind, actor, body, idempotencyKey ? updateIdFor(actor.id, kind, idempotencyKey) : undefined));
  }

  /**
   * The workflow records every change in the read model itself; the API records the state it answers with as well,
   * so that a list read right after the answer already shows it (the version keeps the newer of the two).
   */
  private async recordSummary(state: CaseState): Promise<void> {
    await recordSummary(this.opts.db, summaryOf(state));
  }

  private async update<K extends ActionKind>(
    id: string,
    kind: K,
    actor: Actor,
    body: ActionBody<K>,
    updateId?: string,
  ): Promise<CaseState> {
    const handle = this.client.workflow.getHandle(caseWorkflowId(id));
    try {
      const state = await handle.executeUpdate(actionUpdates[kind], { args: [actor, body], ...(updateId ? { updateId } : {}) });
      await this.recordSummary(state);
      return state;
    } catch (err) {
      throw await this.explainClosed(id, err);
    }
  }

  /** An update to a finished workflow fails as "not found"; the caller deserves "the case is closed". */
  private async explainClosed(id: string, err: unknown): Promise<unknown> {
    if ((err as Error)?.name !== 'WorkflowNotFoundError') return err;
    try {
      const description = await this.client.workflow.getHandle(caseWorkflowId(id)).describe();
      if (description.status.name !== 'RUNNING') {
        return new ApiError('conflict', `该工单已办结（流程状态 ${description.status.name.toLowerCase()}），不能再进行任何操作`, {
          stage: 'closed',
        });
      }
    } catch {
      // describe failing too means the case really does not exist
    }
    return err;
  }
}
