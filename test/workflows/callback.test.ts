import type { Satisfaction } from '../../domain/case';
import { act, approveAllLevels, driveToReplied, getCase, startCase, useTimeSkipping } from './helpers';
import { outboxOf, outboxSummary } from '../support/outbox';
import { HOUSING, people } from '../support/personas';
import { eventually } from '../support/polling';

const h = useTimeSkipping();

describe('call-back (回访)', () => {
  test('dissatisfied reopens the case (重办) to the same unit; the loop runs again to satisfied and closes', async () => {
    const { handle, caseId } = await startCase(h);
    await driveToReplied(handle, people.housingHandler);

    const reopened = await act(handle, 'callback', people.operator, { result: 'dissatisfied', note: '灯修好后又坏了' });
    expect(reopened).toMatchObject({ stage: 'rectifying', reopenCount: 1, unit: HOUSING, satisfaction: 'dissatisfied', closedAt: null });
    expect(reopened.timeline.at(-1)).toMatchObject({
      action: 'callback',
      by: { id: people.operator.id },
      note: 'dissatisfied：灯修好后又坏了',
    });

    // The unit is notified of the reopening.
    const o = await eventually(
      () => outboxOf(h, caseId),
      (list) => list.some((n) => n.template === 'reopened'),
    );
    expect(o.find((n) => n.template === 'reopened')!.to).toEqual({ kind: 'unit', unit: HOUSING });

    // The workflow keeps running while reopened.
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // The same unit handles it again, through a new review round, to a satisfied call-back.
    await act(handle, 'progress', people.housingHandler, { note: '更换整条线路' });
    const resubmitted = await act(handle, 'submit', people.housingHandler, { result: '已更换整条线路，灯已正常' });
    expect(resubmitted).toMatchObject({ stage: 'reviewing', reviewRound: 2, reviewLevel: 1, reviews: [] });
    await approveAllLevels(handle);
    await act(handle, 'callback', people.operator, { result: 'satisfied' });

    const final = await handle.result();
    expect(final).toMatchObject({ stage: 'closed', reopenCount: 1, satisfaction: 'satisfied', result: '已更换整条线路，灯已正常' });
    expect(final.timeline.filter((e) => e.action === 'callback').map((e) => e.note)).toEqual(['dissatisfied：灯修好后又坏了', 'satisfied']);

    const outbox = await outboxOf(h, caseId);
    const phone = final.citizen.phone;
    const round = [
      'review_requested→reviewers:1',
      'review_requested→reviewers:2',
      'review_requested→reviewers:3',
      `answer→citizen:${phone}`,
    ];
    expect(outboxSummary(outbox)).toEqual(
      [`receipt→citizen:${phone}`, `assigned→unit:${HOUSING}`, ...round, `reopened→unit:${HOUSING}`, ...round].sort(),
    );
  });

  test.each<Satisfaction>(['basically_satisfied', 'unreachable'])('%s also closes the case', async (result) => {
    const { handle } = await startCase(h);
    await driveToReplied(handle);
    const closed = await act(handle, 'callback', people.operator, { result });
    expect(closed.stage).toBe('closed');
    const final = await handle.result();
    expect(final).toMatchObject({ stage: 'closed', satisfaction: result, reopenCount: 0 });
    expect(final.closedAt).toEqual(expect.any(String));
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });

  test('a closed case accepts no more actions', async () => {
    const { handle } = await startCase(h);
    await driveToReplied(handle);
    await act(handle, 'callback', people.operator, { result: 'satisfied' });
    await handle.result();
    await expect(act(handle, 'callback', people.operator, { result: 'dissatisfied' })).rejects.toThrow();
    // The final state is still there to read.
    expect((await getCase(handle)).stage).toBe('closed');
  });
});
