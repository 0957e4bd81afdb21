/**
 * 定期抽查 on the case workflow (DOMAIN.md loop step 6): a closed case stays open to a spot-check for
 * `policy.spotCheckWindowDays` (default 60 calendar days). Its run completes when it closes (no worker holds it);
 * a round's sampler (activities/sampling.ts, the real activity) starts its next run with the sample joined; a
 * failed check reopens it to its unit, a passed one ends the run at once, an unchecked one ends with the window.
 * Also 直接答复 through the `answer` action.
 */
import { createSampler } from '../../activities/sampling';
import { sampleSignal } from '../../temporal/definitions';
import { recorded } from '../deadlines/helpers';
import { act, type CaseHandle, driveToReplied, getCase, refusalOf, startCase, useTimeSkipping } from './helpers';
import { outboxOf } from '../support/outbox';
import { HOUSING, people } from '../support/personas';
import { eventually } from '../support/polling';

const DAY = 86_400_000;
const h = useTimeSkipping();

async function closedCase(): Promise<{ handle: CaseHandle; caseId: string }> {
  const started = await startCase(h);
  await driveToReplied(started.handle);
  const closed = await act(started.handle, 'callback', people.operator, { result: 'satisfied' });
  expect(closed.stage).toBe('closed');
  await becomes(started.handle, 'COMPLETED');
  return started;
}

const statusOf = async (handle: CaseHandle) => (await handle.describe()).status.name;
const sample = (round: string, ...ids: string[]) => createSampler({ client: h.client, taskQueue: h.taskQueue })({ round, ids });

/** Polls in real time (which does not unlock time skipping, unlike handle.result()). */
async function becomes(handle: CaseHandle, status: string, timeoutMs = 15_000): Promise<void> {
  await eventually(
    () => statusOf(handle),
    (s) => s === status,
    timeoutMs,
  );
}

describe('spot-check window (定期抽查)', () => {
  test('a closed case completes at once; the read model keeps its 60-day window', async () => {
    const { handle } = await closedCase();
    const state = await getCase(handle);
    expect(state.policy.spotCheckWindowDays).toBe(60);
    const row = await recorded(h, handle);
    expect(row).toMatchObject({ stage: 'closed', archived: true, version: state.version });
    expect(Date.parse(row.spotCheckUntil!) - Date.parse(state.closedAt!)).toBe(60 * DAY);
  });

  test('the sampler starts the next run with the sample; a failed check reopens it to its unit (spot_check_failed)', async () => {
    const { handle, caseId } = await closedCase();
    const firstRun = (await handle.describe()).runId;
    expect(await sample('month-2026-11', caseId)).toEqual([caseId]);
    await becomes(handle, 'RUNNING');
    expect((await handle.describe()).runId).not.toBe(firstRun);
    const sampled = await getCase(handle);
    expect(sampled.spotCheck).toEqual({ round: 'month-2026-11', result: null, at: null, by: null, note: null });
    expect(sampled.timeline.at(-1)).toMatchObject({ action: 'sampled', note: '列入抽查（month-2026-11）' });
    const row = await eventually(
      () => recorded(h, handle),
      (r) => r.flags.includes('spot_check_pending'),
    );
    expect(row).toMatchObject({ archived: false, spotCheckUntil: null, version: sampled.version });
    expect(row.flags).toEqual(expect.arrayContaining(['spot_check_pending', 'spot_check_round:month-2026-11']));

    // The same round again changes nothing; another round does not move it (a signal to the running run).
    expect(await sample('month-2026-11', caseId)).toEqual([caseId]);
    await handle.signal(sampleSignal, 'month-2026-12');
    expect((await getCase(handle)).spotCheck.round).toBe('month-2026-11');

    // Only a supervisor spot-checks.
    for (const who of [people.operator, people.dispatcher, people.housingHandler]) {
      expect((await refusalOf(act(handle, 'spotCheck', who, { passed: false, note: '回访群众称问题仍在' }))).type).toBe('forbidden');
    }

    const failed = await act(handle, 'spotCheck', people.supervisor, { passed: false, note: '回访群众称问题仍在' });
    expect(failed).toMatchObject({ stage: 'rectifying', reopenCount: 1, unit: HOUSING, closedAt: null });
    expect(failed.spotCheck).toMatchObject({
      round: 'month-2026-11',
      result: 'failed',
      by: { id: people.supervisor.id },
      note: '回访群众称问题仍在',
    });
    expect(failed.spotCheck.at).toEqual(expect.any(String));
    expect(failed.deadlines.handling?.from).toBe(failed.stageSince);
    const outbox = await eventually(
      () => outboxOf(h, caseId),
      (list) => list.some((n) => n.template === 'spot_check_failed'),
    );
    expect(outbox.find((n) => n.template === 'spot_check_failed')!.to).toEqual({ kind: 'unit', unit: HOUSING });
    expect(outbox.some((n) => n.template === 'reopened')).toBe(false);
    expect(await statusOf(handle)).toBe('RUNNING');
    // Checked once only.
    expect((await refusalOf(act(handle, 'spotCheck', people.supervisor, { passed: true, note: '再查' }))).type).toBe('conflict');
  });

  test('a passed spot-check ends the run at once, without waiting out the window', async () => {
    const { handle, caseId } = await closedCase();
    await sample('day-2026-11-25T02:00', caseId);
    await becomes(handle, 'RUNNING');
    const passed = await act(handle, 'spotCheck', people.supervisor, { passed: true, note: '群众确认已解决' });
    expect(passed).toMatchObject({ stage: 'closed', spotCheck: { round: 'day-2026-11-25T02:00', result: 'passed' } });
    // No time is skipped here: the workflow must finish by itself.
    const before = await h.env.currentTimeMs();
    await becomes(handle, 'COMPLETED');
    expect((await h.env.currentTimeMs()) - before).toBeLessThan(DAY);
    expect(await recorded(h, handle)).toMatchObject({ archived: true, spotCheckUntil: null });
    // A later round leaves it alone: it was sampled once.
    expect(await sample('day-2026-11-26T02:00', caseId)).toEqual([]);
    expect(await statusOf(handle)).toBe('COMPLETED');
  });

  test('a sampled case nobody checks ends its run when the window has passed', async () => {
    const { handle, caseId } = await closedCase();
    const { closedAt } = await getCase(handle);
    await sample('month-2026-10', caseId);
    await becomes(handle, 'RUNNING');
    await h.env.sleep(Date.parse(closedAt!) + 59 * DAY - (await h.env.currentTimeMs()));
    await new Promise((r) => setTimeout(r, 500));
    expect(await statusOf(handle)).toBe('RUNNING');
    await h.env.sleep(2 * DAY);
    await becomes(handle, 'COMPLETED');
    expect(await getCase(handle)).toMatchObject({ stage: 'closed', spotCheck: { round: 'month-2026-10', result: null } });
  });

  test('spotCheck on a closed case not in a sample finds its run over', async () => {
    const { handle } = await closedCase();
    await expect(act(handle, 'spotCheck', people.supervisor, { passed: true, note: '未抽中也想查' })).rejects.toMatchObject({
      name: 'WorkflowNotFoundError',
    });
  });

  test('sampleSignal on a case that is not closed is ignored; spotCheck there is a conflict', async () => {
    const { handle, caseId } = await startCase(h);
    await driveToReplied(handle);
    await handle.signal(sampleSignal, 'month-2026-11');
    expect(await sample('month-2026-11', caseId)).toEqual([caseId]); // signalled: the running run decides
    const s = await getCase(handle);
    expect(s.spotCheck.round).toBeNull();
    expect(s.timeline.some((e) => e.action === 'sampled')).toBe(false);
    expect((await refusalOf(act(handle, 'spotCheck', people.supervisor, { passed: true, note: 'x' }))).type).toBe('conflict');
  });
});

describe('直接答复 (answer) on a registered case', () => {
  test('a consultation is answered directly by the operator: closed, and the answer goes to the citizen', async () => {
    const { handle, caseId } = await startCase(h, {
      type: 'consultation',
      title: '医保报销比例咨询',
      content: '请问城乡居民医保住院报销比例是多少？',
    });
    // Only an operator answers.
    expect((await refusalOf(act(handle, 'answer', people.dispatcher, { answer: '答复' }))).type).toBe('forbidden');
    const answer = '城乡居民医保在县内定点医院住院报销比例约为80%，详情可致电县医保局。';
    const closed = await act(handle, 'answer', people.operator, { answer });
    expect(closed).toMatchObject({ stage: 'closed', answer, unit: null, outcome: { directAnswer: true } });
    expect(closed.closedAt).toEqual(expect.any(String));
    expect(closed.outcome.completedAt).toBe(closed.closedAt);
    expect(closed.timeline.at(-1)).toMatchObject({ action: 'answer', by: { id: people.operator.id }, note: answer });
    const outbox = await eventually(
      () => outboxOf(h, caseId),
      (list) => list.some((n) => n.template === 'answer'),
    );
    const sent = outbox.find((n) => n.template === 'answer')!;
    expect(sent.to).toMatchObject({ kind: 'citizen' });
    expect(sent.text).toContain(answer);
    expect(sent.text).toContain(closed.ledgerNo);
    // Answered once: the case is closed and its run over (the API answers 409, test/e2e).
    await expect(act(handle, 'answer', people.operator, { answer: '再答' })).rejects.toMatchObject({ name: 'WorkflowNotFoundError' });
  });

  test('a complaint cannot be answered directly', async () => {
    const { handle } = await startCase(h, { type: 'complaint' });
    const r = await refusalOf(act(handle, 'answer', people.operator, { answer: '已知悉' }));
    expect(r.type).toBe('conflict');
    expect(r.message).toMatch(/只有咨询类诉求可以直接答复/);
    expect((await getCase(handle)).stage).toBe('registered');
  });

  test('a consultation already assigned cannot be answered directly any more', async () => {
    const { handle } = await startCase(h, { type: 'consultation' });
    await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    expect((await refusalOf(act(handle, 'answer', people.operator, { answer: '答复' }))).type).toBe('conflict');
  });
});
