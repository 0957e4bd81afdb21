import { act, approveAllLevels, getCase, refusalOf, startCase, useTimeSkipping } from './helpers';
import { outboxOf, outboxSummary } from '../support/outbox';
import { HOUSING, people, TRANSPORT } from '../support/personas';
import { eventually } from '../support/polling';

const h = useTimeSkipping();

describe('return (退单) and re-assignment (改派)', () => {
  test('a unit returns the case with grounds; the dispatcher re-assigns it to another unit, which carries it to the end', async () => {
    const { handle, caseId } = await startCase(h, { title: '国道路面塌陷' });

    await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    const reason = '路面养护属交通运输局职责，非本单位职责';
    const returned = await act(handle, 'return', people.housingHandler, { reason });
    expect(returned).toMatchObject({ stage: 'registered', unit: null, returnedBy: [HOUSING] });
    const returnEntry = returned.timeline.at(-1)!;
    expect(returnEntry).toMatchObject({ action: 'return', note: reason, by: { id: people.housingHandler.id, role: 'handler' } });

    // The dispatchers hear of the return, with the grounds.
    const afterReturn = await eventually(
      () => outboxOf(h, caseId),
      (o) => o.some((n) => n.template === 'returned'),
    );
    const notice = afterReturn.find((n) => n.template === 'returned')!;
    expect(notice.to).toEqual({ kind: 'dispatchers' });
    expect(notice.text).toContain(reason);

    // The unit that returned it has no say any more.
    expect((await refusalOf(act(handle, 'accept', people.housingHandler, {}))).type).toBe('forbidden');

    // Re-assignment to transport; transport signs for it and proceeds; housing can no longer act.
    const reassigned = await act(handle, 'assign', people.dispatcher, { unit: TRANSPORT, note: '改派交通运输局' });
    expect(reassigned).toMatchObject({ stage: 'assigned', unit: TRANSPORT, returnedBy: [HOUSING] });
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
      'assign',
      'accept',
      'progress',
      'submit',
      'review',
      'review',
      'review',
      'callback',
    ]);
    expect(final.timeline.filter((e) => e.action === 'assign').map((e) => e.note)).toEqual([`交办至 ${HOUSING}`, '改派交通运输局']);

    const outbox = await outboxOf(h, caseId);
    const phone = final.citizen.phone;
    expect(outboxSummary(outbox)).toEqual(
      [
        `receipt→citizen:${phone}`,
        `assigned→unit:${HOUSING}`,
        'returned→dispatchers',
        `assigned→unit:${TRANSPORT}`,
        'review_requested→reviewers:1',
        'review_requested→reviewers:2',
        'review_requested→reviewers:3',
        `answer→citizen:${phone}`,
      ].sort(),
    );
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
    expect(late.message).toContain("'rectifying'");
  });
});
