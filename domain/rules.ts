import type { ActionKind, CaseAction } from './actions';
import { ACTION_LABELS } from './actions';
import type { CaseInput, CaseState, Stage, TimelineEntry } from './case';
import { STAGE_LABELS } from './case';
import { refusal, type Refusal } from './errors';
import type { Notification, NotificationTemplate, Recipient } from './notifications';
import { ACTION_ROLE, UNIT_BOUND_ACTIONS } from './permissions';
import { hasRole, REVIEW_LEVEL_LABELS, type Actor, type ActorRef, type ReviewLevel } from './roles';

/** The stage each action needs. The whole state machine of the loop is this table plus `transition`. */
export const REQUIRED_STAGE: Record<ActionKind, Stage> = {
  assign: 'registered',
  accept: 'assigned',
  return: 'assigned',
  progress: 'rectifying',
  submit: 'rectifying',
  review: 'reviewing',
  callback: 'replied',
};

export function initialState(input: CaseInput, at: string): CaseState {
  return {
    ...input.request,
    id: input.id,
    ledgerNo: input.ledgerNo,
    stage: 'registered',
    registeredAt: at,
    updatedAt: at,
    registeredBy: input.registeredBy,
    unit: null,
    returnedBy: [],
    reviewLevel: null,
    reviewRound: 0,
    reviews: [],
    result: null,
    submittedBy: null,
    reopenCount: 0,
    satisfaction: null,
    closedAt: null,
    requestHash: input.requestHash ?? null,
    timeline: [{ at, by: input.registeredBy, action: 'register', note: ACTION_LABELS.register }],
  };
}

/** Why `actor` may not take `action` now, or null when it may. Checked by the API and again by the workflow. */
export function refuse(state: CaseState, actor: Actor, action: CaseAction): Refusal | null {
  const role = ACTION_ROLE[action.kind];
  if (!hasRole(actor, role)) {
    return refusal('forbidden', `${action.kind} needs the ${role} role`);
  }
  if (UNIT_BOUND_ACTIONS.has(action.kind) && (!actor.unit || actor.unit !== state.unit)) {
    return refusal('forbidden', `${action.kind} is only for handlers of the case's unit`);
  }
  const needed = REQUIRED_STAGE[action.kind];
  if (state.stage !== needed) {
    return refusal(
      'conflict',
      `cannot ${action.kind}: the case is in stage '${state.stage}' (${STAGE_LABELS[state.stage]}); ` +
        `${action.kind} needs stage '${needed}'`,
      { stage: state.stage, reviewLevel: state.reviewLevel },
    );
  }
  return action.kind === 'review' ? refuseReview(state, actor, action.level) : null;
}

/** Three-level review: in order, by holders of the level, never twice by one person in a round, never by the submitter. */
function refuseReview(state: CaseState, actor: Actor, level: ReviewLevel): Refusal | null {
  if (level !== state.reviewLevel) {
    return refusal('conflict', `the case awaits review level ${state.reviewLevel}, not level ${level}`, {
      stage: state.stage,
      reviewLevel: state.reviewLevel,
    });
  }
  if (!actor.levels.includes(level)) {
    return refusal('forbidden', `you do not hold review level ${level} (${REVIEW_LEVEL_LABELS[level]})`);
  }
  if (state.submittedBy?.id === actor.id) {
    return refusal('forbidden', 'nobody reviews a result they submitted');
  }
  const earlier = state.reviews.find((r) => r.by.id === actor.id);
  if (earlier) {
    return refusal('forbidden', `you already decided level ${earlier.level} in this round; another reviewer must decide`);
  }
  return null;
}

export interface Transition {
  state: CaseState;
  notifications: Notification[];
}

/** Applies an action that `refuse` allowed. Pure: time comes in, notifications to send come out. */
export function transition(prev: CaseState, actor: Actor, action: CaseAction, at: string): Transition {
  const by: ActorRef = { id: actor.id, name: actor.name, role: ACTION_ROLE[action.kind] };
  const draft = new Draft(prev, by, at);
  switch (action.kind) {
    case 'assign':
      draft.set({ stage: 'assigned', unit: action.unit }).log('assign', action.note ?? `交办至 ${action.unit}`);
      draft.notify('assigned', { kind: 'unit', unit: action.unit }, `【交办】${prev.ledgerNo}「${prev.title}」已交办贵单位，请及时签收办理。`);
      break;
    case 'accept':
      draft.set({ stage: 'rectifying' }).log('accept', action.note);
      break;
    case 'return':
      draft.set({ stage: 'registered', unit: null, returnedBy: [...prev.returnedBy, prev.unit ?? ''] }).log('return', action.reason);
      draft.notify('returned', { kind: 'dispatchers' }, `【退单】${prev.ledgerNo}「${prev.title}」被承办单位退回：${action.reason}。请改派。`);
      break;
    case 'progress':
      draft.log('progress', action.note);
      break;
    case 'submit':
      draft.set({ stage: 'reviewing', reviewLevel: 1, reviewRound: prev.reviewRound + 1, reviews: [], result: action.result, submittedBy: by });
      draft.log('submit', action.result);
      draft.notifyReviewers(1);
      break;
    case 'review':
      applyReview(draft, prev, action);
      break;
    case 'callback':
      applyCallback(draft, prev, action);
      break;
  }
  return draft.done();
}

function applyReview(draft: Draft, prev: CaseState, action: Extract<CaseAction, { kind: 'review' }>): void {
  const record = { level: action.level, decision: action.decision, by: draft.by, at: draft.at, ...(action.comment ? { comment: action.comment } : {}) };
  const label = REVIEW_LEVEL_LABELS[action.level];
  if (action.decision === 'reject') {
    draft.set({ stage: 'rectifying', reviewLevel: null, reviews: [...prev.reviews, record] });
    draft.log('review', `${label}退回：${action.comment ?? ''}`.trim());
    draft.notify('review_rejected', { kind: 'unit', unit: prev.unit ?? '' }, `【审核退回】${prev.ledgerNo} ${label}未通过：${action.comment ?? '请补充完善'}。`);
    return;
  }
  draft.set({ reviews: [...prev.reviews, record] }).log('review', `${label}通过${action.comment ? `：${action.comment}` : ''}`);
  if (action.level < 3) {
    const next = (action.level + 1) as ReviewLevel;
    draft.set({ reviewLevel: next });
    draft.notifyReviewers(next);
    return;
  }
  draft.set({ stage: 'replied', reviewLevel: null });
  draft.notify('answer', { kind: 'citizen', citizen: prev.citizen }, `【12345】您的诉求（编号${prev.ledgerNo}）办理结果：${prev.result ?? ''}`);
}

function applyCallback(draft: Draft, prev: CaseState, action: Extract<CaseAction, { kind: 'callback' }>): void {
  draft.set({ satisfaction: action.result }).log('callback', action.note ? `${action.result}：${action.note}` : action.result);
  if (action.result === 'dissatisfied') {
    draft.set({ stage: 'rectifying', reopenCount: prev.reopenCount + 1, reviewLevel: null });
    draft.notify('reopened', { kind: 'unit', unit: prev.unit ?? '' }, `【重办】${prev.ledgerNo}「${prev.title}」回访不满意，请重新办理。`);
    return;
  }
  draft.set({ stage: 'closed', closedAt: draft.at });
}

/** The receipt a citizen gets on registration (台账登记 gives them the ledger number). */
export function receiptNotification(state: CaseState): Notification {
  return {
    id: notificationId(state, 0, 'receipt'),
    caseId: state.id,
    ledgerNo: state.ledgerNo,
    template: 'receipt',
    to: { kind: 'citizen', citizen: state.citizen },
    text: `【12345】您的诉求已受理，编号${state.ledgerNo}，请留存以便查询。我们将在规定时限内办理并答复。`,
  };
}

/** Deterministic from the case and the timeline position, so a replay or retry names the same notification. */
function notificationId(state: CaseState, seq: number, template: NotificationTemplate): string {
  return `${state.id}:${seq}:${template}`;
}

/** Accumulates one transition's changes, its timeline entry and its notifications. */
class Draft {
  private state: CaseState;
  private readonly notifications: Notification[] = [];
  constructor(prev: CaseState, readonly by: ActorRef, readonly at: string) {
    this.state = { ...prev, updatedAt: at };
  }
  set(patch: Partial<CaseState>): this {
    this.state = { ...this.state, ...patch };
    return this;
  }
  log(action: string, note?: string): this {
    const entry: TimelineEntry = { at: this.at, by: this.by, action, ...(note ? { note } : {}) };
    this.state = { ...this.state, timeline: [...this.state.timeline, entry] };
    return this;
  }
  notify(template: NotificationTemplate, to: Recipient, text: string): this {
    const seq = this.state.timeline.length;
    this.notifications.push({ id: notificationId(this.state, seq, template), caseId: this.state.id, ledgerNo: this.state.ledgerNo, template, to, text });
    return this;
  }
  notifyReviewers(level: ReviewLevel): this {
    const label = REVIEW_LEVEL_LABELS[level];
    return this.notify('review_requested', { kind: 'reviewers', level }, `【待${label}】${this.state.ledgerNo}「${this.state.title}」办理结果待${label}。`);
  }
  done(): Transition {
    return { state: this.state, notifications: this.notifications };
  }
}
