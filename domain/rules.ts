import { ACTIONS, EVENT_LABELS, type ActionSpec, type CaseAction } from './actions';
import type { CaseInput, CaseState, Stage } from './case';
import { REQUEST_TYPE_LABELS, STAGE_LABELS, VOID_REASON_LABELS } from './case';
import { deadlinesStarted, type DeadlineRequest } from './deadlines';
import { Draft, notificationId, type Transition } from './draft';
import { refusal, type Refusal } from './errors';
import type { Notification } from './notifications';
import { hasRole, REVIEW_LEVEL_LABELS, ROLE_LABELS, type Actor, type ActorRef, type ReviewLevel } from './roles';

export type { Transition } from './draft';

// The whole state machine of the loop is the `stages` of each action in ACTIONS (actions.ts) plus `transition`.

export function initialState(input: CaseInput, startedAt: string): CaseState {
  const at = input.registeredAt ?? startedAt;
  const deadlines = Object.fromEntries((input.deadlines ?? []).map((d) => [d.key, d]));
  const registered: CaseState = {
    ...input.request,
    id: input.id,
    ledgerNo: input.ledgerNo,
    stage: 'registered',
    version: 0,
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
    stageSince: at,
    deadlines,
    extension: { pending: null, approvedCount: 0, approvedDays: 0 },
    policy: input.policy,
    outcome: {
      signedAt: null,
      signedLate: false,
      completedAt: null,
      completedLate: false,
      everOverdue: false,
      everRedFlag: false,
      resolved: null,
      directAnswer: false,
    },
    mergedInto: null,
    mergedFrom: [],
    spotCheck: { round: null, result: null, at: null, by: null, note: null },
    citizenKey: input.citizenKey ?? null,
    timeline: [{ at, by: input.registeredBy, action: 'register', note: EVENT_LABELS.register }],
  };
  if (input.mergeInto) {
    const { id, ledgerNo } = input.mergeInto;
    return {
      ...registered,
      stage: 'closed',
      closedAt: at,
      deadlines: {},
      mergedInto: { id, ledgerNo },
      timeline: [...registered.timeline, { at, by: input.registeredBy, action: 'merge', note: `并入 ${ledgerNo}` }],
    };
  }
  if (input.request.answer) {
    return {
      ...registered,
      stage: 'closed',
      closedAt: at,
      deadlines: {},
      outcome: { ...registered.outcome, completedAt: at, directAnswer: true },
      timeline: [...registered.timeline, { at, by: input.registeredBy, action: 'answer', note: input.request.answer }],
    };
  }
  return registered;
}

/** What the citizen hears at registration: the receipt, or at once the answer, or that it was merged. */
export function intakeNotifications(state: CaseState): Notification[] {
  const to = { kind: 'citizen' as const, citizen: state.citizen };
  const base = { caseId: state.id, ledgerNo: state.ledgerNo, to };
  if (state.mergedInto) {
    return [
      {
        ...base,
        id: notificationId(state.id, 0, 'merged'),
        template: 'merged',
        text: `【12345】您的诉求（编号${state.ledgerNo}）与您此前反映的${state.mergedInto.ledgerNo}为同一事项，已合并办理，办理结果将一并答复。`,
      },
    ];
  }
  if (state.outcome.directAnswer) {
    return [
      {
        ...base,
        id: notificationId(state.id, 0, 'answer'),
        template: 'answer',
        text: `【12345】您的咨询（编号${state.ledgerNo}）答复如下：${state.answer ?? ''}`,
      },
    ];
  }
  return [receiptNotification(state)];
}

/**
 * The deadlines a case starts with (the assignment's, unless it started closed), when the API did not compute them
 * before the start; counted from registration.
 */
export function intakeDeadlines(state: CaseState): DeadlineRequest[] {
  return deadlinesStarted(null, state, state.registeredAt);
}

/** Why `actor` may not take `action` now, or null when it may. Checked by the API and again by the workflow. */
export function refuse(state: CaseState, actor: Actor, action: CaseAction): Refusal | null {
  // Messages are for people, in Chinese; codes and details are for programs (the console words its own from them).
  const spec: ActionSpec = ACTIONS[action.kind];
  const { role, unitBound, label } = spec;
  if (!hasRole(actor, role)) {
    return refusal('forbidden', `「${label}」须由${ROLE_LABELS[role]}办理`);
  }
  if (spec.supportingUnits && !(state.supporting ?? []).some((s) => s.unit === actor.unit)) {
    return refusal('forbidden', `「${label}」仅限本工单的协办单位`);
  }
  if (unitBound && !spec.supportingUnits && (!actor.unit || actor.unit !== state.unit)) {
    return refusal('forbidden', `「${label}」仅限本工单承办单位的承办人`);
  }
  const allowed: readonly Stage[] = ACTIONS[action.kind].stages;
  if (!allowed.includes(state.stage)) {
    return refusal(
      'conflict',
      `该工单当前为「${STAGE_LABELS[state.stage]}」（${state.stage}），不能${label}；` +
        `${label}仅限${allowed.map((s) => `「${STAGE_LABELS[s]}」`).join('或')}时`,
      { stage: state.stage, reviewLevel: state.reviewLevel },
    );
  }
  switch (action.kind) {
    case 'review':
      return refuseReview(state, actor, action.level);
    case 'extension':
      return state.extension.pending ? refusal('conflict', '已有延期申请等待督办员审批') : refuseBeyondCaps(state, action.workingDays);
    case 'extensionDecision':
      if (!state.extension.pending) return refusal('conflict', '没有待审批的延期申请');
      return action.approve ? refuseBeyondCaps(state, state.extension.pending.workingDays) : null;
    case 'answer':
      return state.type === 'consultation'
        ? null
        : refusal('conflict', `只有咨询类诉求可以直接答复，本工单为「${REQUEST_TYPE_LABELS[state.type]}」`);
    case 'spotCheck':
      if (state.mergedInto) return refusal('conflict', '已并单的工单随其并入的工单一并抽查');
      if (!state.spotCheck.round) return refusal('conflict', '该工单不在抽查样本中');
      return state.spotCheck.result
        ? refusal('conflict', `该工单已抽查（${state.spotCheck.result === 'passed' ? '合格' : '不合格'}）`)
        : null;
    case 'merge':
      return action.into === state.id ? refusal('conflict', '工单不能并入自身') : null;
    case 'reassign':
      if ((state.supporting ?? []).some((s) => s.unit === action.unit)) return refusal('conflict', '该单位已是本工单的协办单位');
      return action.unit === state.unit ? refusal('conflict', '该工单已由此单位承办', { unit: state.unit }) : null;
    case 'contribute':
      return (state.supporting ?? []).some((s) => s.unit === actor.unit && s.contribution)
        ? refusal('conflict', '本单位已提交协办意见')
        : null;
    case 'return':
      return refuseReturn(state);
    case 'returnDecision':
      if (!state.returnRequest) return refusal('conflict', '没有待审核的退单申请');
      return action.accept && action.unit === state.returnRequest.unit
        ? refusal('conflict', '同意退单时不能再改派给申请退单的单位', { unit: action.unit })
        : null;
    case 'appeal':
      if (!state.policy.returnsDecided) return refusal('conflict', '本工单的退单无需派单员审核，无可申诉');
      if (state.appeal) return refusal('conflict', '已有申诉等待督办员裁决');
      return (state.returnRefusals ?? []).some((r) => r.unit === state.unit) ? null : refusal('conflict', '只有退单未获同意的单位可以申诉');
    case 'appealDecision':
      return state.appeal ? null : refusal('conflict', '没有待裁决的申诉');
    default:
      return null;
  }
}

/** A unit returns a case once per decision: not while one waits, not after a refusal (it appeals instead). */
function refuseReturn(state: CaseState): Refusal | null {
  if (!state.policy.returnsDecided) return null;
  if (state.returnRequest) return refusal('conflict', '已有退单申请等待派单员审核');
  if (state.appeal) return refusal('conflict', '已有申诉等待督办员裁决');
  if ((state.returnRefusals ?? []).some((r) => r.unit === state.unit))
    return refusal('conflict', '派单员未同意本单位退单，如有异议请向督办员申诉');
  return null;
}

/** Three-level review: in order, by holders of the level, never twice by one person in a round, never by the submitter. */
function refuseReview(state: CaseState, actor: Actor, level: ReviewLevel): Refusal | null {
  if (level !== state.reviewLevel) {
    return refusal(
      'conflict',
      `该工单正待${state.reviewLevel ? REVIEW_LEVEL_LABELS[state.reviewLevel] : '（无）'}，不是${REVIEW_LEVEL_LABELS[level]}（第${level}级）`,
      {
        stage: state.stage,
        reviewLevel: state.reviewLevel,
      },
    );
  }
  if (!actor.levels.includes(level)) {
    return refusal('forbidden', `您没有${REVIEW_LEVEL_LABELS[level]}（第${level}级）权限`);
  }
  if (state.submittedBy?.id === actor.id) {
    return refusal('forbidden', '不能审核自己提交的办理结果');
  }
  const earlier = state.reviews.find((r) => r.by.id === actor.id);
  if (earlier) {
    return refusal('forbidden', `您在本轮已作出第${earlier.level}级审核决定，须由其他审核人审核`);
  }
  return null;
}

/** Extension caps (延期): how many approvals, and how many working days in all, per the case's policy. */
function refuseBeyondCaps(state: CaseState, workingDays: number): Refusal | null {
  const { maxCount, maxWorkingDays } = state.policy.extension;
  const { approvedCount, approvedDays } = state.extension;
  if (approvedCount >= maxCount) {
    return refusal('conflict', `延期次数已达上限：每件工单至多批准${maxCount}次延期`, {
      cap: 'count',
      maxCount,
      approvedCount,
    });
  }
  if (approvedDays + workingDays > maxWorkingDays) {
    return refusal('conflict', `延期总天数上限为${maxWorkingDays}个工作日，尚余${maxWorkingDays - approvedDays}个工作日`, {
      cap: 'workingDays',
      maxWorkingDays,
      approvedDays,
    });
  }
  return null;
}

/**
 * Applies an action that `refuse` allowed. Pure: time comes in; the new state, the notifications to send and the
 * deadlines to compute come out, and the workflow only carries them out.
 */
export function transition(prev: CaseState, actor: Actor, action: CaseAction, at: string): Transition {
  const by: ActorRef = { id: actor.id, name: actor.name, role: ACTIONS[action.kind].role };
  const draft = new Draft(prev, by, at);
  switch (action.kind) {
    case 'assign':
      {
        const supporting = action.supporting ?? [];
        const also = supporting.length ? `（协办：${supporting.join('、')}）` : '';
        draft
          .set({
            unit: action.unit,
            ...(supporting.length ? { supporting: supporting.map((unit) => ({ unit, contribution: null })) } : {}),
          })
          .log('assign', `交办至 ${action.unit}${also}${action.note ? `：${action.note}` : ''}`);
        draft.notify(
          'assigned',
          { kind: 'unit', unit: action.unit },
          `【交办】${prev.ledgerNo}「${prev.title}」已交办贵单位主办，请及时签收办理。`,
        );
        for (const unit of supporting)
          draft.notify(
            'support_requested',
            { kind: 'unit', unit },
            `【协办】${prev.ledgerNo}「${prev.title}」请贵单位协助主办单位办理，并提交协办意见（主办单位见工单）。`,
          );
      }
      moveTo(draft, 'assigned');
      break;
    case 'reassign': {
      // The new unit signs for it and handles it on its own clocks (deadlinesStarted); what the old unit asked for lapses.
      const from = prev.unit ?? '';
      draft
        .set({
          unit: action.unit,
          outcome: { ...prev.outcome, signedAt: null, signedLate: false },
          extension: { ...prev.extension, pending: null },
        })
        .log('reassign', `改派：${from} → ${action.unit}：${action.reason}`);
      draft.notify(
        'reassigned',
        { kind: 'unit', unit: from },
        `【改派】${prev.ledgerNo}「${prev.title}」已改派其他单位办理，贵单位无需继续办理。原因：${action.reason}`,
      );
      draft.notify(
        'assigned',
        { kind: 'unit', unit: action.unit },
        `【交办】${prev.ledgerNo}「${prev.title}」已改派贵单位，请及时签收办理。`,
      );
      moveTo(draft, 'assigned');
      break;
    }
    case 'accept': {
      const due = prev.deadlines.signFor?.dueAt;
      draft.set({ outcome: { ...prev.outcome, signedAt: at, signedLate: due !== undefined && at > due } });
      // Signing for it withdraws the unit's own return or appeal.
      if (prev.returnRequest || prev.appeal) draft.set({ returnRequest: null, appeal: null });
      moveTo(draft.log('accept', action.note), 'rectifying');
      break;
    }
    case 'return':
      if (prev.policy.returnsDecided) {
        draft.set({ returnRequest: { unit: prev.unit ?? '', reason: action.reason, by, at } }).log('return', action.reason);
        draft.notify(
          'returned',
          { kind: 'dispatchers' },
          `【退单申请】${prev.ledgerNo}「${prev.title}」承办单位申请退单：${action.reason}。请审核（同意后可改派）。`,
        );
        break;
      }
      draft.set({ unit: null, returnedBy: [...prev.returnedBy, prev.unit ?? ''] }).log('return', action.reason);
      draft.notify(
        'returned',
        { kind: 'dispatchers' },
        `【退单】${prev.ledgerNo}「${prev.title}」被承办单位退回：${action.reason}。请改派。`,
      );
      moveTo(draft, 'registered');
      break;
    case 'returnDecision':
      applyReturnDecision(draft, prev, action);
      break;
    case 'contribute': {
      const supporting = (prev.supporting ?? []).map((s) =>
        s.unit === actor.unit ? { ...s, contribution: { note: action.note, by, at } } : s,
      );
      draft.set({ supporting }).log('contribute', `${actor.unit ?? ''}：${action.note}`);
      draft.notify(
        'support_given',
        { kind: 'unit', unit: prev.unit ?? '' },
        `【协办意见】${prev.ledgerNo}「${prev.title}」协办单位已提交意见：${action.note}`,
      );
      break;
    }
    case 'appeal':
      draft.set({ appeal: { unit: prev.unit ?? '', reason: action.reason, by, at } }).log('appeal', action.reason);
      draft.notify(
        'appealed',
        { kind: 'supervisors' },
        `【退单申诉】${prev.ledgerNo}「${prev.title}」承办单位对退单未获同意提出申诉：${action.reason}。请裁决由哪个单位办理。`,
      );
      break;
    case 'appealDecision':
      applyAppealDecision(draft, prev, action);
      break;
    case 'progress':
      draft.log('progress', action.note);
      break;
    case 'submit':
      draft.set({ reviewLevel: 1, reviewRound: prev.reviewRound + 1, reviews: [], result: action.result, submittedBy: by });
      moveTo(draft.log('submit', action.result), 'reviewing');
      draft.notifyReviewers(1);
      break;
    case 'review':
      applyReview(draft, prev, action);
      break;
    case 'callback':
      applyCallback(draft, prev, action);
      break;
    case 'extension':
      draft.set({ extension: { ...prev.extension, pending: { workingDays: action.workingDays, reason: action.reason, by, at } } });
      draft.log('extension', `申请延期${action.workingDays}个工作日：${action.reason}`);
      draft.notify(
        'extension_requested',
        { kind: 'supervisors' },
        `【延期申请】${prev.ledgerNo}「${prev.title}」申请延期${action.workingDays}个工作日：${action.reason}`,
      );
      break;
    case 'extensionDecision':
      applyExtensionDecision(draft, prev, action);
      break;
    case 'urge':
      draft.log('urge', action.note);
      draft.notify('urged', { kind: 'unit', unit: prev.unit ?? '' }, `【督办】${prev.ledgerNo}「${prev.title}」：${action.note}`);
      break;
    case 'answer':
      draft
        .set({ answer: action.answer, closedAt: at, outcome: { ...prev.outcome, completedAt: at, directAnswer: true } })
        .log('answer', action.answer);
      draft.notify(
        'answer',
        { kind: 'citizen', citizen: prev.citizen },
        `【12345】您的咨询（编号${prev.ledgerNo}）答复如下：${action.answer}`,
      );
      moveTo(draft, 'closed');
      break;
    case 'void':
      // Closed without handling and without a message: a prank or silent call has nobody to answer.
      draft
        .set({ voided: { reason: action.reason, note: action.note ?? null }, closedAt: at, deadlines: {} })
        .log('void', `${VOID_REASON_LABELS[action.reason]}${action.note ? `：${action.note}` : ''}`);
      moveTo(draft, 'closed');
      break;
    case 'decision':
      draft.log('decision', `${action.action === 'reopen' ? '重办' : '办结'}：${action.note}`);
      if (action.action === 'reopen') reopen(draft, prev, `【重办】${prev.ledgerNo}「${prev.title}」经督办决定重新办理：${action.note}`);
      else moveTo(draft.set({ closedAt: at }), 'closed');
      break;
    case 'spotCheck':
      draft.set({ spotCheck: { ...prev.spotCheck, result: action.passed ? 'passed' : 'failed', at, by, note: action.note } });
      draft.log('spotCheck', `${action.passed ? '抽查合格' : '抽查不合格'}：${action.note}`);
      if (!action.passed)
        reopen(draft, prev, `【抽查不合格】${prev.ledgerNo}「${prev.title}」抽查未通过，请重新办理：${action.note}`, 'spot_check_failed');
      break;
    case 'merge':
      draft
        .set({ mergedInto: { id: action.into, ledgerNo: action.intoLedgerNo }, closedAt: at, deadlines: {} })
        .log('merge', `并入 ${action.intoLedgerNo}`);
      draft.notify(
        'merged',
        { kind: 'citizen', citizen: prev.citizen },
        `【12345】您的诉求（编号${prev.ledgerNo}）与${action.intoLedgerNo}为同一事项，已合并办理。`,
      );
      moveTo(draft, 'closed');
      break;
    case 'absorb':
      draft
        .set({ mergedFrom: [...prev.mergedFrom, { id: action.id, ledgerNo: action.ledgerNo, at }] })
        .log('absorb', `${action.ledgerNo} 并入本件`);
      break;
  }
  return draft.done();
}

/**
 * The dispatcher decides a unit's return. Accepted: the return counts for that unit, and the case goes to another unit
 * at once (its clocks from now) or back to the dispatchers. Refused: the unit keeps the case on its running clocks
 * (a return is no way to gain time) and may appeal to a supervisor.
 */
function applyReturnDecision(draft: Draft, prev: CaseState, action: Extract<CaseAction, { kind: 'returnDecision' }>): void {
  const request = prev.returnRequest!;
  const note = action.note ? `：${action.note}` : '';
  if (!action.accept) {
    draft
      .set({
        returnRequest: null,
        returnRefusals: [...(prev.returnRefusals ?? []), { unit: request.unit, grounds: action.note!, by: draft.by, at: draft.at }],
      })
      .log('returnDecision', `不同意退单${note}`);
    draft.notify(
      'return_decided',
      { kind: 'unit', unit: request.unit },
      `【退单未同意】${prev.ledgerNo}「${prev.title}」请继续签收办理${note}。如有异议，可向督办员申诉。`,
    );
    return;
  }
  draft.set({ returnRequest: null, ...returnStands(prev, request.unit) });
  draft.notify(
    'return_decided',
    { kind: 'unit', unit: request.unit },
    `【退单已同意】${prev.ledgerNo}「${prev.title}」已同意退单${note}。`,
  );
  if (action.unit) {
    draft.set({ unit: action.unit }).log('returnDecision', `同意退单，改派至 ${action.unit}${note}`);
    draft.notify(
      'assigned',
      { kind: 'unit', unit: action.unit },
      `【交办】${prev.ledgerNo}「${prev.title}」已交办贵单位，请及时签收办理。`,
    );
    moveTo(draft, 'assigned');
    return;
  }
  draft.set({ unit: null }).log('returnDecision', `同意退单${note}`);
  moveTo(draft, 'registered');
}

/** A unit's return that stands: it counts for that unit, and whoever gets the case next signs for it afresh. */
function returnStands(prev: CaseState, unit: string): Partial<CaseState> {
  return { returnRefusals: [], returnedBy: [...prev.returnedBy, unit], outcome: { ...prev.outcome, signedAt: null, signedLate: false } };
}

/** A supervisor settles a disputed return by naming the unit that must handle the case. */
function applyAppealDecision(draft: Draft, prev: CaseState, action: Extract<CaseAction, { kind: 'appealDecision' }>): void {
  const appeal = prev.appeal!;
  draft.set({ appeal: null }).log('appealDecision', `裁定由 ${action.unit} 办理：${action.note}`);
  if (action.unit === appeal.unit) {
    draft.notify(
      'appeal_decided',
      { kind: 'unit', unit: appeal.unit },
      `【申诉裁决】${prev.ledgerNo}「${prev.title}」经督办裁定仍由贵单位办理：${action.note}。请及时签收办理。`,
    );
    return;
  }
  // The appeal succeeded: the unit's return stands after all, and the named unit starts on fresh clocks.
  draft.set({ unit: action.unit, ...returnStands(prev, appeal.unit) });
  draft.notify(
    'appeal_decided',
    { kind: 'unit', unit: appeal.unit },
    `【申诉裁决】${prev.ledgerNo}「${prev.title}」经督办裁定改由其他单位办理：${action.note}。`,
  );
  draft.notify(
    'assigned',
    { kind: 'unit', unit: action.unit },
    `【交办】${prev.ledgerNo}「${prev.title}」经督办裁定交由贵单位办理，请及时签收办理。`,
  );
  moveTo(draft, 'assigned');
}

/** Entering a stage (or a new review level) restarts the stage clock that supervisors watch. */
function moveTo(draft: Draft, stage: Stage): void {
  draft.set({ stage, stageSince: draft.at });
}

function applyReview(draft: Draft, prev: CaseState, action: Extract<CaseAction, { kind: 'review' }>): void {
  const record = {
    level: action.level,
    decision: action.decision,
    by: draft.by,
    at: draft.at,
    ...(action.comment ? { comment: action.comment } : {}),
  };
  const label = REVIEW_LEVEL_LABELS[action.level];
  if (action.decision === 'reject') {
    draft.set({ reviewLevel: null, reviews: [...prev.reviews, record] });
    moveTo(draft.log('review', `${label}退回：${action.comment}`), 'rectifying');
    draft.notify(
      'review_rejected',
      { kind: 'unit', unit: prev.unit ?? '' },
      `【审核退回】${prev.ledgerNo} ${label}未通过：${action.comment}。`,
    );
    return;
  }
  draft.set({ reviews: [...prev.reviews, record] }).log('review', `${label}通过${action.comment ? `：${action.comment}` : ''}`);
  if (action.level < 3) {
    const next = (action.level + 1) as ReviewLevel;
    draft.set({ reviewLevel: next, stageSince: draft.at });
    draft.notifyReviewers(next);
    return;
  }
  const due = prev.deadlines.handling?.dueAt;
  const first = prev.outcome.completedAt === null;
  draft.set({
    reviewLevel: null,
    outcome: first ? { ...prev.outcome, completedAt: draft.at, completedLate: due !== undefined && draft.at > due } : prev.outcome,
  });
  moveTo(draft, 'replied');
  draft.notify(
    'answer',
    { kind: 'citizen', citizen: prev.citizen },
    `【12345】您的诉求（编号${prev.ledgerNo}）办理结果：${prev.result ?? ''}`,
  );
}

function applyCallback(draft: Draft, prev: CaseState, action: Extract<CaseAction, { kind: 'callback' }>): void {
  const resolved = action.resolved ?? prev.outcome.resolved;
  draft.set({ satisfaction: action.result, outcome: { ...prev.outcome, resolved } });
  draft.log('callback', action.note ? `${action.result}：${action.note}` : action.result);
  if (action.result !== 'dissatisfied') {
    moveTo(draft.set({ closedAt: draft.at }), 'closed');
    return;
  }
  // Cases registered before this rule carry no maxReopens: they keep reopening, as they did.
  if (prev.reopenCount >= ((prev.policy.maxReopens as number | undefined) ?? Infinity)) {
    // After the allowed reopenings a supervisor decides whether the unit tries again or the case closes.
    moveTo(draft, 'deciding');
    draft.notify(
      'decision_needed',
      { kind: 'supervisors' },
      `【待决定】${prev.ledgerNo}「${prev.title}」已重办${prev.reopenCount}次，群众仍不满意，请督办员决定重办或办结。`,
    );
    return;
  }
  reopen(draft, prev, `【重办】${prev.ledgerNo}「${prev.title}」回访不满意，请重新办理。`);
}

/** 重办: back to the same unit, a fresh handling period, one more reopening on the record. */
function reopen(draft: Draft, prev: CaseState, text: string, template: 'reopened' | 'spot_check_failed' = 'reopened'): void {
  draft.set({ reopenCount: prev.reopenCount + 1, reviewLevel: null, closedAt: null });
  if (prev.unit) {
    moveTo(draft, 'rectifying');
    draft.notify(template, { kind: 'unit', unit: prev.unit }, text);
    return;
  }
  // No unit ever had it (a direct answer the hotline gave): it goes to the dispatchers to be assigned.
  moveTo(draft, 'registered');
  draft.notify(template, { kind: 'dispatchers' }, text);
}

function applyExtensionDecision(draft: Draft, prev: CaseState, action: Extract<CaseAction, { kind: 'extensionDecision' }>): void {
  const pending = prev.extension.pending!;
  const ext = prev.extension;
  if (action.approve) {
    draft.set({ extension: { pending: null, approvedCount: ext.approvedCount + 1, approvedDays: ext.approvedDays + pending.workingDays } });
  } else {
    draft.set({ extension: { ...ext, pending: null } });
  }
  const verdict = action.approve ? `同意延期${pending.workingDays}个工作日` : '不同意延期';
  draft.log('extensionDecision', action.note ? `${verdict}：${action.note}` : verdict);
  draft.notify(
    'extension_decided',
    { kind: 'unit', unit: prev.unit ?? '' },
    `【延期审批】${prev.ledgerNo}：${verdict}${action.note ? `（${action.note}）` : ''}。`,
  );
}

/** The receipt a citizen gets on registration (台账登记 gives them the ledger number). */
export function receiptNotification(state: CaseState): Notification {
  return {
    id: notificationId(state.id, 0, 'receipt'),
    caseId: state.id,
    ledgerNo: state.ledgerNo,
    template: 'receipt',
    to: { kind: 'citizen', citizen: state.citizen },
    text: `【12345】您的诉求已受理，编号${state.ledgerNo}，请留存以便查询。我们将在规定时限内办理并答复。`,
  };
}
