/**
 * The deadline of each stage, on real dates around National Day 2026 (clock starts Wed 2026-09-30, libfaketime):
 * assign (派单) 0.5 working day after registration, sign-for (签收) 1 working day after assignment, each review
 * level 1 working day, call-back 1 working day; whichever runs is the case's current due date (HuiyingDueAt).
 *
 * 2026 schedule: National Day Oct 1–7 off, Sat Oct 10 a make-up working day, Sun Oct 11 off. "Half a working
 * day" is 12 hours on a working date; landing on a day off moves on to the next working day at the same clock
 * time (domain/calendar.ts). Every expected date is counted by hand:
 *   Wed Sep 30 15:00 + 0.5 → Thu Oct 1 03:00, a holiday → Thu Oct 8 03:00
 *   Fri Oct 9 15:00 + 0.5 → Sat Oct 10 03:00, a make-up working day, so it stays
 *   1 working day after Wed Sep 30 → Thu Oct 8; after Fri Oct 9 → Sat Oct 10; after Sat Oct 10 → Mon Oct 12
 */
import { currentDeadline } from '../../domain/deadlines';
import { act, type CaseHandle, getCase, startCase, useTimeSkipping } from '../workflows/helpers';
import { caseWithDeadline, deadlineInShanghai, entries, onlyEntry, recorded, searchAttributesOf, shanghai, skipTo } from './helpers';
import { HOUSING, levelReviewers, people } from '../support/personas';
import { eventually } from '../support/polling';

const h = useTimeSkipping({ startAt: '2026-09-30T06:50:00Z' });

let S: { handle: CaseHandle; caseId: string; input: { registeredAt?: string } };
let S2: { handle: CaseHandle; caseId: string };

/** The running deadline as the server's search attributes show it. */
async function currentDueShown(handle: CaseHandle): Promise<string | null> {
  return shanghai((await searchAttributesOf(handle)).HuiyingDueAt as string | undefined);
}

describe('the deadline of each stage', () => {
  test('registered Wed 2026-09-30 15:00: assign within half a working day, which the holiday pushes to Thu Oct 8 03:00', async () => {
    await skipTo(h, '2026-09-30T07:00:00Z');
    S = await startCase(h, { type: 'complaint', title: '节前登记：路灯不亮' });
    const registered = await caseWithDeadline(S.handle, 'assign');
    expect(shanghai(registered.registeredAt)).toBe('2026-09-30 15:00');
    expect(registered.deadlines.assign!.from).toBe(S.input.registeredAt);
    expect(deadlineInShanghai(registered.deadlines.assign)).toEqual({
      dueAt: '2026-10-08 03:00',
      warnAt: null,
      redFlagAt: '2026-10-14 03:00', // Oct 9, 10 (make-up), 12, 13, 14
      provisional: false,
    });
    expect(
      await eventually(
        () => currentDueShown(S.handle),
        (v) => v !== null,
      ),
    ).toBe('2026-10-08 03:00');
  });

  test('assigned at 16:00: sign for within 1 working day (Thu Oct 8 16:00); handling due Tue Oct 27 16:00', async () => {
    await skipTo(h, '2026-09-30T08:00:00Z');
    const assigned = await act(S.handle, 'assign', people.dispatcher, { unit: HOUSING });
    expect(shanghai(onlyEntry(assigned, 'assign').at)).toBe('2026-09-30 16:00');
    expect(deadlineInShanghai(assigned.deadlines.signFor)).toEqual({
      dueAt: '2026-10-08 16:00',
      warnAt: null, // one working day before is the assignment itself
      redFlagAt: '2026-10-14 16:00',
      provisional: false,
    });
    // Oct 8, 9, 10, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27: the 15th working day.
    expect(shanghai(assigned.deadlines.handling!.dueAt)).toBe('2026-10-27 16:00');
    expect(await currentDueShown(S.handle)).toBe('2026-10-08 16:00');

    const accepted = await act(S.handle, 'accept', people.housingHandler, {});
    expect(accepted.stage).toBe('rectifying');
    expect(await currentDueShown(S.handle)).toBe('2026-10-27 16:00');
  });

  test('each review level gets 1 working day, counting the make-up Saturday Oct 10, and shows as the current due', async () => {
    // Submitted Fri Oct 9 09:00 → level 1 due Sat Oct 10 09:00 (a make-up working day).
    await skipTo(h, '2026-10-09T01:00:00Z');
    const submitted = await act(S.handle, 'submit', people.housingHandler, { result: '已更换路灯' });
    expect(submitted).toMatchObject({ stage: 'reviewing', reviewLevel: 1 });
    expect(deadlineInShanghai(submitted.deadlines.review)).toEqual({
      dueAt: '2026-10-10 09:00',
      warnAt: null,
      redFlagAt: '2026-10-16 09:00', // Oct 12, 13, 14, 15, 16
      provisional: false,
    });
    expect(submitted.deadlines.review!.from).toBe(onlyEntry(submitted, 'submit').at);
    expect(await searchAttributesOf(S.handle)).toMatchObject({
      HuiyingStage: 'reviewing',
      HuiyingDueAt: submitted.deadlines.review!.dueAt,
    });
    expect(await recorded(h, S.handle)).toMatchObject({ reviewLevel: 1, dueAt: submitted.deadlines.review!.dueAt });

    // Level 1 approved Fri Oct 9 15:00 → level 2 due Sat Oct 10 15:00.
    await skipTo(h, '2026-10-09T07:00:00Z');
    const level2 = await act(S.handle, 'review', levelReviewers[1], { level: 1, decision: 'approve' });
    expect(level2.reviewLevel).toBe(2);
    expect(shanghai(level2.deadlines.review!.from)).toBe('2026-10-09 15:00');
    expect(shanghai(level2.deadlines.review!.dueAt)).toBe('2026-10-10 15:00');
    expect(await searchAttributesOf(S.handle)).toMatchObject({ HuiyingStage: 'reviewing', HuiyingDueAt: level2.deadlines.review!.dueAt });
    expect(await recorded(h, S.handle)).toMatchObject({ reviewLevel: 2, dueAt: level2.deadlines.review!.dueAt });

    // A second case registered at the same moment: assign due Sat Oct 10 03:00, which is a working day.
    S2 = await startCase(h, { type: 'consultation', title: '节后咨询：社保卡补办' });
    expect(deadlineInShanghai((await caseWithDeadline(S2.handle, 'assign')).deadlines.assign)).toEqual({
      dueAt: '2026-10-10 03:00',
      warnAt: null,
      redFlagAt: '2026-10-16 03:00', // Oct 12, 13, 14, 15, 16
      provisional: false,
    });

    // Level 2 approved Sat Oct 10 10:00 → level 3 due Mon Oct 12 10:00 (Sunday off).
    await skipTo(h, '2026-10-10T02:00:00Z');
    const level3 = await act(S.handle, 'review', levelReviewers[2], { level: 2, decision: 'approve' });
    expect(level3.reviewLevel).toBe(3);
    expect(shanghai(level3.deadlines.review!.from)).toBe('2026-10-10 10:00');
    expect(shanghai(level3.deadlines.review!.dueAt)).toBe('2026-10-12 10:00');
    expect(await searchAttributesOf(S.handle)).toMatchObject({ HuiyingStage: 'reviewing', HuiyingDueAt: level3.deadlines.review!.dueAt });
    expect(await recorded(h, S.handle)).toMatchObject({ reviewLevel: 3, dueAt: level3.deadlines.review!.dueAt });
    // No level missed its day, so no supervision entries.
    expect(level3.timeline.filter((e) => e.by.id === 'system')).toEqual([]);

    // The unassigned second case went overdue on the make-up Saturday at 03:00.
    const s2 = await eventually(
      () => getCase(S2.handle),
      (s) => s.timeline.some((e) => e.action === 'overdue'),
    );
    expect(entries(s2, 'overdue')).toEqual([['2026-10-10 03:00', 'system']]);
  });

  test('after sign-off (Mon Oct 12 09:00) the call-back is due Tue Oct 13 09:00; a closed case has no due date', async () => {
    await skipTo(h, '2026-10-12T01:00:00Z');
    const replied = await act(S.handle, 'review', levelReviewers[3], { level: 3, decision: 'approve' });
    expect(replied.stage).toBe('replied');
    expect(deadlineInShanghai(replied.deadlines.callback)).toEqual({
      dueAt: '2026-10-13 09:00',
      warnAt: null,
      redFlagAt: '2026-10-20 09:00', // Oct 14, 15, 16, 19, 20
      provisional: false,
    });
    expect(await currentDueShown(S.handle)).toBe('2026-10-13 09:00');

    const closed = await act(S.handle, 'callback', people.operator, { result: 'satisfied' });
    expect(closed.stage).toBe('closed');
    expect(currentDeadline(closed)).toBeNull();
    // The upsert that closed it removes the due date (a null value). The time-skipping server renders a removed
    // Datetime as the Unix epoch in describe(), so the removal is checked in the history it was recorded in;
    // the e2e tests check the dev server's visibility.
    const sa = await eventually(
      () => searchAttributesOf(S.handle),
      (v) => v.HuiyingStage === 'closed',
    );
    expect(sa.HuiyingStage).toBe('closed');
    const history = await S.handle.fetchHistory();
    const lastDueUpsert = (history.events ?? [])
      .map((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.HuiyingDueAt)
      .filter((p) => p !== undefined)
      .at(-1);
    expect(Buffer.from(lastDueUpsert?.data ?? []).toString()).toBe('null');
  });
});
