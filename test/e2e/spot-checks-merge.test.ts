/**
 * End to end on a dev server: a spot-check round (定期抽查) run by the real schedule over cases closed through the
 * API, GET /spot-checks and POST /cases/:id/spot-check; 并单 at intake and by hand; 直接答复 at intake.
 */
import type { Client } from '@temporalio/client';
import { createSampler } from '../../activities/sampling';
import { caseWorkflowId } from '../../temporal/definitions';
import { ensureSpotCheckSchedule, SPOT_CHECK_SCHEDULE_ID } from '../../worker/spot-check-schedule';
import type { SpotCheckRound } from '../../workflows/spot-check';
import { DEFAULT_LIMITS } from '../../domain/limits';
import type { NewCase } from '../../domain/case';
import { drive, expectApiError, expectStatus, type Json, useE2E } from './harness';
import { distinctPhone, newCase } from '../support/cases';
import { outboxOf } from '../support/outbox';
import { HOUSING, people, TRANSPORT } from '../support/personas';
import { waitFor } from '../support/polling';

// 并单 on, as a county runs it (the harness turns it off by default).
const h = useE2E({ limits: DEFAULT_LIMITS });
const d = drive(h);
beforeAll(() => {
  expect(h.limits.merge).toEqual({ enabled: true, minSimilarity: 0.5 });
});

/**
 * POST /cases as the operator, from a caller of its own unless the overrides name one (distinctPhone): one phone
 * with one text would be merged.
 */
function create(overrides: Partial<NewCase> = {}): Promise<Json> {
  return d.create({ citizen: { name: '张市民', phone: distinctPhone() }, ...overrides });
}
const SPOT_CHECK = { period: 'day' as const, rate: 0.1, min: 1, windowDays: 60 };

async function countWorkflows(client: Client, query: string): Promise<number> {
  return (await client.workflow.count(query)).count;
}

/** Waits until visibility shows the case in `stage` (auto-merge and the round both read visibility). */
async function visibleIn(id: string, stage: string): Promise<void> {
  await waitFor(
    `case ${id} visible in stage ${stage}`,
    () => countWorkflows(h.client, `WorkflowId = '${caseWorkflowId(id)}' AND HuiyingStage = '${stage}'`),
    (n) => n === 1,
    { timeoutMs: 30_000 },
  );
}

const consultation = (answer: string, overrides: Json = {}) =>
  newCase({
    citizen: { name: '咨询市民', phone: distinctPhone() },
    type: 'consultation',
    title: `政策咨询${answer.slice(0, 4)}`,
    content: `请问${answer}相关政策如何办理？`,
    answer,
    ...overrides,
  });

/** What a round's activity does to put cases into its sample (the real activity: it starts each case's next run). */
const sample = (round: string, ...ids: string[]) => createSampler({ client: h.client, taskQueue: h.taskQueue })({ round, ids });

/** A full loop through the API to a satisfied call-back: closed, with a unit. */
async function closedThroughLoop(handler = people.housingHandler): Promise<Json> {
  const c = await create();
  await d.toReplied(c.id, handler);
  return d.act(c.id, 'callback', people.operator, { result: 'satisfied' });
}

describe('spot-check round (定期抽查) on the schedule', () => {
  const closedIds = new Set<string>();
  let mergedId: string;
  let loopIds: string[] = [];
  let round: SpotCheckRound;

  beforeAll(async () => {
    // 17 direct answers and 3 full loops: 20 closed cases, none merged.
    const answers = await Promise.all(
      Array.from({ length: 17 }, (_, i) =>
        h.api('POST', '/cases', { token: people.operator, body: consultation(`第${i + 1}项答复：可到县政务服务中心办理`) }),
      ),
    );
    for (const res of answers) {
      const body = expectStatus(res, 201);
      expect(body.stage).toBe('closed');
      closedIds.add(body.id);
    }
    const loops = await Promise.all([closedThroughLoop(), closedThroughLoop(), closedThroughLoop(people.transportHandler)]);
    loopIds = loops.map((c) => c.id);
    for (const c of loops) {
      expect(c.stage).toBe('closed');
      closedIds.add(c.id);
    }
    // A merged case is closed too, but is checked through the case it joined: never in the population.
    const phone = distinctPhone();
    const open = await create({
      citizen: { name: '重复来电', phone },
      title: '路灯不亮',
      content: '县城南街路灯连续一周不亮，夜间行走不便。',
    });
    await visibleIn(open.id, 'registered');
    const repeat = await create({
      citizen: { name: '重复来电', phone },
      title: '路灯不亮',
      content: '县城南街路灯连续一周都不亮，夜间行走很不便。',
    });
    expect(repeat.mergedInto).toEqual({ id: open.id, ledgerNo: open.ledgerNo });
    mergedId = repeat.id;
    // A closed case's run ends when it closes (the read model keeps its spot-check window): all of them ended.
    await waitFor(
      'all closed cases to end their runs',
      async () =>
        Promise.all([...closedIds].map(async (id) => (await h.client.workflow.getHandle(caseWorkflowId(id)).describe()).status.name)),
      (statuses) => statuses.every((s) => s === 'COMPLETED'),
      { timeoutMs: 30_000 },
    );
    // The merged case's workflow has nothing left to wait for: it completes at once (not Running, so never sampled).
    await waitFor(
      'the merged case to complete',
      async () => (await h.client.workflow.getHandle(caseWorkflowId(mergedId)).describe()).status.name,
      (s) => s === 'COMPLETED',
    );
  });

  test('ensureSpotCheckSchedule is idempotent: one schedule, running the round with the configuration', async () => {
    await ensureSpotCheckSchedule(h.client, h.taskQueue, SPOT_CHECK);
    await ensureSpotCheckSchedule(h.client, h.taskQueue, SPOT_CHECK);
    const schedules: string[] = [];
    for await (const s of h.client.schedule.list()) schedules.push(s.scheduleId);
    expect(schedules.filter((id) => id === SPOT_CHECK_SCHEDULE_ID)).toHaveLength(1);
    const described = await h.client.schedule.getHandle(SPOT_CHECK_SCHEDULE_ID).describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'spotCheckRoundWorkflow', taskQueue: h.taskQueue });
    expect((described.action as Json).args).toEqual([{ period: 'day', rate: 0.1, min: 1 }]);
    expect(described.spec.timezone).toBe('Asia/Shanghai');
  });

  test('a triggered round samples max(1, ceil(10%)) of the closed, unmerged cases and marks them', async () => {
    await h.client.schedule.getHandle(SPOT_CHECK_SCHEDULE_ID).trigger();
    const run = await waitFor(
      'the spotCheckRoundWorkflow run to complete',
      async () => {
        const runs = [];
        for await (const w of h.client.workflow.list({ query: `WorkflowType = 'spotCheckRoundWorkflow'` })) runs.push(w);
        return runs;
      },
      (runs) => runs.length === 1 && runs[0].status.name === 'COMPLETED',
      { timeoutMs: 60_000 },
    );
    round = await h.client.workflow.getHandle(run[0].workflowId, run[0].runId).result();
    expect(round.round).toMatch(/^day-[0-9T:-]+$/);
    expect(Date.parse(round.to) - Date.parse(round.from)).toBe(86_400_000);
    expect(round.population).toBe(closedIds.size);
    expect(round.sample).toHaveLength(Math.max(1, Math.ceil(0.1 * closedIds.size)));
    const sampled = round.sample.map((s) => s.id);
    expect(new Set(sampled).size).toBe(sampled.length);
    for (const id of sampled) expect(closedIds.has(id)).toBe(true);
    expect(sampled).not.toContain(mergedId);
    for (const s of round.sample) {
      const c = await d.get(s.id, people.supervisor);
      expect(c.ledgerNo).toBe(s.ledgerNo);
      expect(c.spotCheck).toMatchObject({ round: round.round, result: null });
    }
  });

  test('GET /spot-checks lists exactly the sampled cases as pending, with the round; only for supervisors', async () => {
    const sampled = round.sample.map((s) => s.id).sort();
    const listed = await waitFor(
      'GET /spot-checks to list the sample',
      async () => expectStatus(await h.api('GET', '/spot-checks', { token: people.supervisor }), 200).items as Json[],
      (items) =>
        items
          .map((i) => i.id)
          .sort()
          .join() === sampled.join(),
      { timeoutMs: 30_000 },
    );
    for (const item of listed) expect(item).toMatchObject({ round: round.round, result: 'pending' });
    const byRound = expectStatus(
      await h.api('GET', `/spot-checks?round=${encodeURIComponent(round.round)}`, { token: people.supervisor }),
      200,
    );
    expect(byRound.items.map((i: Json) => i.id).sort()).toEqual(sampled);
    expect(expectStatus(await h.api('GET', '/spot-checks?round=day-1999-01-01T00:00', { token: people.supervisor }), 200).items).toEqual(
      [],
    );
    expectApiError(await h.api('GET', '/spot-checks?round=not%20a%20round', { token: people.supervisor }), 400, 'invalid_input');
    for (const who of [people.operator, people.dispatcher, people.housingHandler]) {
      expectApiError(await h.api('GET', '/spot-checks', { token: who }), 403, 'forbidden');
    }
  });

  test('POST spot-check: 403 for non-supervisors; passed is recorded; an unsampled case is a conflict', async () => {
    const [first] = round.sample;
    for (const who of [people.operator, people.dispatcher, people.reviewer3]) {
      expectApiError(
        await h.api('POST', `/cases/${first.id}/spot-check`, { token: who, body: { passed: true, note: '越权' } }),
        403,
        'forbidden',
      );
    }
    const passed = await d.act(first.id, 'spot-check', people.supervisor, { passed: true, note: '电话回访，群众满意' });
    expect(passed).toMatchObject({ stage: 'closed', spotCheck: { round: round.round, result: 'passed', note: '电话回访，群众满意' } });
    expectApiError(
      await h.api('POST', `/cases/${first.id}/spot-check`, { token: people.supervisor, body: { passed: false, note: '再查' } }),
      409,
      'conflict',
    );
    const unsampled = [...closedIds].find((id) => !round.sample.some((s) => s.id === id))!;
    expectApiError(
      await h.api('POST', `/cases/${unsampled}/spot-check`, { token: people.supervisor, body: { passed: true, note: '未抽中' } }),
      409,
      'conflict',
    );
    expectApiError(
      await h.api('POST', `/cases/${first.id}/spot-check`, { token: people.supervisor, body: { passed: 'no' } }),
      400,
      'invalid_input',
    );
  });

  test('a failed spot-check of a case handled by a unit reopens it to that unit (rectifying), notified spot_check_failed', async () => {
    // The round's sample is random; to be deterministic, mark one full-loop case in a round of its own, as the round does.
    const id = loopIds.find((x) => !round.sample.some((s) => s.id === x)) ?? loopIds[0];
    const before = await d.get(id, people.supervisor);
    if (!before.spotCheck.round) await sample('day-2026-01-01T02:00', id);
    const sampled = await waitFor(
      'the case to be sampled',
      () => d.get(id, people.supervisor),
      (c) => c.spotCheck.round !== null && c.spotCheck.result === null,
    );
    const failed = await d.act(id, 'spot-check', people.supervisor, { passed: false, note: '回访群众称问题依旧' });
    expect(failed).toMatchObject({ stage: 'rectifying', unit: before.unit, reopenCount: before.reopenCount + 1, closedAt: null });
    expect(failed.spotCheck).toMatchObject({ round: sampled.spotCheck.round, result: 'failed', by: { id: people.supervisor.id } });
    const outbox = await waitFor(
      'spot_check_failed to the unit',
      () => outboxOf(h, id),
      (list) => list.some((n) => n.template === 'spot_check_failed'),
    );
    expect(outbox.find((n) => n.template === 'spot_check_failed')!.to).toEqual({ kind: 'unit', unit: before.unit });
    // The unit can act on it again.
    const handler = before.unit === TRANSPORT ? people.transportHandler : people.housingHandler;
    await d.act(id, 'submit', handler, { result: '重新整改完毕' });
  });

  // A direct answer never had a unit: a failed check sends it to the dispatchers, back in `registered`.
  test('a failed spot-check of a direct answer goes back to registered for dispatch', async () => {
    const id = [...closedIds].find((x) => !loopIds.includes(x) && !round.sample.some((s) => s.id === x))!;
    await sample('day-2026-01-01T02:00', id);
    await waitFor(
      'the case to be sampled',
      () => d.get(id, people.supervisor),
      (c) => c.spotCheck.round !== null,
    );
    const failed = await d.act(id, 'spot-check', people.supervisor, { passed: false, note: '答复有误' });
    expect(failed).toMatchObject({ stage: 'registered', unit: null, reopenCount: 1 });
    expect(failed.dueAt).not.toBeNull(); // a fresh assignment deadline
    const outbox = await waitFor(
      'the notice to dispatchers',
      () => outboxOf(h, id),
      (list) => list.some((n) => n.template === 'spot_check_failed'),
    );
    expect(outbox.find((n) => n.template === 'spot_check_failed')!.to).toEqual({ kind: 'dispatchers' });
    const assigned = await d.assign(id, HOUSING);
    expect(assigned.stage).toBe('assigned');
  });
});

describe('并单 at intake (same phone, same type, near-identical text)', () => {
  const text = { title: '小区门口垃圾堆放', content: '天池街道幸福小区门口垃圾堆放多日无人清运，臭味很大。' };

  test('the repeat is merged: closed with mergedInto, recorded on both, citizen told', async () => {
    const phone = distinctPhone();
    const first = await create({ citizen: { name: '王市民', phone }, ...text });
    expect(first.stage).toBe('registered');
    await visibleIn(first.id, 'registered');
    const repeat = await create({
      citizen: { name: '王市民', phone },
      title: '小区门口垃圾堆放',
      content: '天池街道幸福小区门口的垃圾堆放了多日无人清运，臭味很大！',
    });
    expect(repeat).toMatchObject({ stage: 'closed', mergedInto: { id: first.id, ledgerNo: first.ledgerNo } });
    expect(repeat.timeline.map((e: Json) => e.action)).toEqual(['register', 'merge']);
    const target = await d.get(first.id, people.operator);
    expect(target.stage).toBe('registered');
    expect(target.mergedFrom).toEqual([expect.objectContaining({ id: repeat.id, ledgerNo: repeat.ledgerNo })]);
    expect(target.timeline.at(-1)).toMatchObject({ action: 'absorb' });
    const outbox = await waitFor(
      'the merged notice',
      () => outboxOf(h, repeat.id),
      (list) => list.some((n) => n.template === 'merged'),
    );
    const notice = outbox.find((n) => n.template === 'merged')!;
    expect(notice.to).toMatchObject({ kind: 'citizen' });
    expect(notice.text).toContain(first.ledgerNo);
    expect(outbox.some((n) => n.template === 'receipt')).toBe(false);
  });

  test('a different type, a different text or another phone is not merged', async () => {
    const phone = distinctPhone();
    const first = await create({ citizen: { name: '李市民', phone }, ...text });
    await visibleIn(first.id, 'registered');
    const otherType = await create({ citizen: { name: '李市民', phone }, ...text, type: 'suggestion' });
    const otherText = await create({
      citizen: { name: '李市民', phone },
      title: '医保卡补办',
      content: '医保卡丢失，想咨询如何补办及所需材料。',
    });
    const otherPhone = await create({ citizen: { name: '赵市民', phone: distinctPhone() }, ...text });
    for (const c of [otherType, otherText, otherPhone]) expect(c).toMatchObject({ stage: 'registered', mergedInto: null });
    expect((await d.get(first.id, people.operator)).mergedFrom).toEqual([]);
  });
});

describe('并单 by hand: POST /cases/:id/merge', () => {
  test('an operator merges a registered case into an open one; recorded on both', async () => {
    const target = await create({ title: '南街积水', content: '南街下雨后严重积水，车辆无法通行。' });
    const source = await create({ title: '南街路面积水严重', content: '一下雨南街就积水。' });
    for (const who of [people.dispatcher, people.supervisor, people.housingHandler]) {
      expectApiError(await h.api('POST', `/cases/${source.id}/merge`, { token: who, body: { into: target.id } }), 403, 'forbidden');
    }
    const merged = await d.act(source.id, 'merge', people.operator, { into: target.id });
    expect(merged).toMatchObject({ stage: 'closed', mergedInto: { id: target.id, ledgerNo: target.ledgerNo } });
    const t = await d.get(target.id, people.operator);
    expect(t.mergedFrom).toEqual([expect.objectContaining({ id: source.id, ledgerNo: source.ledgerNo })]);
    const outbox = await waitFor(
      'the merged notice',
      () => outboxOf(h, source.id),
      (list) => list.some((n) => n.template === 'merged'),
    );
    expect(outbox.find((n) => n.template === 'merged')!.to).toMatchObject({ kind: 'citizen' });
    // A merged (closed) source cannot be merged again.
    const other = await create();
    expectApiError(await h.api('POST', `/cases/${source.id}/merge`, { token: people.operator, body: { into: other.id } }), 409, 'conflict');
  });

  test('into itself → 409; into a closed case → 409; unknown or malformed into → 400 naming into', async () => {
    const source = await create();
    expectApiError(
      await h.api('POST', `/cases/${source.id}/merge`, { token: people.operator, body: { into: source.id } }),
      409,
      'conflict',
    );
    const closed = expectStatus(await h.api('POST', '/cases', { token: people.operator, body: consultation('已办结的咨询') }), 201);
    expectApiError(
      await h.api('POST', `/cases/${source.id}/merge`, { token: people.operator, body: { into: closed.id } }),
      409,
      'conflict',
    );
    const unknown = expectApiError(
      await h.api('POST', `/cases/${source.id}/merge`, { token: people.operator, body: { into: '0000000000000000' } }),
      400,
      'invalid_input',
    );
    expect(unknown.details).toEqual([expect.objectContaining({ field: 'into' })]);
    const malformed = expectApiError(
      await h.api('POST', `/cases/${source.id}/merge`, { token: people.operator, body: { into: 'nope' } }),
      400,
      'invalid_input',
    );
    expect(JSON.stringify(malformed.details)).toContain('into');
    expect((await d.get(source.id, people.operator)).stage).toBe('registered');
  });
});

describe('直接答复 at intake', () => {
  test('a consultation with an answer is created closed and the answer goes to the citizen', async () => {
    const answer = '办理居住证需携带身份证、居住证明，到县公安局户籍窗口办理。';
    const created = expectStatus(await h.api('POST', '/cases', { token: people.operator, body: consultation(answer) }), 201);
    expect(created).toMatchObject({ stage: 'closed', unit: null, answer, outcome: expect.objectContaining({ directAnswer: true }) });
    expect(created.timeline.map((e: Json) => e.action)).toEqual(['register', 'answer']);
    const outbox = await waitFor(
      'the answer',
      () => outboxOf(h, created.id),
      (list) => list.some((n) => n.template === 'answer'),
    );
    const sent = outbox.find((n) => n.template === 'answer')!;
    expect(sent.to).toMatchObject({ kind: 'citizen' });
    expect(sent.text).toContain(answer);
    expect(outbox.some((n) => n.template === 'receipt')).toBe(false);
  });

  test('a complaint with an answer → 400 naming answer', async () => {
    const res = await h.api('POST', '/cases', {
      token: people.operator,
      body: newCase({ citizen: { name: '张市民', phone: distinctPhone() }, type: 'complaint', answer: '已知悉' }),
    });
    const error = expectApiError(res, 400, 'invalid_input');
    expect(error.details).toEqual([expect.objectContaining({ field: 'answer' })]);
  });
});
