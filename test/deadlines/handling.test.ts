/**
 * Handling deadlines on real dates around National Day 2026, on a time-skipping server whose clock starts on
 * Mon 2026-09-28 (libfaketime). The tests form one story on one clock that only moves forward, so they run in
 * order and later ones build on the cases earlier ones started.
 *
 * The 2026 schedule (State Council; chinese-days 1.5.7 agrees): Mid-Autumn Sep 25–27 off, National Day Oct 1–7
 * off, make-up working days Sun Sep 20 and Sat Oct 10. Every expected date below is counted by hand from it:
 *
 *   working days after Mon Sep 28:  Sep 29 (1), Sep 30 (2), [Oct 1–7 off], Oct 8 (3), Oct 9 (4), Sat Oct 10 (5),
 *   Oct 12 (6), 13, 14, 15, Oct 16 (10), 19, 20, 21, Oct 22 (14), Fri Oct 23 (15)
 *   5 working days after Oct 23: Oct 26, 27, 28, 29, Fri Oct 30
 *
 * TZ: test/deadlines/tz.test.ts reruns this file with the worker under TZ=America/New_York.
 */
import type { CaseState } from '../../domain/case';
import { act, assignAndAccept, type CaseHandle, getCase, refusalOf, startCase, useTimeSkipping } from '../workflows/helpers';
import { DAY, deadlineInShanghai, entries, HOUR, onlyEntry, recorded, searchAttributesOf, shanghai, skipTo } from './helpers';
import { outboxOf, outboxSummary } from '../support/outbox';
import { HOUSING, people } from '../support/personas';
import { eventually } from '../support/polling';

const h = useTimeSkipping({ startAt: '2026-09-28T01:50:00Z' });

/** Complaint A: warning, overdue, red flag. Complaint E: extensions. Urgent U: calendar hours. */
let A: { handle: CaseHandle; caseId: string };
let E: { handle: CaseHandle; caseId: string };
let U: { handle: CaseHandle; caseId: string };

const hasEntry = (action: string) => (s: CaseState) => s.timeline.some((e) => e.action === action);

describe('a complaint assigned on Mon 2026-09-28 10:00 (Asia/Shanghai)', () => {
  test('is due on the 15th working day, Fri 2026-10-23 10:00, counting the make-up Saturday Oct 10', async () => {
    await skipTo(h, '2026-09-28T02:00:00Z'); // 10:00 in Shanghai
    A = await startCase(h, { type: 'complaint', title: '国庆前投诉：小区消防通道被占' });

    const assigned = await act(A.handle, 'assign', people.dispatcher, { unit: HOUSING });
    const assignedAt = onlyEntry(assigned, 'assign').at;
    expect(shanghai(assignedAt)).toBe('2026-09-28 10:00');

    expect(deadlineInShanghai(assigned.deadlines.handling)).toEqual({
      dueAt: '2026-10-23 10:00',
      warnAt: '2026-10-22 10:00',
      redFlagAt: '2026-10-30 10:00',
      provisional: false,
    });
    // To the millisecond: the same clock time, 25 calendar days (Sep 28 → Oct 23) after the assignment.
    expect(assigned.deadlines.handling!.from).toBe(assignedAt);
    expect(Date.parse(assigned.deadlines.handling!.dueAt) - Date.parse(assignedAt)).toBe(25 * DAY);

    // Until the unit signs for it, the sign-for deadline runs: 1 working day (Tue Sep 29); no warning fits in.
    expect(deadlineInShanghai(assigned.deadlines.signFor)).toEqual({
      dueAt: '2026-09-29 10:00',
      warnAt: null,
      redFlagAt: '2026-10-12 10:00', // Sep 30, Oct 8, 9, 10 (make-up), 12
      provisional: false,
    });
    expect((await searchAttributesOf(A.handle)).HuiyingDueAt).toBe(assigned.deadlines.signFor!.dueAt);

    const accepted = await act(A.handle, 'accept', people.housingHandler, { note: '已签收' });
    expect(accepted.stage).toBe('rectifying');
    expect(accepted.deadlines.handling).toEqual(assigned.deadlines.handling);
    const sa = await searchAttributesOf(A.handle);
    expect(sa).toMatchObject({ HuiyingStage: 'rectifying', HuiyingDueAt: accepted.deadlines.handling!.dueAt });
    expect(await recorded(h, A.handle)).toMatchObject({
      stage: 'rectifying',
      dueAt: accepted.deadlines.handling!.dueAt,
      overdue: false,
      redFlag: false,
    });
    expect(shanghai(sa.HuiyingDueAt as string)).toBe('2026-10-23 10:00');
  });
});

describe('extensions (延期), on complaint E assigned the same morning', () => {
  test('only a handler of the unit asks, only a supervisor decides; a second request waits for the first', async () => {
    E = await startCase(h, { type: 'complaint', title: '延期用例：老旧小区加装电梯纠纷' });
    const accepted = await assignAndAccept(E.handle, people.housingHandler);
    expect(shanghai(accepted.deadlines.handling!.dueAt)).toBe('2026-10-23 10:00');

    const body = { workingDays: 4, reason: '需协调住建、街道两个部门' };
    expect(await refusalOf(act(E.handle, 'extension', people.transportHandler, body))).toMatchObject({ type: 'forbidden' });
    expect(await refusalOf(act(E.handle, 'extension', people.dispatcher, body))).toMatchObject({ type: 'forbidden' });
    expect(await refusalOf(act(E.handle, 'extension', people.supervisor, body))).toMatchObject({ type: 'forbidden' });
    expect(await refusalOf(act(E.handle, 'extensionDecision', people.supervisor, { approve: true }))).toMatchObject({
      type: 'conflict',
      message: expect.stringContaining('没有待审批的延期申请'),
    });

    const requested = await act(E.handle, 'extension', people.housingHandler, body);
    expect(requested.extension).toMatchObject({
      pending: { workingDays: 4, by: { id: people.housingHandler.id } },
      approvedCount: 0,
      approvedDays: 0,
    });
    expect(requested.deadlines.handling).toEqual(accepted.deadlines.handling);
    expect((await recorded(h, E.handle)).flags).toEqual(['extension_pending', 'signed']);

    expect(await refusalOf(act(E.handle, 'extension', people.housingHandler, { workingDays: 2, reason: '再申请' }))).toMatchObject({
      type: 'conflict',
      message: expect.stringContaining('已有延期申请'),
    });
    expect(await refusalOf(act(E.handle, 'extensionDecision', people.housingHandler, { approve: true }))).toMatchObject({
      type: 'forbidden',
    });
    expect(await refusalOf(act(E.handle, 'extensionDecision', people.reviewer1, { approve: true }))).toMatchObject({ type: 'forbidden' });
  });

  test('approving 4 working days moves the due date from Fri Oct 23 to Thu Oct 29 10:00', async () => {
    const before = (await getCase(E.handle)).deadlines.handling!;
    const approved = await act(E.handle, 'extensionDecision', people.supervisor, { approve: true, note: '同意' });
    expect(approved.extension).toEqual({ pending: null, approvedCount: 1, approvedDays: 4 });
    expect(deadlineInShanghai(approved.deadlines.handling)).toEqual({
      dueAt: '2026-10-29 10:00', // Oct 26, 27, 28, 29
      warnAt: '2026-10-28 10:00',
      redFlagAt: '2026-11-05 10:00', // Oct 30, Nov 2, 3, 4, 5
      provisional: false,
    });
    expect(approved.deadlines.handling!.from).toBe(before.dueAt);
    expect(Date.parse(approved.deadlines.handling!.dueAt) - Date.parse(before.dueAt)).toBe(6 * DAY);
    const sa = await searchAttributesOf(E.handle);
    expect(sa.HuiyingDueAt).toBe(approved.deadlines.handling!.dueAt);
    expect((await recorded(h, E.handle)).flags).toEqual(['signed']);
  });

  test('7 more working days break the 10-day cap; a refused request leaves the due date alone; 6 more are approved', async () => {
    const r7 = await refusalOf(act(E.handle, 'extension', people.housingHandler, { workingDays: 7, reason: '仍需协调' }));
    expect(r7.type).toBe('conflict');
    expect(r7.message).toBe('延期总天数上限为10个工作日，尚余6个工作日');
    expect(r7.details).toEqual([{ cap: 'workingDays', maxWorkingDays: 10, approvedDays: 4 }]);

    const before = (await getCase(E.handle)).deadlines.handling!;
    await act(E.handle, 'extension', people.housingHandler, { workingDays: 6, reason: '仍需协调' });
    const refused = await act(E.handle, 'extensionDecision', people.supervisor, { approve: false, note: '理由不充分' });
    expect(refused.extension).toEqual({ pending: null, approvedCount: 1, approvedDays: 4 });
    expect(refused.deadlines.handling).toEqual(before);
    expect((await searchAttributesOf(E.handle)).HuiyingDueAt).toBe(before.dueAt);

    await act(E.handle, 'extension', people.housingHandler, { workingDays: 6, reason: '补充材料后再次申请' });
    const approved = await act(E.handle, 'extensionDecision', people.supervisor, { approve: true });
    expect(approved.extension).toEqual({ pending: null, approvedCount: 2, approvedDays: 10 });
    expect(deadlineInShanghai(approved.deadlines.handling)).toEqual({
      dueAt: '2026-11-06 10:00', // Oct 30, Nov 2, 3, 4, 5, 6
      warnAt: '2026-11-05 10:00',
      redFlagAt: '2026-11-13 10:00', // Nov 9, 10, 11, 12, 13
      provisional: false,
    });
    expect(Date.parse(approved.deadlines.handling!.dueAt) - Date.parse(before.dueAt)).toBe(8 * DAY);
  });

  test('a third request breaks the cap of 2 approved extensions', async () => {
    const r = await refusalOf(act(E.handle, 'extension', people.housingHandler, { workingDays: 1, reason: '最后一次' }));
    expect(r.type).toBe('conflict');
    expect(r.message).toBe('延期次数已达上限：每件工单至多批准2次延期');
    expect(r.details).toEqual([{ cap: 'count', maxCount: 2, approvedCount: 2 }]);

    const state = await getCase(E.handle);
    expect(entries(state, 'extension').map(([, by]) => by)).toEqual([
      people.housingHandler.id,
      people.housingHandler.id,
      people.housingHandler.id,
    ]);
    expect(state.timeline.filter((e) => e.action === 'extensionDecision').map((e) => [e.by.id, e.note])).toEqual([
      [people.supervisor.id, '同意延期4个工作日：同意'],
      [people.supervisor.id, '不同意延期：理由不充分'],
      [people.supervisor.id, '同意延期6个工作日'],
    ]);
    const outbox = await eventually(
      () => outboxOf(h, E.caseId),
      (o) => o.filter((n) => n.template === 'extension_decided').length === 3,
    );
    expect(outboxSummary(outbox).filter((s) => s.startsWith('extension_'))).toEqual([
      `extension_decided→unit:${HOUSING}`,
      `extension_decided→unit:${HOUSING}`,
      `extension_decided→unit:${HOUSING}`,
      'extension_requested→supervisors',
      'extension_requested→supervisors',
      'extension_requested→supervisors',
    ]);
  });
});

describe('an urgent case runs on calendar hours', () => {
  test('assigned Wed 2026-09-30 18:00, it is due 24 h later, Thu 2026-10-01 18:00, a National Day holiday', async () => {
    await skipTo(h, '2026-09-30T10:00:00Z'); // 18:00 in Shanghai
    U = await startCase(h, { type: 'help', urgent: true, title: '紧急：供水管爆裂' });
    const assigned = await act(U.handle, 'assign', people.dispatcher, { unit: HOUSING });
    const assignedAt = onlyEntry(assigned, 'assign').at;
    expect(shanghai(assignedAt)).toBe('2026-09-30 18:00');
    expect(shanghai(assigned.deadlines.handling!.dueAt)).toBe('2026-10-01 18:00');
    expect(Date.parse(assigned.deadlines.handling!.dueAt) - Date.parse(assignedAt)).toBe(24 * HOUR);
    expect(assigned.deadlines.handling!.provisional).toBe(false);

    const accepted = await act(U.handle, 'accept', people.housingHandler, {});
    expect((await searchAttributesOf(U.handle)).HuiyingDueAt).toBe(accepted.deadlines.handling!.dueAt);

    await skipTo(h, '2026-10-01T09:59:00Z');
    expect((await getCase(U.handle)).deadlines.handling!.overdue).toBe(false);
    await skipTo(h, '2026-10-01T10:01:00Z');
    const overdue = await eventually(() => getCase(U.handle), hasEntry('overdue'));
    expect(overdue.deadlines.handling!.overdue).toBe(true);
    expect(entries(overdue, 'overdue')).toEqual([['2026-10-01 18:00', 'system']]);
  });
});

describe('supervision of complaint A', () => {
  test('the warning (预警) comes one working day before, Thu 2026-10-22 10:00, in the timeline and to the unit', async () => {
    await skipTo(h, '2026-10-22T01:59:00Z');
    const before = await getCase(A.handle);
    expect(before.deadlines.handling!.warned).toBe(false);
    expect(entries(before, 'warning')).toEqual([]);
    expect((await outboxOf(h, A.caseId)).map((n) => n.template)).not.toContain('warning');

    await skipTo(h, '2026-10-22T02:01:00Z');
    const warned = await eventually(() => getCase(A.handle), hasEntry('warning'));
    expect(entries(warned, 'warning')).toEqual([['2026-10-22 10:00', 'system']]);
    expect(Date.parse(onlyEntry(warned, 'warning').at)).toBeGreaterThanOrEqual(Date.parse(warned.deadlines.handling!.warnAt!));
    expect(warned.deadlines.handling).toMatchObject({ warned: true, overdue: false, redFlag: false });

    const outbox = await eventually(
      () => outboxOf(h, A.caseId),
      (o) => o.some((n) => n.template === 'warning'),
    );
    const warning = outbox.find((n) => n.template === 'warning')!;
    expect(warning.to).toEqual({ kind: 'unit', unit: HOUSING });
    expect(warning.text).toContain('2026-10-23 10:00');

    // E's due date moved to Nov 6, so it is not warned now.
    expect((await getCase(E.handle)).deadlines.handling!.warned).toBe(false);
  });

  test('at the due time, Fri 2026-10-23 10:00, it is overdue: chase-up to the unit, notice to supervisors', async () => {
    await skipTo(h, '2026-10-23T01:59:00Z');
    expect((await getCase(A.handle)).deadlines.handling!.overdue).toBe(false);
    expect((await recorded(h, A.handle)).overdue).toBe(false);

    await skipTo(h, '2026-10-23T02:01:00Z');
    const overdue = await eventually(() => getCase(A.handle), hasEntry('overdue'));
    expect(entries(overdue, 'overdue')).toEqual([['2026-10-23 10:00', 'system']]);
    expect(overdue.deadlines.handling).toMatchObject({ warned: true, overdue: true, redFlag: false });
    const row = await eventually(
      () => recorded(h, A.handle),
      (v) => v.overdue,
    );
    expect(row).toMatchObject({ overdue: true, redFlag: false });

    // chase_up then overdue, delivered one by one: the second one's arrival means both are there.
    const outbox = await eventually(
      () => outboxOf(h, A.caseId),
      (o) => o.some((n) => n.template === 'overdue'),
    );
    expect(outboxSummary(outbox.filter((n) => ['chase_up', 'overdue'].includes(n.template)))).toEqual([
      `chase_up→unit:${HOUSING}`,
      'overdue→supervisors',
    ]);
  });

  test('5 working days later, Fri 2026-10-30 10:00, it gets the red flag', async () => {
    await skipTo(h, '2026-10-30T01:59:00Z');
    expect((await getCase(A.handle)).deadlines.handling!.redFlag).toBe(false);
    expect((await recorded(h, A.handle)).redFlag).toBe(false);

    await skipTo(h, '2026-10-30T02:01:00Z');
    const flagged = await eventually(() => getCase(A.handle), hasEntry('red_flag'));
    expect(entries(flagged, 'red_flag')).toEqual([['2026-10-30 10:00', 'system']]);
    expect(flagged.deadlines.handling).toMatchObject({ warned: true, overdue: true, redFlag: true });
    const row = await eventually(
      () => recorded(h, A.handle),
      (v) => v.redFlag,
    );
    expect(row).toMatchObject({ overdue: true, redFlag: true, stage: 'rectifying' });

    // red_flag then the second chase_up, delivered one by one: wait for both.
    const outbox = await eventually(
      () => outboxOf(h, A.caseId),
      (o) => o.filter((n) => n.template === 'chase_up').length === 2,
    );
    expect(outboxSummary(outbox)).toEqual(
      [
        `receipt→citizen:13800001234`,
        `assigned→unit:${HOUSING}`,
        `warning→unit:${HOUSING}`,
        `chase_up→unit:${HOUSING}`,
        'overdue→supervisors',
        'red_flag→supervisors',
        `chase_up→unit:${HOUSING}`,
      ].sort(),
    );
    // The whole supervision record, in order, each at its time.
    expect(flagged.timeline.filter((e) => e.by.id === 'system').map((e) => [e.action, shanghai(e.at)])).toEqual([
      ['warning', '2026-10-22 10:00'],
      ['overdue', '2026-10-23 10:00'],
      ['red_flag', '2026-10-30 10:00'],
    ]);
    // E, extended to Nov 6, is still not warned (its warning is Nov 5).
    expect((await getCase(E.handle)).deadlines.handling).toMatchObject({ warned: false, overdue: false });
  });
});
