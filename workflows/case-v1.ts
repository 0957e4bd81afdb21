import {
  ActivityFailure,
  patched,
  allHandlersFinished,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ACTION_KINDS, ACTIONS, type ActionKind, type CaseAction } from '../domain/actions';
import { archiveAt, settled } from '../domain/archive';
import type { CaseInput, CaseState } from '../domain/case';
import { nextMilestone, withDeadlines } from '../domain/deadlines';
import { notifyFailed } from '../domain/delivery';
import type { Transition } from '../domain/draft';
import { refusal } from '../domain/errors';
import { fireMilestone } from '../domain/milestones';
import type { Notification } from '../domain/notifications';
import { ActorSchema, type Actor } from '../domain/roles';
import { initialState, intakeDeadlines, intakeNotifications, refuse, transition } from '../domain/rules';
import { searchValuesOf, type CaseSearchValues } from '../domain/search';
import { summaryOf } from '../domain/summary';
import { joinSample } from '../domain/spot-check';
import { actionUpdates, getCaseQuery, sampleSignal } from '../temporal/definitions';
import { refusalFailure } from './failures';
import { searchAttributeChanges } from '../temporal/search-attributes';
import { serializer } from './serial';

const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // A notification must not be lost to a gateway outage: keep trying, backing off to every 10 minutes.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

// Local: the calendar lookup and the read-model write are fast, and all local activities of one workflow task bill as one action.
const { planDeadlines, recordCase } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * One citizen's request, from registration to the call-back that closes it. The rules are the domain's (rules.ts,
 * milestones.ts, spot-check.ts, archive.ts, delivery.ts); this only carries out what they decide: timers,
 * activities, search-attribute upserts.
 */
export async function caseWorkflow(input: CaseInput): Promise<CaseState> {
  let state = initialState(input, now());
  // The API sets these at start (free); afterwards only what changed is upserted (each upsert is billed).
  let published: CaseSearchValues = searchValuesOf(state);
  const outbox: Notification[] = intakeNotifications(state);
  // Every write of `state` after this line runs in here, one at a time.
  const serially = serializer();
  // Cases started before the read model existed replay without its writes; a rebuild fills their rows.
  const recordsSummary = patched(READ_MODEL_PATCH);
  let recorded: Promise<void> = Promise.resolve();
  record();

  /** Records a change the domain worked out, computes the deadlines it starts, and publishes what visibility needs. */
  async function commit(change: Transition): Promise<CaseState> {
    state = change.state;
    outbox.push(...change.notifications);
    if (change.deadlines.length > 0) {
      // Awaited first, then applied to the state as it is now: never a state read before the await.
      const planned = await planDeadlines(change.deadlines);
      state = withDeadlines(state, planned);
    }
    publish();
    return state;
  }

  function publish(): void {
    state = { ...state, version: state.version + 1 };
    record();
    const values = searchValuesOf(state);
    const changes = searchAttributeChanges(values, published);
    if (changes.length > 0) upsertSearchAttributes(changes);
    published = values;
  }

  /** The case's summary into the read model, in order of versions (a local activity: one action per workflow task). */
  function record(archived = false): void {
    if (!recordsSummary) return;
    const summary = summaryOf(state, archived);
    recorded = recorded.then(() => recordCase(summary));
  }

  setHandler(getCaseQuery, () => state);

  const parse = (kind: ActionKind, actor: unknown, body: unknown): { actor: Actor; action: CaseAction } => {
    const a = ActorSchema.safeParse(actor);
    const b = ACTIONS[kind].body.safeParse(body);
    if (!a.success || !b.success) {
      throw refusalFailure(
        refusal('invalid_input', `「${ACTIONS[kind].label}」的请求内容有误`, {
          issues: [...(a.error?.issues ?? []), ...(b.error?.issues ?? [])],
        }),
      );
    }
    return { actor: a.data, action: { kind, ...b.data } as CaseAction };
  };
  const check = (kind: ActionKind, actor: unknown, body: unknown) => {
    const parsed = parse(kind, actor, body);
    const why = refuse(state, parsed.actor, parsed.action);
    if (why) throw refusalFailure(why);
    return parsed;
  };
  for (const kind of ACTION_KINDS) {
    setHandler(
      actionUpdates[kind],
      (actor: Actor, body: unknown) =>
        serially(() => {
          // Checked again here: an earlier update may have changed the case while this one waited its turn.
          const { actor: who, action } = check(kind, actor, body);
          return commit(transition(state, who, action, now()));
        }),
      // Synchronous on purpose: an async validator never rejects. A refused action never enters history.
      { validator: (actor: Actor, body: unknown) => void check(kind, actor, body) },
    );
  }

  setHandler(sampleSignal, (round: string) => {
    const at = now();
    void serially(async () => {
      const sampled = joinSample(state, round, at);
      if (!sampled) return;
      state = sampled;
      publish();
    });
  });

  if (!input.deadlines) {
    void serially(async () => {
      // Asked even when there is nothing to compute (a case that starts closed): recorded histories have that call.
      const planned = await planDeadlines(intakeDeadlines(state));
      state = withDeadlines(state, planned);
      publish();
    });
  }

  void watchDeadlines();

  /** One pending timer per case: for the next warning, overdue or red flag of the running deadline. */
  async function watchDeadlines(): Promise<void> {
    while (state.stage !== 'closed') {
      const next = nextMilestone(state);
      if (!next) {
        await condition(() => nextMilestone(state) !== null || state.stage === 'closed');
        continue;
      }
      const wait = Date.parse(next.at) - Date.now();
      if (wait > 0 && (await condition(() => nextMilestone(state)?.id !== next.id, wait))) continue;
      await serially(async () => {
        if (nextMilestone(state)?.id === next.id) await commit(fireMilestone(state, next, now()));
      });
    }
  }

  // Runs until the case has been closed for the whole spot-check window (定期抽查), then it is archived.
  for (;;) {
    await condition(() => outbox.length > 0 || state.stage === 'closed');
    while (outbox.length > 0) {
      await deliver(outbox[0]);
      outbox.shift();
    }
    if (state.stage !== 'closed') continue;
    const at = Date.now();
    const left = archiveAt(state, at) - at;
    if (left > 0 && (await condition(() => state.stage !== 'closed' || outbox.length > 0 || settled(state), left))) continue;
    if (state.stage === 'closed' && outbox.length === 0) break;
  }
  await condition(allHandlersFinished);
  // Archived: the read model learns that nothing more can happen to the case.
  await serially(async () => {
    state = { ...state, version: state.version + 1 };
    record(true);
  });
  await recorded;
  return state;

  async function deliver(notification: Notification): Promise<void> {
    try {
      await notify(notification);
    } catch (err) {
      // Only a gateway's permanent refusal gets here (transient faults retry).
      // The ActivityFailure only says "Activity task failed"; the gateway's reason is its cause.
      const reason = err instanceof ActivityFailure && err.cause ? err.cause : err;
      const message = reason instanceof Error ? reason.message : String(reason);
      const at = now();
      // Not awaited: the next notification goes out when it always did, whatever the serializer is busy with.
      void serially(async () => {
        state = notifyFailed(state, notification, message, at);
      });
    }
  }
}

/** The patch id of the read-model writes (Temporal's versioning of workflow code). */
const READ_MODEL_PATCH = 'read-model-summary';

function now(): string {
  return new Date().toISOString();
}
