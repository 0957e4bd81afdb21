/**
 * The case loop over HTTP: the real API, worker and dev server. Happy path; return and re-assignment; a review
 * rejection and a new round; a dissatisfied call-back; phone masking by role.
 */
import { formatLedgerNo, shanghaiYear } from '../../domain/ledger';
import { drive, expectApiError, expectStatus, ids, type Json, listAll, useE2E } from './harness';
import { CITIZEN_PHONE, MASKED_PHONE } from '../support/cases';
import { outboxOf, outboxSummary } from '../support/outbox';
import { HOUSING, people, TRANSPORT } from '../support/personas';
import { waitFor } from '../support/polling';

const h = useE2E();
const d = drive(h);

/** Templates and recipients of a case's outbox, sorted: order-independent. */
const summaryOf = async (caseId: string): Promise<string[]> => outboxSummary(await outboxOf(h, caseId));

describe('a case from registration to close, through the API', () => {
  test('register → assign → accept → progress → submit → review 1,2,3 → satisfied call-back → closed', async () => {
    // The first case of this server: the year's sequencer starts at 1.
    const created = expectStatus(
      await h.api('POST', '/cases', {
        token: people.operator,
        body: {
          channel: 'hotline',
          type: 'complaint',
          citizen: { name: '张市民', phone: CITIZEN_PHONE },
          title: '小区楼道灯长期不亮',
          content: '3栋楼道灯坏了两个月，物业不修。',
        },
      }),
      201,
    );
    expect(created.ledgerNo).toBe(formatLedgerNo('LZ', shanghaiYear(new Date()), 1));
    expect(created.ledgerNo).toMatch(/^LZ-\d{4}-000001$/);
    expect(created).toMatchObject({ stage: 'registered', unit: null, unitName: null, urgent: false, confidential: false, reopenCount: 0 });
    expect(created.id).toMatch(/^[0-9a-z]{16}$/);
    expect(created).not.toHaveProperty('requestHash');
    const id: string = created.id;

    /** Every response is the case exactly as GET /cases/:id then returns it to the same caller. */
    const step = async (actionPath: string, actor: (typeof people)[keyof typeof people], body: unknown): Promise<Json> => {
      const res = expectStatus(await h.api('POST', `/cases/${id}/${actionPath}`, { token: actor, body }), 200);
      expect(await d.get(id, actor)).toEqual(res);
      return res;
    };
    expect(await d.get(id, people.operator)).toEqual(created);

    const assigned = await step('assign', people.dispatcher, { unit: HOUSING, note: '请住建局核实处理' });
    expect(assigned).toMatchObject({ stage: 'assigned', unit: HOUSING, unitName: '县住建局' });
    const accepted = await step('accept', people.housingHandler, { note: '已签收' });
    expect(accepted.stage).toBe('rectifying');
    const progressed = await step('progress', people.housingHandler, { note: '已联系物业，约定本周内维修' });
    expect(progressed.stage).toBe('rectifying');
    const submitted = await step('submit', people.housingHandler, { result: '物业已更换楼道灯，现场核实正常' });
    expect(submitted).toMatchObject({ stage: 'reviewing', reviewLevel: 1, reviewRound: 1, submittedBy: { id: people.housingHandler.id } });
    const r1 = await step('review', people.reviewer1, { level: 1, decision: 'approve', comment: '材料齐全' });
    expect(r1).toMatchObject({ stage: 'reviewing', reviewLevel: 2 });
    const r2 = await step('review', people.reviewer2, { level: 2, decision: 'approve' });
    expect(r2).toMatchObject({ stage: 'reviewing', reviewLevel: 3 });
    const r3 = await step('review', people.reviewer3, { level: 3, decision: 'approve' });
    expect(r3).toMatchObject({ stage: 'replied', reviewLevel: null });
    expect(r3.reviews.map((r: Json) => [r.level, r.decision, r.by.id])).toEqual([
      [1, 'approve', people.reviewer1.id],
      [2, 'approve', people.reviewer2.id],
      [3, 'approve', people.reviewer3.id],
    ]);
    const closed = await step('callback', people.operator, { result: 'satisfied', note: '市民表示满意' });
    expect(closed).toMatchObject({ stage: 'closed', satisfaction: 'satisfied', reopenCount: 0, dueAt: null, overdue: false });
    expect(closed.closedAt).toEqual(expect.any(String));

    // The timeline: who, when, what — one entry per action, in order.
    expect(closed.timeline.map((e: Json) => [e.action, e.by.id, e.by.role])).toEqual([
      ['register', people.operator.id, 'operator'],
      ['assign', people.dispatcher.id, 'dispatcher'],
      ['accept', people.housingHandler.id, 'handler'],
      ['progress', people.housingHandler.id, 'handler'],
      ['submit', people.housingHandler.id, 'handler'],
      ['review', people.reviewer1.id, 'reviewer'],
      ['review', people.reviewer2.id, 'reviewer'],
      ['review', people.reviewer3.id, 'reviewer'],
      ['callback', people.operator.id, 'operator'],
    ]);
    for (const e of closed.timeline) {
      expect(e.by.name).toBeTruthy();
      expect(new Date(e.at).toISOString()).toBe(e.at);
    }
    const times = closed.timeline.map((e: Json) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // The API names the unit (the note records its code), and an assignment's note keeps it.
    expect(closed.timeline[1].note).toBe('交办至 县住建局：请住建局核实处理');
    expect(closed.timeline[3].note).toBe('已联系物业，约定本周内维修');
    expect(closed.timeline[5].note).toContain('材料齐全');

    // The outbox: the receipt, the unit's notice, a review request per level, the answer.
    const expected = [
      `receipt→citizen:${CITIZEN_PHONE}`,
      `assigned→unit:${HOUSING}`,
      'review_requested→reviewers:1',
      'review_requested→reviewers:2',
      'review_requested→reviewers:3',
      `answer→citizen:${CITIZEN_PHONE}`,
    ].sort();
    await waitFor(
      'the outbox of the closed case',
      () => summaryOf(id),
      (s) => JSON.stringify(s) === JSON.stringify(expected),
      { label: 'outbox complete after close' },
    );
    const outbox = await outboxOf(h, id);
    const receipt = outbox.find((n) => n.template === 'receipt')!;
    expect(receipt.text).toContain(created.ledgerNo);
    expect(receipt.to).toEqual({ kind: 'citizen', citizen: { name: '张市民', phone: CITIZEN_PHONE } });
    expect(outbox.find((n) => n.template === 'answer')!.text).toContain('物业已更换楼道灯');

    // A closed case's run ends (no worker holds it); a spot-check sample within 60 days would start its next run.
    await waitFor(
      'the closed case to end its run',
      async () => (await h.client.workflow.getHandle(`case-${id}`).describe()).status.name,
      (s) => s === 'COMPLETED',
    );
    expect(await d.get(id, people.operator)).toEqual(closed);

    // Visibility: the list finds it by stage, unit and type (eventually).
    const listed = await waitFor(
      'GET /cases?stage=closed to list the case',
      () => listAll(h.api, people.supervisor, 'stage=closed'),
      (items) => ids(items).includes(id),
      { label: 'visibility: closed case listed' },
    );
    expect(listed.find((c) => c.id === id)).toMatchObject({
      id,
      ledgerNo: created.ledgerNo,
      stage: 'closed',
      unit: HOUSING,
      type: 'complaint',
      channel: 'hotline',
      status: 'COMPLETED', // its run ended when it closed
      dueAt: null,
    });
    expect(ids(await listAll(h.api, people.supervisor, `unit=${HOUSING}&type=complaint`))).toContain(id);
    expect(ids(await listAll(h.api, people.supervisor, `unit=${HOUSING}&type=help`))).not.toContain(id);
    expect(ids(await listAll(h.api, people.supervisor, `unit=${TRANSPORT}&type=complaint`))).not.toContain(id);
    // The list carries no personal data.
    expect(JSON.stringify(listed)).not.toContain(CITIZEN_PHONE);

    // A handler's list holds its own unit's cases only; asking for another unit is refused.
    const help = await d.create({ type: 'help', title: '路灯不亮' });
    await d.assign(help.id, TRANSPORT);
    await waitFor(
      'the transport case to be listed by unit',
      () => listAll(h.api, people.supervisor, `unit=${TRANSPORT}`),
      (items) => ids(items).includes(help.id),
      { label: 'visibility: assigned case listed' },
    );
    expect(ids(await listAll(h.api, people.supervisor, `unit=${TRANSPORT}&type=help`))).toEqual([help.id]);
    const housingList = await listAll(h.api, people.housingHandler, '');
    expect(ids(housingList)).toContain(id);
    expect(ids(housingList)).not.toContain(help.id);
    expect(housingList.every((c) => c.unit === HOUSING)).toBe(true);
    expect(ids(await listAll(h.api, people.transportHandler, ''))).toEqual([help.id]);
    expectApiError(await h.api('GET', `/cases?unit=${TRANSPORT}`, { token: people.housingHandler }), 403, 'forbidden');
    // ...and a single case of another unit too.
    expectApiError(await h.api('GET', `/cases/${help.id}`, { token: people.housingHandler }), 403, 'forbidden');
  });
});

describe('returns, re-assignment, review rejection and reopening', () => {
  test('a unit returns the case (退单), the dispatcher accepts the return and re-assigns it to another unit', async () => {
    const c = await d.create({ title: '道路积水', content: '南塔街道某路段雨后积水严重' });
    await d.assign(c.id, TRANSPORT);
    const asked = await d.act(c.id, 'return', people.transportHandler, { reason: '不属于我局职责，应由住建局处理' });
    // The return waits for the dispatcher; the unit keeps the case meanwhile.
    expect(asked).toMatchObject({
      stage: 'assigned',
      unit: TRANSPORT,
      returnRequest: { unit: TRANSPORT, reason: '不属于我局职责，应由住建局处理' },
    });
    expect(asked.timeline.at(-1)).toMatchObject({
      action: 'return',
      note: '不属于我局职责，应由住建局处理',
      by: { id: people.transportHandler.id, role: 'handler' },
    });
    expectApiError(
      await h.api('POST', `/cases/${c.id}/return/decision`, { token: people.transportHandler, body: { accept: true } }),
      403,
      'forbidden',
    );
    const noGrounds = expectApiError(
      await h.api('POST', `/cases/${c.id}/return/decision`, { token: people.dispatcher, body: { accept: false } }),
      400,
      'invalid_input',
    );
    expect(noGrounds.details).toEqual([expect.objectContaining({ field: 'note' })]);
    const returned = await d.act(c.id, 'return/decision', people.dispatcher, { accept: true });
    expect(returned).toMatchObject({ stage: 'registered', unit: null, returnedBy: [TRANSPORT], returnRequest: null });
    // Back in registration: the assignment clock runs again.
    expect(returned.deadlines.assign.from).toBe(returned.timeline.at(-1).at);
    expect(returned.dueAt).toBe(returned.deadlines.assign.dueAt);

    const reassigned = await d.assign(c.id, HOUSING);
    expect(reassigned).toMatchObject({ stage: 'assigned', unit: HOUSING, returnedBy: [TRANSPORT] });
    // The unit that returned it no longer acts on it or sees it.
    expectApiError(await h.api('POST', `/cases/${c.id}/accept`, { token: people.transportHandler, body: {} }), 403, 'forbidden');
    expectApiError(await h.api('GET', `/cases/${c.id}`, { token: people.transportHandler }), 403, 'forbidden');
    const accepted = await d.act(c.id, 'accept', people.housingHandler, {});
    expect(accepted).toMatchObject({ stage: 'rectifying', unit: HOUSING });
    expect(accepted.timeline.map((e: Json) => e.action)).toEqual(['register', 'assign', 'return', 'returnDecision', 'assign', 'accept']);

    const expected = [
      `receipt→citizen:${CITIZEN_PHONE}`,
      `assigned→unit:${TRANSPORT}`,
      'returned→dispatchers',
      `return_decided→unit:${TRANSPORT}`,
      `assigned→unit:${HOUSING}`,
    ].sort();
    await waitFor(
      'the return notices',
      () => summaryOf(c.id),
      (s) => JSON.stringify(s) === JSON.stringify(expected),
    );
  });

  test('a rejection at level 2 sends the case back; the next round starts again at level 1', async () => {
    const c = await d.create({ title: '噪音扰民' });
    await d.toReviewing(c.id, people.housingHandler);
    await d.approveLevels(c.id, [1]);
    const rejected = await d.act(c.id, 'review', people.reviewer2, { level: 2, decision: 'reject', comment: '缺少现场照片' });
    expect(rejected).toMatchObject({ stage: 'rectifying', reviewLevel: null, reviewRound: 1 });
    expect(rejected.reviews.map((r: Json) => [r.level, r.decision, r.by.id])).toEqual([
      [1, 'approve', people.reviewer1.id],
      [2, 'reject', people.reviewer2.id],
    ]);
    expect(rejected.timeline.at(-1).note).toContain('缺少现场照片');
    // Level 3 cannot act on a case that is back with the unit.
    expectApiError(
      await h.api('POST', `/cases/${c.id}/review`, { token: people.reviewer3, body: { level: 3, decision: 'approve' } }),
      409,
      'conflict',
      /rectifying/,
    );

    const resubmitted = await d.act(c.id, 'submit', people.housingHandler, { result: '已补充现场照片' });
    expect(resubmitted).toMatchObject({ stage: 'reviewing', reviewLevel: 1, reviewRound: 2, reviews: [] });
    // The new round starts at level 1, not where the last one stopped.
    expectApiError(
      await h.api('POST', `/cases/${c.id}/review`, { token: people.reviewer2, body: { level: 2, decision: 'approve' } }),
      409,
      'conflict',
      /正待初审/,
    );
    const replied = await d.approveLevels(c.id);
    expect(replied).toMatchObject({ stage: 'replied', reviewRound: 2, result: '已补充现场照片' });

    await waitFor(
      'the rejection notice to the unit',
      () => summaryOf(c.id),
      (s) => s.includes(`review_rejected→unit:${HOUSING}`) && s.filter((x) => x === 'review_requested→reviewers:1').length === 2,
    );
  });

  test('a dissatisfied call-back reopens the case to the same unit (rectifying, reopenCount 1)', async () => {
    const c = await d.create({ title: '垃圾清运不及时' });
    const replied = await d.toReplied(c.id, people.housingHandler);
    expect(replied.stage).toBe('replied');
    const reopened = await d.act(c.id, 'callback', people.operator, { result: 'dissatisfied', note: '问题仍未解决' });
    expect(reopened).toMatchObject({ stage: 'rectifying', unit: HOUSING, reopenCount: 1, satisfaction: 'dissatisfied', closedAt: null });
    // 重办 restarts the handling clock from the reopening.
    const at = reopened.timeline.at(-1).at;
    expect(reopened.deadlines.handling.from).toBe(at);
    expect(reopened.dueAt).toBe(h.calendar.addWorkingDays(new Date(at), h.limits.handling.complaint).at.toISOString());
    await waitFor(
      'the reopening notice',
      () => summaryOf(c.id),
      (s) => s.includes(`reopened→unit:${HOUSING}`),
    );
    // The unit can work on it again and the list shows the reopening.
    await d.act(c.id, 'progress', people.housingHandler, { note: '再次上门处理' });
    const listed = await waitFor(
      'the reopened case in the rectifying list',
      () => listAll(h.api, people.supervisor, `stage=rectifying&unit=${HOUSING}`),
      (items) => items.some((x) => x.id === c.id && x.reopenCount === 1),
      { label: 'visibility: reopened case listed' },
    );
    expect(listed.find((x) => x.id === c.id)).toMatchObject({ stage: 'rectifying', reopenCount: 1 });
  });
});

describe('phone masking by role', () => {
  test('the operator and the supervisor see the full phone; dispatcher, handler and reviewer see 138****1234', async () => {
    const c = await d.create({ title: '小区停水', citizen: { name: '张市民', phone: CITIZEN_PHONE } });
    expect(c.citizen.phone).toBe(CITIZEN_PHONE); // the operator's own response
    const assigned = await d.assign(c.id, HOUSING);
    expect(assigned.citizen).toEqual({ name: '张市民', phone: MASKED_PHONE }); // the dispatcher's response
    await d.act(c.id, 'accept', people.housingHandler, {});
    await d.act(c.id, 'submit', people.housingHandler, { result: '已恢复供水' });

    const seen = async (actor: (typeof people)[keyof typeof people]) => (await d.get(c.id, actor)).citizen.phone;
    expect(await seen(people.operator)).toBe(CITIZEN_PHONE);
    expect(await seen(people.supervisor)).toBe(CITIZEN_PHONE);
    expect(await seen(people.dispatcher)).toBe(MASKED_PHONE);
    expect(await seen(people.housingHandler)).toBe(MASKED_PHONE);
    expect(await seen(people.reviewer1)).toBe(MASKED_PHONE);
    // The masked view carries the phone nowhere else either.
    const reviewerView = await d.get(c.id, people.reviewer1);
    expect(JSON.stringify(reviewerView)).not.toContain(CITIZEN_PHONE);
    // ...including the reviewer's own action response.
    const reviewed = await d.act(c.id, 'review', people.reviewer1, { level: 1, decision: 'approve' });
    expect(reviewed.citizen.phone).toBe(MASKED_PHONE);
  });
});
