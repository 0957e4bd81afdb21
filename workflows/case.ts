import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ACTION_KINDS, ACTIONS, type ActionKind, type CaseAction } from '../domain/actions';
import { awaitsSpotCheck, archiveAt } from '../domain/archive';
import type { CaseStart, CaseState } from '../domain/case';
import { importedState, type ImportedCaseStart } from '../domain/historical-ledger';
import { nextMilestone, withDeadlines } from '../domain/deadlines';
import { notifyFailed, type Delivery } from '../domain/delivery';
import type { Transition } from '../domain/draft';
import { refusal } from '../domain/errors';
import { fireMilestone } from '../domain/milestones';
import type { Notification } from '../domain/notifications';
import { ActorSchema, type Actor } from '../domain/roles';
import { initialState, intakeDeadlines, intakeNotifications, refuse, transition } from '../domain/rules';
import { recalendar, recalendarRequests } from '../domain/recalendar';
import { operatorSearchValuesOf, type OperatorSearchValues } from '../domain/search';
import { joinSample } from '../domain/spot-check';
import { summaryOf } from '../domain/summary';
import { actionUpdates, getCaseQuery, recalendarSignal, sampleSignal } from '../temporal/definitions';
import { searchAttributeChanges } from '../temporal/search-attributes';
import { deadlineTimer } from './deadline-timer';
import { refusalFailure } from './failures';
import { serializer } from './serial';

// Only for a message the first try in `publish` could not deliver: kept trying, backing off to every 10 minutes.
const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

// Local: all local activities of one workflow task bill as one action and need no task of their own, so a change
// costs one action for its deadlines, its read-model row and its messages together.
const { planDeadlines, publish, recalendarDeadlines } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * One citizen's request, from registration to the call-back that closes it. The rules are the domain's (rules.ts,
 * milestones.ts, spot-check.ts, archive.ts, delivery.ts); this only carries out what they decide.
 *
 * What each change costs (Temporal's billable actions): the update itself, one local-activity batch (deadlines,
 * read-model row, first try of every message) and an upsert when the operator's search attributes change. One
 * deadline timer is pending at a time and is kept while it fires no later than the next milestone. A closed case
 * completes at once: its spot-check sample starts a new run of the same id (a closed case holds no worker memory).
 *
 * Cases started before this version run on `caseWorkflow` (case-v1.ts) until they are archived.
 */
export async function caseWorkflowV2(start: CaseStart | ImportedCaseStart): Promise<CaseState> {
  const resumed = 'resume' in start;
  // A closed case of the county's old ledger starts closed, as the ledger records it, and completes like any other.
  const imported = 'imported' in start;
  let state: CaseState = resumed
    ? (joinSample(start.resume, start.sample, now()) ?? start.resume)
    : imported
      ? importedState(start.imported)
      : initialState(start, now());
  // Set at start (free); afterwards only what changed is upserted (each upsert is billed).
  let published: OperatorSearchValues = operatorSearchValuesOf(state);
  // Every write of `state` after this line runs in here, one at a time.
  const serially = serializer();
  // Publications in order of versions: read-model rows and messages never overtake each other.
  let publishing: Promise<void> = Promise.resolve();
  // Messages being retried by the `notify` activity after `publish` could not deliver them.
  let retrying = 0;

  /** Applies a change the domain worked out, with the deadlines it starts, and publishes it. */
  async function commit(change: Transition): Promise<CaseState> {
    state = change.state;
    if (change.deadlines.length > 0) {
      // Awaited first, then applied to the state as it is now: never a state read before the await.
      const planned = await planDeadlines(change.deadlines);
      state = withDeadlines(state, planned);
    }
    bumpAndPublish(change.notifications);
    return state;
  }

  function bumpAndPublish(notifications: Notification[], archived = false): void {
    state = { ...state, version: state.version + 1 };
    publishState(notifications, archived);
  }

  /** The read model's row, the operator's search attributes and the change's messages. */
  function publishState(notifications: Notification[], archived = false): void {
    const values = operatorSearchValuesOf(state);
    const changes = searchAttributeChanges(values, published);
    if (changes.length > 0) upsertSearchAttributes(changes);
    published = values;
    const summary = summaryOf(state, archived);
    publishing = publishing.then(async () => settle(notifications, await publish({ summary, notifications })));
  }

  /** What `publish` could not deliver: refused for good goes on the record, a passing fault is retried. */
  function settle(notifications: Notification[], deliveries: Delivery[]): void {
    for (const d of deliveries) {
      const notification = notifications.find((n) => n.id === d.id);
      if (!notification || d.outcome === 'delivered') continue;
      if (d.outcome === 'refused') recordFailure(notification, d.reason);
      else void retry(notification);
    }
  }

  async function retry(notification: Notification): Promise<void> {
    retrying += 1;
    try {
      await notify(notification);
    } catch (err) {
      // Only a gateway's permanent refusal gets here; the ActivityFailure's cause holds the gateway's reason.
      const reason = err instanceof ActivityFailure && err.cause ? err.cause : err;
      recordFailure(notification, reason instanceof Error ? reason.message : String(reason));
    } finally {
      retrying -= 1;
    }
  }

  function recordFailure(notification: Notification, reason: string): void {
    const at = now();
    void serially(async () => {
      state = notifyFailed(state, notification, reason, at);
    });
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
      bumpAndPublish([]);
    });
  });

  // A calendar update: the provisional deadlines computed again by the activity; a second signal finds nothing to change.
  // A moved running deadline changes the next milestone, which restarts the deadline timer below.
  setHandler(recalendarSignal, () => {
    const at = now();
    void serially(async () => {
      const requests = recalendarRequests(state);
      if (requests.length === 0) return;
      const fresh = await recalendarDeadlines(requests);
      const updated = recalendar(state, fresh, at);
      if (!updated) return;
      state = updated;
      bumpAndPublish([]);
    });
  });

  if (resumed || imported) {
    bumpAndPublish([]);
  } else {
    void serially(async () => {
      // The API passes the first deadlines in (computed before the start); a start without them plans them here.
      const requests = start.deadlines ? [] : intakeDeadlines(state);
      if (requests.length > 0) state = withDeadlines({ ...state, version: state.version + 1 }, await planDeadlines(requests));
      publishState(intakeNotifications(state));
    });
  }

  let ending = false;
  const watching = watchDeadlines();

  /** The next warning, overdue or red flag of the running deadline, on one pending timer (deadline-timer.ts). */
  async function watchDeadlines(): Promise<void> {
    const timer = deadlineTimer();
    try {
      for (;;) {
        await condition(() => ending || nextMilestone(state) !== null);
        if (ending) return;
        // Read again: the state may have moved on between the condition and here.
        const next = nextMilestone(state);
        if (!next) continue;
        if (!(await timer.waitFor(Date.parse(next.at), () => ending || nextMilestone(state)?.id !== next.id))) continue;
        await serially(async () => {
          if (nextMilestone(state)?.id === next.id) await commit(fireMilestone(state, next, now()));
        });
      }
    } finally {
      timer.cancel();
    }
  }

  // Closed: a case in a spot-check sample waits for the check until its window ends; any other case is done.
  for (;;) {
    await condition(() => state.stage === 'closed');
    if (!awaitsSpotCheck(state)) break;
    const left = archiveAt(state, Date.now()) - Date.now();
    if (left <= 0 || !(await condition(() => state.stage !== 'closed' || !awaitsSpotCheck(state), left))) break;
  }
  ending = true;
  await watching;
  await condition(allHandlersFinished);
  // The run ends: the read model learns it (the same version, archived), and that only a sample brings the case back.
  await serially(async () => publishState([], true));
  await publishing;
  await condition(() => retrying === 0);
  return state;
}

function now(): string {
  return new Date().toISOString();
}
