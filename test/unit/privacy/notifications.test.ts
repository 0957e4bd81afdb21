/**
 * Notifications to units, reviewers, dispatchers, supervisors and operators never carry the citizen's identity:
 * every template, produced by the real rules (domain/rules.ts transitions, domain/milestones.ts warnings,
 * chase-ups, overdue and red-flag notices) along one long case life, with deadlines computed on the real calendar.
 * Only the citizen's own messages (receipt, answer) name the citizen — and only as their recipient.
 */
import type { CaseAction } from '../../../domain/actions';
import { createCalendar } from '../../../domain/calendar';
import type { CaseInput, CaseState, NewCase } from '../../../domain/case';
import { computeDeadline, deadlinesStarted, STAGE_DEADLINE, withDeadlines, type MilestoneKind } from '../../../domain/deadlines';
import { DEFAULT_LIMITS, policyFrom } from '../../../domain/limits';
import { maskPhone } from '../../../domain/masking';
import { fireMilestone } from '../../../domain/milestones';
import { NOTIFICATION_TEMPLATES, type Notification } from '../../../domain/notifications';
import type { Actor } from '../../../domain/roles';
import { initialState, receiptNotification, refuse, transition } from '../../../domain/rules';
import { HEALTH, HOUSING, people, TRANSPORT } from '../../support/personas';

const NAME = '欧阳秘密';
const PHONE = '13912345678';
const calendar = createCalendar();
const limits = DEFAULT_LIMITS;

/** A case's life as the workflow runs it: each action checked by `refuse`, applied by `transition`, its deadlines computed. */
class Life {
  state: CaseState;
  clock: number;
  readonly sent: Notification[] = [];

  constructor(
    readonly request: NewCase,
    start: string,
  ) {
    this.clock = Date.parse(start);
    const at = new Date(this.clock).toISOString();
    const input: CaseInput = {
      id: `case${Math.random().toString(36).slice(2, 14)}`.padEnd(16, '0').slice(0, 16),
      ledgerNo: 'LZ-2026-000042',
      request,
      registeredBy: { id: people.operator.id, name: people.operator.name, role: 'operator' },
      policy: policyFrom(limits),
      registeredAt: at,
    };
    const first = initialState(input, at);
    this.state = withDeadlines(
      first,
      deadlinesStarted(null, first, at).map((r) => computeDeadline(r, calendar, limits)),
    );
    this.sent.push(receiptNotification(this.state));
  }

  private tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  act(actor: Actor, action: CaseAction): this {
    const refused = refuse(this.state, actor, action);
    if (refused) throw new Error(`${action.kind} by ${actor.id} refused: ${refused.message}`);
    const at = this.tick();
    const { state, notifications } = transition(this.state, actor, action, at);
    this.state = withDeadlines(
      state,
      deadlinesStarted(this.state, state, at).map((r) => computeDeadline(r, calendar, limits)),
    );
    this.sent.push(...notifications);
    return this;
  }

  /** Fires each milestone of the running deadline on a copy (the case itself moves on untouched). */
  milestones(): this {
    for (const kind of ['warn', 'overdue', 'redFlag'] as MilestoneKind[]) {
      const key = STAGE_DEADLINE[this.state.stage];
      const d = key ? this.state.deadlines[key] : undefined;
      if (!key || !d) continue;
      const at = kind === 'warn' ? (d.warnAt ?? d.from) : kind === 'overdue' ? d.dueAt : d.redFlagAt;
      const base =
        kind === 'redFlag'
          ? { ...this.state, deadlines: { ...this.state.deadlines, [key]: { ...d, warned: true, overdue: true } } }
          : this.state;
      this.sent.push(...fireMilestone(base, { kind, key, at, id: `${key}:${d.dueAt}:${kind}` }, at).notifications);
    }
    return this;
  }
}

function live(request: Partial<NewCase>): Notification[] {
  const life = new Life(
    {
      channel: 'hotline',
      type: 'complaint',
      urgent: false,
      confidential: false,
      citizen: { name: NAME, phone: PHONE },
      title: '小区楼道灯长期不亮',
      content: '3栋楼道灯坏了两个月，物业不修。',
      ...request,
    },
    '2026-03-02T01:00:00.000Z',
  );
  const approveAll = () => {
    life.act(people.reviewer1, { kind: 'review', level: 1, decision: 'approve' }).milestones();
    life.act(people.reviewer2, { kind: 'review', level: 2, decision: 'approve' });
    life.act(people.reviewer3, { kind: 'review', level: 3, decision: 'approve' });
  };
  life.milestones();
  // 主办 transport, 协办 health.
  life.act(people.dispatcher, { kind: 'assign', unit: TRANSPORT, supporting: [HEALTH] }).milestones();
  life.act(people.healthHandler, { kind: 'contribute', note: '卫健局已配合现场核查' });
  life.act(people.transportHandler, { kind: 'return', reason: '不属于本单位职责' });
  // A refused return, appealed; the supervisor names the unit that must handle it.
  life.act(people.dispatcher, { kind: 'returnDecision', accept: false, note: '属于交通职责' });
  life.act(people.transportHandler, { kind: 'appeal', reason: '确非本单位职责' });
  life.act(people.supervisor, { kind: 'appealDecision', unit: HOUSING, note: '裁定住建办理' });
  // 改派 there and back: each unit is told.
  life.act(people.dispatcher, { kind: 'reassign', unit: TRANSPORT, reason: '职责调整' });
  life.act(people.dispatcher, { kind: 'reassign', unit: HOUSING, reason: '经核实仍属住建' });
  life.act(people.supervisor, { kind: 'urge', note: '请尽快签收' });
  life.act(people.housingHandler, { kind: 'accept' }).milestones();
  life.act(people.housingHandler, { kind: 'extension', workingDays: 3, reason: '需协调供电部门' });
  life.act(people.supervisor, { kind: 'extensionDecision', approve: true, note: '同意' });
  life.act(people.housingHandler, { kind: 'progress', note: '已联系物业' });
  life.act(people.housingHandler, { kind: 'submit', result: '楼道灯已更换' }).milestones();
  life.act(people.reviewer1, { kind: 'review', level: 1, decision: 'reject', comment: '缺少现场照片' });
  life.act(people.housingHandler, { kind: 'submit', result: '楼道灯已更换，附照片' });
  approveAll();
  life.milestones();
  life.act(people.operator, { kind: 'callback', result: 'dissatisfied', note: '灯又坏了' });
  life.act(people.housingHandler, { kind: 'submit', result: '更换为新灯具' });
  approveAll();
  life.act(people.operator, { kind: 'callback', result: 'satisfied' });
  // 定期抽查: sampled (the round's signal), failed → reopened (the second reopening).
  life.state = { ...life.state, spotCheck: { ...life.state.spotCheck, round: 'month-2026-03' } };
  life.act(people.supervisor, { kind: 'spotCheck', passed: false, note: '回访核实：灯仍不亮' });
  life.act(people.housingHandler, { kind: 'submit', result: '更换线路' });
  approveAll();
  // After two reopenings a further dissatisfied call-back goes to a supervisor's decision.
  life.act(people.operator, { kind: 'callback', result: 'dissatisfied' });
  life.act(people.supervisor, { kind: 'decision', action: 'close', note: '已多次处理，群众诉求超出政策范围' });
  // 并单 by hand: a second registration of the same matter joins this case.
  const repeat = new Life(life.request, '2026-03-20T01:00:00.000Z');
  repeat.act(people.operator, { kind: 'merge', into: 'aaaaaaaaaaaaaaaa', intoLedgerNo: life.state.ledgerNo });
  return [...life.sent, ...repeat.sent];
}

const identity = [NAME, PHONE, maskPhone(PHONE), PHONE.slice(-8), PHONE.slice(-4)];

describe('notifications carry no citizen identity except to the citizen', () => {
  const variants: [string, Partial<NewCase>][] = [
    ['an ordinary complaint', {}],
    ['a confidential complaint', { confidential: true }],
    ['a report (举报)', { type: 'report' }],
    ['a complaint about a unit', { about: HOUSING }],
    ['an urgent one', { urgent: true }],
  ];

  test.each(variants)('%s: every template, to every kind of recipient', (_label, request) => {
    const sent = live(request);
    const templates = new Set(sent.map((n) => n.template));
    // The walk reaches every template there is: a new template without a scenario here fails this line.
    expect({ notReached: NOTIFICATION_TEMPLATES.filter((t) => !templates.has(t)) }).toEqual({ notReached: [] });

    const leaks = sent
      .filter((n) => n.to.kind !== 'citizen')
      .flatMap((n) => identity.filter((x) => JSON.stringify(n).includes(x)).map((x) => `${n.template}→${n.to.kind}: contains '${x}'`));
    expect(leaks).toEqual([]);
    // The citizen's own messages go to the citizen only.
    for (const n of sent.filter((x) => x.template === 'receipt' || x.template === 'answer')) expect(n.to.kind).toBe('citizen');
    expect(sent.filter((n) => n.to.kind === 'unit').length).toBeGreaterThan(5);
  });
});
