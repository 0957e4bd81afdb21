/**
 * 定期抽查 on the case workflow (DOMAIN.md loop step 6): a closed case stays open to a spot-check for
 * `policy.spotCheckWindowDays` (default 60 calendar days), then completes; a sampled case can be checked, a failed
 * check reopens it to its unit, a passed one lets it complete at once. Also 直接答复 through the `answer` action.
 */
import { keys } from '../../temporal/search-attributes';
import { sampleSignal } from '../../temporal/definitions';
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
  return started;
}

const statusOf = async (handle: CaseHandle) => (await handle.describe()).status.name;

/** Polls in real time (which does not unlock time skipping, unlike handle.result()). */
const becomes = (handle: CaseHandle, status: string, timeoutMs = 15_000) =>
  eventually(
    () => statusOf(handle),
    (s) => s === status,
    timeoutMs,
  );

describe('spot-check window (定期抽查)', () => {
  test('a closed case stays RUNNING through the 60-day window, then completes', async () => {
    const started = await h.env.currentTimeMs();
    const { handle } = await closedCase();
    expect((await getCase(handle)).policy.spotCheckWindowDays).toBe(60);
    expect(await statusOf(handle)).toBe('RUNNING');
    await h.env.sleep(30 * DAY);
    expect(await statusOf(handle)).toBe('RUNNING');
    await h.env.sleep(29 * DAY);
    // Give the worker a moment: nothing should be due yet at day 59.
    await new Promise((r) => setTimeout(r, 500));
    expect(await statusOf(handle)).toBe('RUNNING');
    await h.env.sleep(2 * DAY);
    await becomes(handle, 'COMPLETED');
    // Read by query, not handle.result(): result() unlocks time skipping, and the idle test server then jumps years ahead.
    expect(await getCase(handle)).toMatchObject({ stage: 'closed', spotCheck: { round: null, result: null } });
    const elapsed = (await h.env.currentTimeMs()) - started;
    expect(elapsed).toBeGreaterThanOrEqual(61 * DAY);
    expect(elapsed).toBeLessThan(62 * DAY);
  });

  test('sampleSignal marks a closed case; a failed check reopens it to its unit (spot_check_failed)', async () => {
    const { handle, caseId } = await closedCase();
    await handle.signal(sampleSignal, 'month-2026-11');
    const sampled = await eventually(
      () => getCase(handle),
      (s) => s.spotCheck.round !== null,
    );
    expect(sampled.spotCheck).toEqual({ round: 'month-2026-11', result: null, at: null, by: null, note: null });
    expect(sampled.timeline.at(-1)).toMatchObject({ action: 'sampled', note: '列入抽查（month-2026-11）' });
    const flags = await eventually(
      async () => (await handle.describe()).typedSearchAttributes.get(keys.HuiyingFlags) ?? [],
      (f) => f.includes('spot_check_pending'),
    );
    expect(flags).toEqual(expect.arrayContaining(['spot_check_pending', 'spot_check_round:month-2026-11']));

    // A repeated signal (another round) does not move it to another round.
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

  test('a passed spot-check lets the workflow complete at once, without waiting out the window', async () => {
    const { handle } = await closedCase();
    await handle.signal(sampleSignal, 'day-2026-11-25T02:00');
    await eventually(
      () => getCase(handle),
      (s) => s.spotCheck.round !== null,
    );
    const passed = await act(handle, 'spotCheck', people.supervisor, { passed: true, note: '群众确认已解决' });
    expect(passed).toMatchObject({ stage: 'closed', spotCheck: { round: 'day-2026-11-25T02:00', result: 'passed' } });
    // No time is skipped here: the workflow must finish by itself.
    const before = await h.env.currentTimeMs();
    await becomes(handle, 'COMPLETED');
    expect((await h.env.currentTimeMs()) - before).toBeLessThan(DAY);
  });

  test('spotCheck on a case not in a sample is a conflict', async () => {
    const { handle } = await closedCase();
    const r = await refusalOf(act(handle, 'spotCheck', people.supervisor, { passed: true, note: '未抽中也想查' }));
    expect(r.type).toBe('conflict');
    expect(r.message).toMatch(/not in a spot-check sample/);
  });

  test('sampleSignal on a case that is not closed is ignored; spotCheck there is a conflict', async () => {
    const { handle } = await startCase(h);
    await driveToReplied(handle);
    await handle.signal(sampleSignal, 'month-2026-11');
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
    // Answered once: a second answer is a conflict (the case is closed).
    expect((await refusalOf(act(handle, 'answer', people.operator, { answer: '再答' }))).type).toBe('conflict');
  });

  test('a complaint cannot be answered directly', async () => {
    const { handle } = await startCase(h, { type: 'complaint' });
    const r = await refusalOf(act(handle, 'answer', people.operator, { answer: '已知悉' }));
    expect(r.type).toBe('conflict');
    expect(r.message).toMatch(/only a consultation/);
    expect((await getCase(handle)).stage).toBe('registered');
  });

  test('a consultation already assigned cannot be answered directly any more', async () => {
    const { handle } = await startCase(h, { type: 'consultation' });
    await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    expect((await refusalOf(act(handle, 'answer', people.operator, { answer: '答复' }))).type).toBe('conflict');
  });
});
