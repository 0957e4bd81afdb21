/**
 * The public view of a case (domain/public-view.ts) on cases moved by the real transitions (rules.ts): which steps a
 * citizen is told of, that no person, review comment, return ground or supervision shows, that free text is
 * redacted, and that a protected case shows no free text at all.
 */
import type { CaseAction } from '../../domain/actions';
import type { CaseState } from '../../domain/case';
import { LIMITED_NOTICE, LedgerNoSchema, publicCaseView, PublicStatusQuerySchema } from '../../domain/public-view';
import type { Actor } from '../../domain/roles';
import { initialState, transition } from '../../domain/rules';
import { DEFAULT_UNITS, UnitDirectory } from '../../domain/units';
import { HANDLING, HOUSING, input, people, REGISTERED_AT, TRANSPORT } from './fixtures';

const units = new UnitDirectory(DEFAULT_UNITS);
const name = (code: string) => units.name(code);

/** Applies the steps one hour apart from registration, each through `transition`. */
function run(start: CaseState, steps: [Actor, CaseAction][]): CaseState {
  let state = start;
  steps.forEach(([actor, action], i) => {
    state = transition(state, actor, action, new Date(Date.parse(REGISTERED_AT) + (i + 1) * 3_600_000).toISOString()).state;
  });
  return state;
}

const registered = (request = {}) => initialState(input({}, request), REGISTERED_AT);
const withHandling = (s: CaseState): CaseState => ({ ...s, deadlines: { ...s.deadlines, handling: HANDLING } });

/** Every string anywhere in a JSON value. */
const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];

const h = people.housingHandler;
const loop: [Actor, CaseAction][] = [
  [people.dispatcher, { kind: 'assign', unit: TRANSPORT, note: '赵派单：先给交通局' }],
  [people.transportHandler, { kind: 'return', reason: '陈承办：不属于我局职责' }],
  [people.dispatcher, { kind: 'assign', unit: HOUSING }],
  [h, { kind: 'accept', note: '王承办已签收' }],
  [people.supervisor, { kind: 'urge', note: '钱督办：请抓紧' }],
  [h, { kind: 'progress', note: '已联系物业，张市民（13800001234）反映属实' }],
  [h, { kind: 'extension', workingDays: 2, reason: '需协调供电所' }],
  [h, { kind: 'submit', result: '初稿：已处理' }],
  [people.reviewer1, { kind: 'review', level: 1, decision: 'reject', comment: '孙初审：结果太简单' }],
  [h, { kind: 'submit', result: '楼道灯已于今日更换，经现场核实正常' }],
  [people.reviewer1, { kind: 'review', level: 1, decision: 'approve' }],
  [people.reviewer2, { kind: 'review', level: 2, decision: 'approve', comment: '周审核：同意' }],
  [people.reviewer3, { kind: 'review', level: 3, decision: 'approve' }],
  [people.operator, { kind: 'callback', result: 'satisfied', note: '李话务回访' }],
];

describe('publicCaseView', () => {
  test('the loop as the citizen sees it: the steps they are told of, in order, naming only the unit that has the case', () => {
    const state = withHandling(run(registered(), loop));
    const view = publicCaseView(state, name);
    expect(view).toMatchObject({
      ledgerNo: 'LZ-2026-000001',
      type: 'complaint',
      typeLabel: '投诉',
      stage: 'closed',
      stageLabel: '已办结',
      limited: false,
      notice: null,
      registeredAt: REGISTERED_AT,
      unit: HOUSING,
      unitName: '县住建局',
      handlingDueAt: HANDLING.dueAt,
      closedAt: state.closedAt,
    });
    expect(view.notes.map((n) => [n.label, n.text])).toEqual([
      ['受理', '您的诉求已受理，编号LZ-2026-000001'],
      ['交办', '已交办县住建局'],
      ['签收', '县住建局已签收'],
      ['办理进展', '已联系物业，（保密）（（保密））反映属实'],
      ['答复', '楼道灯已于今日更换，经现场核实正常'],
      ['回访', '满意'],
      ['办结', undefined],
    ]);
    // The assignment that was returned is gone: the notes' 交办 is the one to housing, at its own time.
    expect(view.assignedAt).toBe(state.timeline.filter((e) => e.action === 'assign')[1].at);
  });

  test('no person, no review comment, no return ground, no supervision anywhere in the view', () => {
    const view = publicCaseView(withHandling(run(registered(), loop)), name);
    const text = strings(view).join('\n');
    for (const person of Object.values(people)) {
      expect(text).not.toContain(person.name);
      expect(text).not.toContain(person.id);
    }
    for (const secret of ['13800001234', '1234', '张市民', '结果太简单', '不属于', '请抓紧', '供电所', '初稿', '交通局', '同意'])
      expect(text).not.toContain(secret);
  });

  test('a case still waiting for a unit: registered, no unit, no assignment', () => {
    const view = publicCaseView(registered(), name);
    expect(view).toMatchObject({
      stage: 'registered',
      stageLabel: '已登记',
      unit: null,
      unitName: null,
      assignedAt: null,
      handlingDueAt: null,
      closedAt: null,
    });
    expect(view.notes.map((n) => n.kind)).toEqual(['registered']);
  });

  test('a dissatisfied call-back reopens: the citizen sees it, and a supervisor reopening says 重新办理 without the note', () => {
    const reopened = run(registered(), [...loop.slice(2, 4), [h, { kind: 'submit', result: '已处理' }], ...loop.slice(10, 13)]);
    const back = run(reopened, [[people.operator, { kind: 'callback', result: 'dissatisfied', note: '群众说灯还是不亮' }]]);
    const view = publicCaseView(back, name);
    expect(view.stage).toBe('rectifying');
    expect(view.notes.slice(-1)).toEqual([expect.objectContaining({ kind: 'callback', text: '不满意' })]);
    expect(strings(view).join()).not.toContain('灯还是不亮');

    const deciding: CaseState = { ...back, stage: 'deciding' };
    const decided = run(deciding, [[people.supervisor, { kind: 'decision', action: 'reopen', note: '钱督办：重新核实' }]]);
    const last = publicCaseView(decided, name).notes.at(-1);
    expect(last).toEqual(expect.objectContaining({ kind: 'reopened', label: '重新办理' }));
    expect(last?.text).toBeUndefined();
  });

  test('a direct answer: 答复 with the answer, then 办结', () => {
    const answered = run(registered({ type: 'consultation' }), [[people.operator, { kind: 'answer', answer: '社保卡可在县政务中心办理' }]]);
    expect(publicCaseView(answered, name).notes.map((n) => [n.kind, n.text])).toEqual([
      ['registered', expect.any(String)],
      ['replied', '社保卡可在县政务中心办理'],
      ['closed', undefined],
    ]);
  });

  test.each([
    ['confidential', { confidential: true }],
    ['a report (举报)', { type: 'report' as const }],
    ['about a named unit', { about: 'transport' }],
  ])('%s: stage, dates, the unit and which steps happened when — no free text at all', (_what, request) => {
    const state = withHandling(run(registered(request), loop));
    const view = publicCaseView(state, name);
    expect(view.limited).toBe(true);
    expect(view.notice).toBe(LIMITED_NOTICE);
    expect(view.notes.map((n) => n.kind)).toEqual(['registered', 'assigned', 'accepted', 'progress', 'replied', 'callback', 'closed']);
    const free = view.notes.filter((n) => n.text !== undefined).map((n) => n.kind);
    expect(free).toEqual(['registered', 'callback']); // the fixed receipt and the satisfaction word: nothing anyone wrote
    expect(strings(view).join()).not.toMatch(/物业|楼道灯|住建局已签收/);
    expect(view.unitName).toBe('县住建局');
  });
});

describe('what the lookup takes', () => {
  test('a ledger number, four digits', () => {
    expect(LedgerNoSchema.safeParse('LZ-2026-000123').success).toBe(true);
    for (const bad of ['LZ-2026-123', 'LZ2026000123', '../etc', 'LZ-2026-000123 ', ''])
      expect(LedgerNoSchema.safeParse(bad).success).toBe(false);
    expect(PublicStatusQuerySchema.safeParse({ phoneLast4: '1234' }).success).toBe(true);
    for (const bad of [
      { phoneLast4: '123' },
      { phoneLast4: '12345' },
      { phoneLast4: 'abcd' },
      {},
      { phoneLast4: '1234', phone: '13800001234' },
    ])
      expect(PublicStatusQuerySchema.safeParse(bad).success).toBe(false);
  });
});
