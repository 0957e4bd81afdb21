/**
 * The transition table without a server: for each action of the catalogue (ACTIONS), the stages it is allowed and
 * refused in, who may take it (role, own unit), and what it does — the stage it leads to, the notifications it
 * sends (template and recipient) and the deadlines it asks for. The workflow only carries these out.
 */
import { ACTION_KINDS, ACTIONS, ROUTED_ACTIONS, type ActionKind, type ActionSpec, type CaseAction } from '../../domain/actions';
import { STAGES, type CaseState, type Stage } from '../../domain/case';
import type { DeadlineKey } from '../../domain/deadline-schema';
import { DEFAULT_LIMITS, policyFrom } from '../../domain/limits';
import { fireMilestone } from '../../domain/milestones';
import type { NotificationTemplate, Recipient } from '../../domain/notifications';
import { ROLE_LABELS, ROLES, type Actor, type Role } from '../../domain/roles';
import { initialState, intakeDeadlines, intakeNotifications, refuse, transition } from '../../domain/rules';
import { AT, caseIn, citizen, HANDLING, HOUSING, input, people, REGISTERED_AT, TRANSPORT } from './fixtures';

const RETURN_REQUEST = {
  unit: HOUSING,
  reason: '不属于本单位职责',
  by: { id: 'hc-wang', name: '王承办', role: 'handler' as const },
  at: AT,
};
const REFUSAL = { unit: HOUSING, grounds: '属于住建职责', by: { id: 'disp-zhao', name: '赵派单', role: 'dispatcher' as const }, at: AT };

/** For each action: someone who may take it, a valid body, and what else the case needs for it to be allowed. */
const ready: { [K in ActionKind]: { actor: Actor; action: Extract<CaseAction, { kind: K }>; patch?: Partial<CaseState> } } = {
  assign: { actor: people.dispatcher, action: { kind: 'assign', unit: HOUSING } },
  reassign: { actor: people.dispatcher, action: { kind: 'reassign', unit: TRANSPORT, reason: '职责调整' } },
  accept: { actor: people.housingHandler, action: { kind: 'accept' } },
  return: { actor: people.housingHandler, action: { kind: 'return', reason: '不属于本单位职责' } },
  // A supporting unit's action: the fixture's housing handler stands in for a supporting unit here.
  contribute: {
    actor: people.housingHandler,
    action: { kind: 'contribute', note: '已配合现场核查' },
    patch: { supporting: [{ unit: HOUSING, contribution: null }] },
  },
  returnDecision: { actor: people.dispatcher, action: { kind: 'returnDecision', accept: true }, patch: { returnRequest: RETURN_REQUEST } },
  appeal: { actor: people.housingHandler, action: { kind: 'appeal', reason: '确非本单位职责' }, patch: { returnRefusals: [REFUSAL] } },
  appealDecision: {
    actor: people.supervisor,
    action: { kind: 'appealDecision', unit: TRANSPORT, note: '裁定交通局办理' },
    patch: { appeal: { ...RETURN_REQUEST, reason: '确非本单位职责' } },
  },
  progress: { actor: people.housingHandler, action: { kind: 'progress', note: '已到现场' } },
  submit: { actor: people.housingHandler, action: { kind: 'submit', result: '已更换路灯' } },
  review: { actor: people.reviewer1, action: { kind: 'review', level: 1, decision: 'approve' }, patch: { reviewLevel: 1 } },
  callback: { actor: people.operator, action: { kind: 'callback', result: 'satisfied' } },
  extension: { actor: people.housingHandler, action: { kind: 'extension', workingDays: 2, reason: '需协调供电部门' } },
  extensionDecision: {
    actor: people.supervisor,
    action: { kind: 'extensionDecision', approve: true },
    patch: {
      extension: {
        pending: { workingDays: 2, reason: '需协调', by: { id: 'hc-wang', name: '王承办', role: 'handler' }, at: AT },
        approvedCount: 0,
        approvedDays: 0,
      },
    },
  },
  urge: { actor: people.supervisor, action: { kind: 'urge', note: '请抓紧' } },
  answer: { actor: people.operator, action: { kind: 'answer', answer: '已电话答复' }, patch: { type: 'consultation' } },
  void: { actor: people.operator, action: { kind: 'void', reason: 'silent' } },
  decision: { actor: people.supervisor, action: { kind: 'decision', action: 'close', note: '督办决定办结' } },
  spotCheck: {
    actor: people.supervisor,
    action: { kind: 'spotCheck', passed: true, note: '抽查合格' },
    patch: { spotCheck: { round: 'month-2026-02', result: null, at: null, by: null, note: null } },
  },
  merge: { actor: people.operator, action: { kind: 'merge', into: 'other00000000001', intoLedgerNo: 'LZ-2026-000009' } },
  absorb: { actor: people.operator, action: { kind: 'absorb', id: 'other00000000002', ledgerNo: 'LZ-2026-000010' } },
};

const allowedStages = (kind: ActionKind): readonly Stage[] => ACTIONS[kind].stages;

describe('the catalogue', () => {
  test('every action is routed except absorb, which only the API sends as half of a merge', () => {
    expect(ACTION_KINDS.filter((k) => !ROUTED_ACTIONS.includes(k as never))).toEqual(['absorb']);
  });

  test("only the handler actions are bound to the case's unit", () => {
    expect(ACTION_KINDS.filter((k) => ACTIONS[k].unitBound)).toEqual([
      'accept',
      'return',
      'appeal',
      'contribute',
      'progress',
      'submit',
      'extension',
    ]);
    for (const k of ACTION_KINDS.filter((k) => ACTIONS[k].unitBound)) expect(ACTIONS[k].role).toBe('handler');
  });

  test('each action has its own path and a label for people', () => {
    expect(new Set(ACTION_KINDS.map((k) => ACTIONS[k].path)).size).toBe(ACTION_KINDS.length);
    for (const k of ACTION_KINDS) expect(ACTIONS[k].label).toMatch(/\p{Script=Han}/u);
  });
});

describe.each(ACTION_KINDS)('%s', (kind) => {
  const { actor, action, patch } = ready[kind];
  const allowed = allowedStages(kind);

  test.each([...STAGES])('in stage %s: allowed exactly when the catalogue lists the stage', (stage) => {
    const why = refuse(caseIn(stage, patch), actor, action);
    if (allowed.includes(stage)) expect(why).toBeNull();
    else expect(why).toMatchObject({ code: 'conflict', details: { stage } });
  });

  test(`only the ${ACTIONS[kind].role} role may take it`, () => {
    const state = caseIn(allowed[0], patch);
    for (const role of ROLES) {
      // Everything but the role is right: own unit, every review level.
      const someone: Actor = { id: `x-${role}`, name: role, roles: [role], unit: HOUSING, levels: [1, 2, 3] };
      const why = refuse(state, someone, action);
      if (role === ACTIONS[kind].role) expect(why).toBeNull();
      else
        expect(why).toMatchObject({ code: 'forbidden', message: `「${ACTIONS[kind].label}」须由${ROLE_LABELS[ACTIONS[kind].role]}办理` });
    }
  });

  test(ACTIONS[kind].unitBound ? "only for the case's own unit" : 'for any unit', () => {
    const state = caseIn(allowed[0], patch);
    const elsewhere = { ...actor, id: `${actor.id}-elsewhere`, unit: TRANSPORT };
    const nowhere = { ...actor, id: `${actor.id}-nowhere`, unit: undefined };
    for (const who of [elsewhere, nowhere]) {
      if (ACTIONS[kind].unitBound)
        expect(refuse(state, who, action)).toMatchObject({
          code: 'forbidden',
          message: (ACTIONS[kind] as ActionSpec).supportingUnits
            ? `「${ACTIONS[kind].label}」仅限本工单的协办单位`
            : `「${ACTIONS[kind].label}」仅限本工单承办单位的承办人`,
        });
      else expect(refuse(state, who, action)).toBeNull();
    }
  });

  test('the timeline records it under its kind, by the acting role', () => {
    const state = caseIn(allowed[0], patch);
    const last = transition(state, actor, action, AT).state.timeline.at(-1);
    expect(last).toMatchObject({ at: AT, action: kind, by: { id: actor.id, role: ACTIONS[kind].role } });
  });
});

type Expected = {
  stage: Stage;
  reviewLevel?: number | null;
  notifications: [NotificationTemplate, Recipient][];
  /** Each requested deadline: its key, and for an extension the days and the due date it extends. */
  deadlines: ([DeadlineKey] | [DeadlineKey, number, string])[];
};

const unit: Recipient = { kind: 'unit', unit: HOUSING };
const toCitizen: Recipient = { kind: 'citizen', citizen };

/** [what, the case before, who, the action, what comes out]. */
const rows: [string, CaseState, Actor, CaseAction, Expected][] = [
  [
    'assign',
    caseIn('registered', { unit: null, deadlines: {} }),
    people.dispatcher,
    { kind: 'assign', unit: HOUSING },
    { stage: 'assigned', notifications: [['assigned', unit]], deadlines: [['signFor'], ['handling']] },
  ],
  ['accept', caseIn('assigned'), people.housingHandler, { kind: 'accept' }, { stage: 'rectifying', notifications: [], deadlines: [] }],
  // 主办 and 协办: each supporting unit is asked for its part; its contribution goes to the lead unit.
  [
    'assign with supporting units',
    caseIn('registered', { unit: null, deadlines: {} }),
    people.dispatcher,
    { kind: 'assign', unit: HOUSING, supporting: [TRANSPORT] },
    {
      stage: 'assigned',
      notifications: [
        ['assigned', unit],
        ['support_requested', { kind: 'unit', unit: TRANSPORT }],
      ],
      deadlines: [['signFor'], ['handling']],
    },
  ],
  [
    'contribute',
    caseIn('rectifying', { supporting: [{ unit: TRANSPORT, contribution: null }] }),
    people.transportHandler,
    { kind: 'contribute', note: '已配合现场核查' },
    { stage: 'rectifying', notifications: [['support_given', unit]], deadlines: [] },
  ],
  // A return waits for the dispatcher: the unit keeps the case meanwhile.
  [
    'return',
    caseIn('assigned'),
    people.housingHandler,
    { kind: 'return', reason: '不属于本单位职责' },
    { stage: 'assigned', notifications: [['returned', { kind: 'dispatchers' }]], deadlines: [] },
  ],
  // A case registered before returns were decided goes straight back, as it did.
  [
    'return (a case of the old policy)',
    caseIn('assigned', { policy: { ...policyFrom(DEFAULT_LIMITS), returnsDecided: undefined } }),
    people.housingHandler,
    { kind: 'return', reason: '不属于本单位职责' },
    { stage: 'registered', notifications: [['returned', { kind: 'dispatchers' }]], deadlines: [['assign']] },
  ],
  [
    'returnDecision: accepted, back to the dispatchers',
    caseIn('assigned', { returnRequest: RETURN_REQUEST }),
    people.dispatcher,
    { kind: 'returnDecision', accept: true },
    { stage: 'registered', notifications: [['return_decided', unit]], deadlines: [['assign']] },
  ],
  [
    'returnDecision: accepted and re-assigned at once',
    caseIn('assigned', { returnRequest: RETURN_REQUEST }),
    people.dispatcher,
    { kind: 'returnDecision', accept: true, unit: TRANSPORT },
    {
      stage: 'assigned',
      notifications: [
        ['return_decided', unit],
        ['assigned', { kind: 'unit', unit: TRANSPORT }],
      ],
      deadlines: [['signFor'], ['handling']],
    },
  ],
  [
    'returnDecision: refused, the unit keeps it on its clocks',
    caseIn('assigned', { returnRequest: RETURN_REQUEST }),
    people.dispatcher,
    { kind: 'returnDecision', accept: false, note: '属于住建职责' },
    { stage: 'assigned', notifications: [['return_decided', unit]], deadlines: [] },
  ],
  [
    'appeal',
    caseIn('assigned', { returnRefusals: [REFUSAL] }),
    people.housingHandler,
    { kind: 'appeal', reason: '确非本单位职责' },
    { stage: 'assigned', notifications: [['appealed', { kind: 'supervisors' }]], deadlines: [] },
  ],
  [
    'appealDecision: the same unit keeps it',
    caseIn('assigned', { returnRefusals: [REFUSAL], appeal: RETURN_REQUEST }),
    people.supervisor,
    { kind: 'appealDecision', unit: HOUSING, note: '仍属住建' },
    { stage: 'assigned', notifications: [['appeal_decided', unit]], deadlines: [] },
  ],
  [
    'appealDecision: another unit must handle it',
    caseIn('assigned', { returnRefusals: [REFUSAL], appeal: RETURN_REQUEST }),
    people.supervisor,
    { kind: 'appealDecision', unit: TRANSPORT, note: '裁定交通局办理' },
    {
      stage: 'assigned',
      notifications: [
        ['appeal_decided', unit],
        ['assigned', { kind: 'unit', unit: TRANSPORT }],
      ],
      deadlines: [['signFor'], ['handling']],
    },
  ],
  [
    'progress',
    caseIn('rectifying'),
    people.housingHandler,
    { kind: 'progress', note: '已到现场' },
    { stage: 'rectifying', notifications: [], deadlines: [] },
  ],
  [
    'submit',
    caseIn('rectifying'),
    people.housingHandler,
    { kind: 'submit', result: '已更换路灯' },
    { stage: 'reviewing', reviewLevel: 1, notifications: [['review_requested', { kind: 'reviewers', level: 1 }]], deadlines: [['review']] },
  ],
  [
    'review: level 1 approves',
    caseIn('reviewing', { reviewLevel: 1 }),
    people.reviewer1,
    { kind: 'review', level: 1, decision: 'approve' },
    { stage: 'reviewing', reviewLevel: 2, notifications: [['review_requested', { kind: 'reviewers', level: 2 }]], deadlines: [['review']] },
  ],
  [
    'review: level 1 rejects',
    caseIn('reviewing', { reviewLevel: 1 }),
    people.reviewer1,
    { kind: 'review', level: 1, decision: 'reject', comment: '缺少照片' },
    { stage: 'rectifying', reviewLevel: null, notifications: [['review_rejected', unit]], deadlines: [] },
  ],
  [
    'review: level 3 approves',
    caseIn('reviewing', { reviewLevel: 3 }),
    people.reviewer3,
    { kind: 'review', level: 3, decision: 'approve' },
    { stage: 'replied', reviewLevel: null, notifications: [['answer', toCitizen]], deadlines: [['callback']] },
  ],
  [
    'callback: satisfied',
    caseIn('replied'),
    people.operator,
    { kind: 'callback', result: 'satisfied' },
    { stage: 'closed', notifications: [], deadlines: [] },
  ],
  [
    'callback: dissatisfied reopens',
    caseIn('replied'),
    people.operator,
    { kind: 'callback', result: 'dissatisfied', note: '又坏了' },
    { stage: 'rectifying', notifications: [['reopened', unit]], deadlines: [['handling']] },
  ],
  [
    'callback: dissatisfied after the allowed reopenings',
    caseIn('replied', { reopenCount: 2 }),
    people.operator,
    { kind: 'callback', result: 'dissatisfied' },
    { stage: 'deciding', notifications: [['decision_needed', { kind: 'supervisors' }]], deadlines: [] },
  ],
  [
    'extension',
    caseIn('rectifying'),
    people.housingHandler,
    { kind: 'extension', workingDays: 2, reason: '需协调' },
    { stage: 'rectifying', notifications: [['extension_requested', { kind: 'supervisors' }]], deadlines: [] },
  ],
  [
    'extensionDecision: approved',
    caseIn('rectifying', ready.extensionDecision.patch),
    people.supervisor,
    { kind: 'extensionDecision', approve: true },
    { stage: 'rectifying', notifications: [['extension_decided', unit]], deadlines: [['handling', 2, HANDLING.dueAt]] },
  ],
  [
    'extensionDecision: refused',
    caseIn('rectifying', ready.extensionDecision.patch),
    people.supervisor,
    { kind: 'extensionDecision', approve: false, note: '理由不足' },
    { stage: 'rectifying', notifications: [['extension_decided', unit]], deadlines: [] },
  ],
  [
    'urge',
    caseIn('assigned'),
    people.supervisor,
    { kind: 'urge', note: '请抓紧' },
    { stage: 'assigned', notifications: [['urged', unit]], deadlines: [] },
  ],
  [
    'answer',
    caseIn('registered', { type: 'consultation', unit: null }),
    people.operator,
    { kind: 'answer', answer: '已电话答复' },
    { stage: 'closed', notifications: [['answer', toCitizen]], deadlines: [] },
  ],
  [
    'decision: reopen',
    caseIn('deciding', { reopenCount: 2 }),
    people.supervisor,
    { kind: 'decision', action: 'reopen', note: '再办一次' },
    { stage: 'rectifying', notifications: [['reopened', unit]], deadlines: [['handling']] },
  ],
  [
    'decision: close',
    caseIn('deciding', { reopenCount: 2 }),
    people.supervisor,
    { kind: 'decision', action: 'close', note: '已尽力' },
    { stage: 'closed', notifications: [], deadlines: [] },
  ],
  [
    'spotCheck: passed',
    caseIn('closed', ready.spotCheck.patch),
    people.supervisor,
    { kind: 'spotCheck', passed: true, note: '合格' },
    { stage: 'closed', notifications: [], deadlines: [] },
  ],
  [
    'spotCheck: failed goes back to the unit',
    caseIn('closed', ready.spotCheck.patch),
    people.supervisor,
    { kind: 'spotCheck', passed: false, note: '未整改' },
    { stage: 'rectifying', notifications: [['spot_check_failed', unit]], deadlines: [['handling']] },
  ],
  // A direct answer never had a unit: it goes to the dispatchers, and both clocks start (assignment restarts handling).
  [
    'spotCheck: failed without a unit goes to the dispatchers',
    caseIn('closed', { ...ready.spotCheck.patch, unit: null }),
    people.supervisor,
    { kind: 'spotCheck', passed: false, note: '答复有误' },
    { stage: 'registered', notifications: [['spot_check_failed', { kind: 'dispatchers' }]], deadlines: [['assign'], ['handling']] },
  ],
  // 改派: the old unit is told, the new one must sign for it, and its clocks start from now.
  [
    'reassign while assigned',
    caseIn('assigned'),
    people.dispatcher,
    { kind: 'reassign', unit: TRANSPORT, reason: '职责调整' },
    {
      stage: 'assigned',
      notifications: [
        ['reassigned', unit],
        ['assigned', { kind: 'unit', unit: TRANSPORT }],
      ],
      deadlines: [['signFor'], ['handling']],
    },
  ],
  [
    'reassign while being rectified',
    caseIn('rectifying'),
    people.dispatcher,
    { kind: 'reassign', unit: TRANSPORT, reason: '职责调整' },
    {
      stage: 'assigned',
      notifications: [
        ['reassigned', unit],
        ['assigned', { kind: 'unit', unit: TRANSPORT }],
      ],
      deadlines: [['signFor'], ['handling']],
    },
  ],
  [
    'void',
    caseIn('registered', { unit: null }),
    people.operator,
    { kind: 'void', reason: 'prank', note: '反复骚扰' },
    { stage: 'closed', notifications: [], deadlines: [] },
  ],
  [
    'merge',
    caseIn('registered', { unit: null }),
    people.operator,
    { kind: 'merge', into: 'other00000000001', intoLedgerNo: 'LZ-2026-000009' },
    { stage: 'closed', notifications: [['merged', toCitizen]], deadlines: [] },
  ],
  [
    'absorb',
    caseIn('rectifying'),
    people.operator,
    { kind: 'absorb', id: 'other00000000002', ledgerNo: 'LZ-2026-000010' },
    { stage: 'rectifying', notifications: [], deadlines: [] },
  ],
];

describe('what each action does', () => {
  test('every action has a row', () => {
    expect(new Set(rows.map(([, , , action]) => action.kind))).toEqual(new Set(ACTION_KINDS));
  });

  test.each(rows)('%s', (_what, prev, actor, action, expected) => {
    expect(refuse(prev, actor, action)).toBeNull();
    const { state, notifications, deadlines } = transition(prev, actor, action, AT);
    expect(state.stage).toBe(expected.stage);
    if (expected.reviewLevel !== undefined) expect(state.reviewLevel).toBe(expected.reviewLevel);
    expect(state.updatedAt).toBe(AT);
    expect(notifications.map((n) => [n.template, n.to])).toEqual(expected.notifications);
    for (const n of notifications)
      expect(n).toMatchObject({
        caseId: prev.id,
        ledgerNo: prev.ledgerNo,
        id: expect.stringMatching(new RegExp(`^${prev.id}:\\d+:${n.template}$`)),
      });
    expect(deadlines.map((d) => (d.extendBy === undefined ? [d.key] : [d.key, d.extendBy, d.from]))).toEqual(expected.deadlines);
    // New clocks start now; an extension moves the running due date instead. Type and urgency go to the calendar.
    for (const d of deadlines)
      expect(d).toMatchObject({ at: AT, type: prev.type, urgent: prev.urgent, ...(d.extendBy === undefined ? { from: AT } : {}) });
    // A change of stage restarts the stage clock supervisors watch.
    if (state.stage !== prev.stage) expect(state.stageSince).toBe(AT);
  });

  test('an urgent case asks for urgent deadlines', () => {
    const { deadlines } = transition(caseIn('registered', { urgent: true }), people.dispatcher, { kind: 'assign', unit: HOUSING }, AT);
    expect(deadlines.map((d) => d.urgent)).toEqual([true, true]);
  });
});

describe('registration', () => {
  test('an ordinary case starts with the assignment deadline, from its registration, and a receipt', () => {
    const state = initialState(input(), '2026-03-02T01:00:05.000Z');
    expect(state.stage).toBe('registered');
    expect(intakeDeadlines(state)).toEqual([{ key: 'assign', at: REGISTERED_AT, from: REGISTERED_AT, type: 'complaint', urgent: false }]);
    expect(intakeNotifications(state).map((n) => [n.template, n.to])).toEqual([['receipt', toCitizen]]);
  });

  test('a repeat merged at intake starts closed, with no deadline', () => {
    const state = initialState(input({ mergeInto: { id: 'other00000000001', ledgerNo: 'LZ-2026-000009' } }), REGISTERED_AT);
    expect(state.stage).toBe('closed');
    expect(intakeDeadlines(state)).toEqual([]);
    expect(intakeNotifications(state).map((n) => n.template)).toEqual(['merged']);
  });

  test('a consultation answered at intake starts closed, with no deadline', () => {
    const state = initialState(input({}, { type: 'consultation', answer: '已电话答复' }), REGISTERED_AT);
    expect(state.stage).toBe('closed');
    expect(intakeDeadlines(state)).toEqual([]);
    expect(intakeNotifications(state).map((n) => n.template)).toEqual(['answer']);
  });
});

describe('milestones are transitions too', () => {
  const running = caseIn('rectifying');
  test.each([
    ['warn', HANDLING.warnAt!, ['warning'], ['warning']],
    ['overdue', HANDLING.dueAt, ['overdue'], ['chase_up', 'overdue']],
    ['redFlag', HANDLING.redFlagAt, ['red_flag'], ['red_flag', 'chase_up']],
  ] as const)('%s: marks the deadline, logs, notifies, and starts no deadline', (kind, at, logged, templates) => {
    const base = kind === 'redFlag' ? { ...running, deadlines: { handling: { ...HANDLING, warned: true, overdue: true } } } : running;
    const change = fireMilestone(base, { kind, key: 'handling', at, id: `handling:${HANDLING.dueAt}:${kind}` }, at);
    expect(change.state.timeline.slice(base.timeline.length).map((e) => e.action)).toEqual(logged);
    expect(change.notifications.map((n) => n.template)).toEqual(templates);
    expect(change.deadlines).toEqual([]);
  });
});

test('roles in the catalogue are roles', () => {
  for (const k of ACTION_KINDS) expect(ROLES).toContain<Role>(ACTIONS[k].role);
});
