import { ActivityFailure, allHandlersFinished, condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { ACTION_KINDS, ActionBodies, type ActionKind, type CaseAction } from '../domain/actions';
import type { CaseInput, CaseState } from '../domain/case';
import { refusal } from '../domain/errors';
import type { Notification } from '../domain/notifications';
import { ActorSchema, type Actor } from '../domain/roles';
import { initialState, receiptNotification, refuse, transition } from '../domain/rules';
import { searchValuesOf } from '../domain/search';
import type { Activities } from '../activities';
import { actionUpdates, getCaseQuery } from './definitions';
import { refusalFailure } from './failures';
import { searchAttributePairs } from './search-attributes';

const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // A notification must not be lost to a gateway outage: keep trying, backing off to every 10 minutes.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** One citizen's request, from registration to the call-back that closes it. */
export async function caseWorkflow(input: CaseInput): Promise<CaseState> {
  let state = initialState(input, now());
  // The API sets these at start (free); afterwards only what changed is upserted (each upsert is billed).
  let published = searchValuesOf(state);
  const outbox: Notification[] = [receiptNotification(state)];

  setHandler(getCaseQuery, () => state);

  const handle = (kind: ActionKind) => {
    const parse = (actor: unknown, body: unknown): { actor: Actor; action: CaseAction } => {
      const a = ActorSchema.safeParse(actor);
      const b = ActionBodies[kind].safeParse(body);
      if (!a.success || !b.success) {
        throw refusalFailure(refusal('invalid_input', `invalid ${kind} request`, { issues: [...(a.error?.issues ?? []), ...(b.error?.issues ?? [])] }));
      }
      return { actor: a.data, action: { kind, ...b.data } as CaseAction };
    };
    setHandler(
      actionUpdates[kind],
      (actor: Actor, body: unknown) => {
        const parsed = parse(actor, body);
        const next = transition(state, parsed.actor, parsed.action, now());
        state = next.state;
        outbox.push(...next.notifications);
        published = publish(published, state);
        return state;
      },
      {
        // Synchronous on purpose: an async validator never rejects. A refused action never enters history.
        validator: (actor: Actor, body: unknown) => {
          const parsed = parse(actor, body);
          const why = refuse(state, parsed.actor, parsed.action);
          if (why) throw refusalFailure(why);
        },
      },
    );
  };
  ACTION_KINDS.forEach(handle);

  for (;;) {
    await condition(() => outbox.length > 0 || state.stage === 'closed');
    while (outbox.length > 0) {
      await deliver(outbox[0]);
      outbox.shift();
    }
    if (state.stage === 'closed') break;
  }
  await condition(allHandlersFinished);
  return state;

  async function deliver(notification: Notification): Promise<void> {
    try {
      await notify(notification);
    } catch (err) {
      // Only a gateway's permanent refusal gets here (transient faults retry): record it, keep the case going.
      // The ActivityFailure only says "Activity task failed"; the gateway's reason is its cause.
      const reason = err instanceof ActivityFailure && err.cause ? err.cause : err;
      const note = `通知未送达（${notification.template}）：${reason instanceof Error ? reason.message : String(reason)}`;
      state = { ...state, timeline: [...state.timeline, { at: now(), by: SYSTEM, action: 'notify_failed', note }] };
    }
  }
}

const SYSTEM = { id: 'system', name: '系统' };

function publish(before: ReturnType<typeof searchValuesOf>, state: CaseState): ReturnType<typeof searchValuesOf> {
  const after = searchValuesOf(state);
  const pairs = searchAttributePairs(after, before);
  if (pairs.length > 0) upsertSearchAttributes(pairs);
  return after;
}

function now(): string {
  return new Date().toISOString();
}
