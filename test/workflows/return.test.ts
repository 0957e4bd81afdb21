import { act, approveAllLevels, getCase, refusalOf, startCase, useTimeSkipping } from './helpers';
import { outboxOf, outboxSummary } from '../support/outbox';
import { HOUSING, people, TRANSPORT } from '../support/personas';
import { eventually } from '../support/polling';

const h = useTimeSkipping();

describe('return (退单) decided by the dispatcher, disputes settled by a supervisor', () => {
  test('a unit returns the case with grounds; the dispatcher accepts and re-assigns it to another unit, which carries it to the end', async () => {
    const { handle, caseId } = await startCase(h, { title: '国道路面塌陷' });

    await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    const reason = '路面养护属交通运输局职责，非本单位职责';
    const returned = await act(handle, 'return', people.housingHandler, { reason });
    // The return waits for the dispatcher; the unit keeps the case meanwhile.
    expect(returned).toMatchObject({ stage: 'assigned', unit: HOUSING, returnedBy: [], returnRequest: { unit: HOUSING, reason } });
    const returnEntry = returned.timeline.at(-1)!;
    expect(returnEntry).toMatchObject({ action: 'return', note: reason, by: { id: people.housingHandler.id, role: 'handler' } });
    expect((await refusalOf(act(handle, 'return', people.housingHandler, { reason: '再退一次' }))).type).toBe('conflict');

    // The dispatchers hear of the return, with the grounds.
    const afterReturn = await eventually(
      () => outboxOf(h, caseId),
      (o) => o.some((n) => n.template === 'returned'),
    );
    const notice = afterReturn.find((n) => n.template === 'returned')!;
    expect(notice.to).toEqual({ kind: 'dispatchers' });
    expect(notice.text).toContain(reason);

    // Accepted and re-assigned in one decision: transport signs for it and proceeds; housing has no say any more.
    const reassigned = await act(handle, 'returnDecision', people.dispatcher, {
      accept: true,
      unit: TRANSPORT,
      note: '同意，改派交通运输局',
    });
    expect(reassigned).toMatchObject({ stage: 'assigned', unit: TRANSPORT, returnedBy: [HOUSING], returnRequest: null });
    expect((await refusalOf(act(handle, 'accept', people.housingHandler, {}))).type).toBe('forbidden');
    await act(handle, 'accept', people.transportHandler, {});
    await act(handle, 'progress', people.transportHandler, { note: '已安排养护队修补' });
    expect((await refusalOf(act(handle, 'submit', people.housingHandler, { result: 'x' }))).type).toBe('forbidden');
    await act(handle, 'submit', people.transportHandler, { result: '塌陷路面已修复' });
    await approveAllLevels(handle);
    await act(handle, 'callback', people.operator, { result: 'satisfied' });

    const final = await handle.result();
    expect(final).toMatchObject({ stage: 'closed', unit: TRANSPORT, submittedBy: { id: people.transportHandler.id } });
    expect(final.timeline.map((e) => e.action)).toEqual([
      'register',
      'assign',
      'return',
      'returnDecision',
      'accept',
      'progress',
      'submit',
      'review',
      'review',
      'review',
      'callback',
    ]);
    expect(final.timeline.find((e) => e.action === 'returnDecision')!.note).toBe(`同意退单，改派至 ${TRANSPORT}：同意，改派交通运输局`);

    const outbox = await outboxOf(h, caseId);
    const phone = final.citizen.phone;
    expect(outboxSummary(outbox)).toEqual(
      [
        `receipt→citizen:${phone}`,
        `assigned→unit:${HOUSING}`,
        'returned→dispatchers',
        `return_decided→unit:${HOUSING}`,
        `assigned→unit:${TRANSPORT}`,
        'review_requested→reviewers:1',
        'review_requested→reviewers:2',
        'review_requested→reviewers:3',
        `answer→citizen:${phone}`,
      ].sort(),
    );
  });

  test('a refused return stays with the unit, on its running clock; its appeal goes to a supervisor, who names the unit', async () => {
    const { handle, caseId } = await startCase(h, { title: '河道垃圾清理' });
    const assigned = await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    await act(handle, 'return', people.housingHandler, { reason: '河道保洁不属住建' });
    const refused = await act(handle, 'returnDecision', people.dispatcher, { accept: false, note: '城区河道保洁属住建职责' });
    expect(refused).toMatchObject({
      stage: 'assigned',
      unit: HOUSING,
      returnRequest: null,
      returnRefusals: [{ unit: HOUSING, grounds: '城区河道保洁属住建职责' }],
    });
    // A refusal is no way to gain time: the sign-for deadline still runs from the assignment.
    expect(refused.deadlines.signFor!.dueAt).toBe(assigned.deadlines.signFor!.dueAt);
    // Not a second return: an appeal.
    expect((await refusalOf(act(handle, 'return', people.housingHandler, { reason: '还是不属于' }))).type).toBe('conflict');
    const appealed = await act(handle, 'appeal', people.housingHandler, { reason: '县里分工文件明确由水务负责' });
    expect(appealed.appeal).toMatchObject({ unit: HOUSING, reason: '县里分工文件明确由水务负责' });
    expect((await refusalOf(act(handle, 'appealDecision', people.dispatcher, { unit: TRANSPORT, note: 'x' }))).type).toBe('forbidden');

    const decided = await act(handle, 'appealDecision', people.supervisor, { unit: TRANSPORT, note: '按分工由交通运输局办理' });
    expect(decided).toMatchObject({ stage: 'assigned', unit: TRANSPORT, appeal: null, returnRefusals: [], returnedBy: [HOUSING] });
    expect(decided.timeline.slice(-4).map((e) => e.action)).toEqual(['return', 'returnDecision', 'appeal', 'appealDecision']);
    const outbox = await eventually(
      () => outboxOf(h, caseId),
      (o) => o.some((n) => n.template === 'appeal_decided'),
    );
    expect(outbox.filter((n) => n.template === 'appealed').map((n) => n.to)).toEqual([{ kind: 'supervisors' }]);
    expect(outbox.find((n) => n.template === 'appeal_decided')!.to).toEqual({ kind: 'unit', unit: HOUSING });
    await act(handle, 'accept', people.transportHandler, {});
  });

  test('a return needs written grounds, and is possible only before signing for the case', async () => {
    const { handle } = await startCase(h);
    await act(handle, 'assign', people.dispatcher, { unit: HOUSING });

    const noGrounds = await refusalOf(act(handle, 'return', people.housingHandler, { reason: '   ' }));
    expect(noGrounds.type).toBe('invalid_input');
    expect((await getCase(handle)).stage).toBe('assigned');

    await act(handle, 'accept', people.housingHandler, {});
    const late = await refusalOf(act(handle, 'return', people.housingHandler, { reason: '不属于本单位' }));
    expect(late.type).toBe('conflict');
    expect(late.message).toContain('（rectifying）');
  });
});
