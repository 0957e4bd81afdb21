/**
 * 改派 and 无效工单 through HTTP against the real worker and dev server: a dispatcher moves a case to another unit
 * before anything is submitted (the old unit is told, the new one signs for it on clocks started afresh); an
 * operator closes a prank or silent call without handling, left out of every unit's metrics.
 */
import { drive, expectApiError, useE2E, type Json } from './harness';
import { HOUSING, people, TRANSPORT } from '../support/personas';
import { outboxOf } from '../support/outbox';
import { waitFor } from '../support/polling';

const h = useE2E();
const d = drive(h);

describe('改派 (reassign)', () => {
  test('a case in hand moves to another unit: the old one is told and locked out, the new one signs for it on fresh clocks', async () => {
    const c = await d.create({ title: '改派：排水沟堵塞' });
    const id = c.id as string;
    const inHand = await d.assignAndAccept(id, people.housingHandler);
    expect(inHand.stage).toBe('rectifying');

    const moved = await d.act(id, 'reassign', people.dispatcher, { unit: TRANSPORT, reason: '排水沟属公路附属设施' });
    expect(moved).toMatchObject({ stage: 'assigned', unit: TRANSPORT });
    const deadlines = moved.deadlines as Record<string, { dueAt: string; from?: string }>;
    expect(Date.parse(deadlines.handling.dueAt)).toBeGreaterThan(
      Date.parse((inHand.deadlines as Record<string, { dueAt: string }>).handling.dueAt) - 1,
    );
    expect((moved.timeline as Json[]).at(-1)).toMatchObject({ action: 'reassign', by: { id: people.dispatcher.id } });

    const told = await waitFor(
      'the old unit told, the new one asked to sign for it',
      () => outboxOf(h, id),
      (list) => list.some((n) => n.template === 'reassigned') && list.filter((n) => n.template === 'assigned').length === 2,
    );
    expect(told.find((n) => n.template === 'reassigned')!.to).toEqual({ kind: 'unit', unit: HOUSING });
    expect(told.filter((n) => n.template === 'assigned').map((n) => n.to)).toContainEqual({ kind: 'unit', unit: TRANSPORT });

    expectApiError(
      await h.api('POST', `/cases/${id}/progress`, { token: people.housingHandler, body: { note: '还在办' } }),
      403,
      'forbidden',
    );
    expect((await d.act(id, 'accept', people.transportHandler, {})).stage).toBe('rectifying');
  });

  test('refused: to the unit that has it (409), to an unknown unit (400), after a result is submitted (409), by a handler (403)', async () => {
    const c = await d.create({ title: '改派：拒绝情形' });
    const id = c.id as string;
    await d.assign(id, HOUSING);
    expectApiError(
      await h.api('POST', `/cases/${id}/reassign`, { token: people.dispatcher, body: { unit: HOUSING, reason: '同一单位' } }),
      409,
      'conflict',
    );
    const unknown = expectApiError(
      await h.api('POST', `/cases/${id}/reassign`, { token: people.dispatcher, body: { unit: 'no-such-unit', reason: '试试' } }),
      400,
      'invalid_input',
    );
    expect(JSON.stringify(unknown)).toContain('unit');
    expectApiError(
      await h.api('POST', `/cases/${id}/reassign`, { token: people.housingHandler, body: { unit: TRANSPORT, reason: '不归我们' } }),
      403,
      'forbidden',
    );
    await d.act(id, 'accept', people.housingHandler, {});
    await d.act(id, 'submit', people.housingHandler, { result: '已疏通' });
    expectApiError(
      await h.api('POST', `/cases/${id}/reassign`, { token: people.dispatcher, body: { unit: TRANSPORT, reason: '晚了' } }),
      409,
      'conflict',
    );
  });
});

describe('无效工单 (void)', () => {
  test('an operator voids a silent call: closed without handling or message, counted for the centre, in no unit', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const statsNow = () => h.api('GET', `/stats?from=${today}`, { token: people.supervisor }).then((r) => r.body as Json);
    const received = (s: Json) => (s.units as Json[]).reduce((n, u) => n + (u.received as number), 0);
    const before = await statsNow();
    const c = await d.create({ title: '无声电话', content: '来电无声，多次询问无应答。' });
    const id = c.id as string;
    const voided = await d.act(id, 'void', people.operator, { reason: 'silent' });
    expect(voided).toMatchObject({ stage: 'closed', unit: null, voided: { reason: 'silent', note: null } });
    expect(voided.closedAt).not.toBeNull();
    expect((voided.timeline as Json[]).at(-1)).toMatchObject({ action: 'void', note: '无声电话' });
    // Nothing more can happen to it.
    expectApiError(await h.api('POST', `/cases/${id}/assign`, { token: people.dispatcher, body: { unit: HOUSING } }), 409, 'conflict');
    const after = await waitFor('the void counted', statsNow, (s) => s.voided === (before.voided as number) + 1);
    expect(received(after)).toBe(received(before));
    expect(after.unassigned).toBe(before.unassigned);
    // The receipt at registration, then nothing: a prank or silent call has nobody to answer.
    expect((await outboxOf(h, id)).map((n) => n.template)).toEqual(['receipt']);
  });

  test('refused: an assigned case (409), "other" without a note (400 naming note), by a dispatcher (403)', async () => {
    const c = await d.create({ title: '无效工单：拒绝情形' });
    const id = c.id as string;
    const other = expectApiError(
      await h.api('POST', `/cases/${id}/void`, { token: people.operator, body: { reason: 'other' } }),
      400,
      'invalid_input',
    );
    expect(other.details).toEqual([expect.objectContaining({ field: 'note' })]);
    expectApiError(await h.api('POST', `/cases/${id}/void`, { token: people.dispatcher, body: { reason: 'test' } }), 403, 'forbidden');
    await d.assign(id, HOUSING);
    expectApiError(await h.api('POST', `/cases/${id}/void`, { token: people.operator, body: { reason: 'prank' } }), 409, 'conflict');
  });
});
