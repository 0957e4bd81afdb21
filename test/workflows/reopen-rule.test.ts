/**
 * The reopen rule (DOMAIN.md loop step 5): a dissatisfied call-back reopens the case (重办) to the same unit; after
 * `policy.maxReopens` (default 2) reopenings, a further dissatisfied call-back goes to a supervisor's decision.
 */
import type { CaseState } from '../../domain/case';
import { act, approveAllLevels, type CaseHandle, driveToReplied, getCase, refusalOf, startCase, useTimeSkipping } from './helpers';
import { outboxOf } from '../support/outbox';
import { HOUSING, people } from '../support/personas';
import { eventually } from '../support/polling';

const h = useTimeSkipping();

/** From a reopened (rectifying) case back to `replied`: submit again, three approvals. */
async function resubmitToReplied(handle: CaseHandle, round: number): Promise<CaseState> {
  await act(handle, 'submit', people.housingHandler, { result: `第${round}次办理结果：已更换线路` });
  return approveAllLevels(handle);
}

/** A case that has been reopened twice and got a third dissatisfied call-back: now in `deciding`. */
async function caseAwaitingDecision(): Promise<{ handle: CaseHandle; caseId: string; state: CaseState }> {
  const { handle, caseId } = await startCase(h);
  await driveToReplied(handle);
  const first = await act(handle, 'callback', people.operator, { result: 'dissatisfied', note: '第一次不满意' });
  expect(first).toMatchObject({ stage: 'rectifying', reopenCount: 1 });
  await resubmitToReplied(handle, 2);
  const second = await act(handle, 'callback', people.operator, { result: 'dissatisfied', note: '第二次不满意' });
  expect(second).toMatchObject({ stage: 'rectifying', reopenCount: 2 });
  await resubmitToReplied(handle, 3);
  const state = await act(handle, 'callback', people.operator, { result: 'dissatisfied', note: '第三次不满意' });
  return { handle, caseId, state };
}

describe('reopen rule (重办 up to policy.maxReopens, then a supervisor decides)', () => {
  let awaiting: { handle: CaseHandle; caseId: string; state: CaseState };
  beforeAll(async () => {
    awaiting = await caseAwaitingDecision();
  });

  test('a third dissatisfied call-back after 2 reopenings goes to deciding and notifies supervisors', async () => {
    const { handle, caseId, state } = awaiting;
    expect(state.policy.maxReopens).toBe(2);
    expect(state).toMatchObject({ stage: 'deciding', reopenCount: 2, unit: HOUSING, satisfaction: 'dissatisfied', closedAt: null });
    expect(state.timeline.at(-1)).toMatchObject({ action: 'callback', note: 'dissatisfied：第三次不满意' });
    const outbox = await eventually(
      () => outboxOf(h, caseId),
      (list) => list.some((n) => n.template === 'decision_needed'),
    );
    const needed = outbox.filter((n) => n.template === 'decision_needed');
    expect(needed).toHaveLength(1);
    expect(needed[0].to).toEqual({ kind: 'supervisors' });
    expect(needed[0].text).toContain(state.ledgerNo);
    // Exactly two reopenings were sent to the unit, none for the third call-back.
    expect(outbox.filter((n) => n.template === 'reopened')).toHaveLength(2);
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });

  test('nothing but a decision is possible in deciding; only a supervisor may decide', async () => {
    const { handle } = awaiting;
    for (const who of [people.operator, people.dispatcher, people.housingHandler, people.reviewer3]) {
      const r = await refusalOf(act(handle, 'decision', who, { action: 'close', note: '越权办结' }));
      expect(r.type).toBe('forbidden');
    }
    expect((await refusalOf(act(handle, 'submit', people.housingHandler, { result: '再次提交' }))).type).toBe('conflict');
    expect((await refusalOf(act(handle, 'callback', people.operator, { result: 'satisfied' }))).type).toBe('conflict');
    expect((await getCase(handle)).stage).toBe('deciding');
  });

  test('a decision outside deciding is a conflict', async () => {
    const { handle } = await startCase(h);
    await driveToReplied(handle);
    const r = await refusalOf(act(handle, 'decision', people.supervisor, { action: 'reopen', note: '重办' }));
    expect(r.type).toBe('conflict');
  });

  test('decision reopen: back to the unit in rectifying, reopenCount 3, a fresh handling deadline', async () => {
    const { handle, caseId, state: before } = awaiting;
    const previousHandling = before.deadlines.handling!;
    const after = await act(handle, 'decision', people.supervisor, { action: 'reopen', note: '请彻底排查线路' });
    expect(after).toMatchObject({ stage: 'rectifying', reopenCount: 3, unit: HOUSING, closedAt: null, reviewLevel: null });
    expect(after.timeline.at(-1)).toMatchObject({ action: 'decision', by: { id: people.supervisor.id }, note: '重办：请彻底排查线路' });
    const handling = after.deadlines.handling!;
    expect(handling).toBeDefined();
    expect(handling.from > previousHandling.from).toBe(true);
    expect(handling.from).toBe(after.stageSince);
    expect(handling.dueAt > handling.from).toBe(true);
    expect(handling).toMatchObject({ overdue: false, redFlag: false });
    const outbox = await eventually(
      () => outboxOf(h, caseId),
      (list) => list.filter((n) => n.template === 'reopened').length === 3,
    );
    expect(outbox.filter((n) => n.template === 'reopened').at(-1)!.to).toEqual({ kind: 'unit', unit: HOUSING });

    // With 3 reopenings, the next dissatisfied call-back again needs a supervisor; this time they close it.
    await resubmitToReplied(handle, 4);
    const again = await act(handle, 'callback', people.operator, { result: 'dissatisfied' });
    expect(again).toMatchObject({ stage: 'deciding', reopenCount: 3 });
    const closed = await act(handle, 'decision', people.supervisor, { action: 'close', note: '已尽力，按办结处理' });
    expect(closed).toMatchObject({ stage: 'closed', reopenCount: 3 });
    expect(closed.closedAt).toEqual(expect.any(String));
  });

  test('decision close: the case closes', async () => {
    const { handle } = await caseAwaitingDecision();
    const closed = await act(handle, 'decision', people.supervisor, { action: 'close', note: '诉求超出政策范围，已解释' });
    expect(closed).toMatchObject({ stage: 'closed', reopenCount: 2, satisfaction: 'dissatisfied' });
    expect(closed.closedAt).toEqual(expect.any(String));
    expect(closed.timeline.at(-1)).toMatchObject({ action: 'decision', note: '办结：诉求超出政策范围，已解释' });
    // A second decision is a conflict: the case is no longer deciding.
    // Closed: the run is over, so no update reaches it (the API answers 409, test/e2e).
    await expect(act(handle, 'decision', people.supervisor, { action: 'reopen', note: '再议' })).rejects.toMatchObject({
      name: 'WorkflowNotFoundError',
    });
  });
});
