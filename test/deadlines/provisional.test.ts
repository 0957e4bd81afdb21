/**
 * Deadlines that reach into a year whose holiday schedule is not published yet. chinese-days 1.5.7 covers
 * 2004–2026; for 2027 the calendar falls back to Monday–Friday and must say so (provisional), rather than quietly
 * give a date that the State Council's notice may move. Clock starts Sun 2026-12-20 (libfaketime).
 *
 * Counted by hand: working days after Sun Dec 20: Dec 21 (1) … Dec 25 (5), Dec 28 … Dec 31 (9), then 2027 on the
 * Monday–Friday fallback: Fri Jan 1 (10; in reality New Year's Day, hence provisional), Jan 4 … Fri Jan 8 (15).
 */
import { act, startCase, useTimeSkipping } from '../workflows/helpers';
import { deadlineInShanghai, recorded, skipTo } from './helpers';
import { HOUSING, people } from '../support/personas';

const h = useTimeSkipping({ startAt: '2026-12-20T01:50:00Z' });

describe('a deadline in a year without a published schedule', () => {
  test('a complaint assigned Sun 2026-12-20 10:00 is due Fri 2027-01-08 10:00, provisional', async () => {
    await skipTo(h, '2026-12-20T02:00:00Z');
    const { handle } = await startCase(h, { type: 'complaint', title: '年末投诉：供暖不热' });
    const assigned = await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    expect(deadlineInShanghai(assigned.deadlines.handling)).toEqual({
      dueAt: '2027-01-08 10:00',
      warnAt: '2027-01-07 10:00',
      redFlagAt: '2027-01-15 10:00', // Jan 11, 12, 13, 14, 15 (Monday–Friday fallback)
      provisional: true,
    });
    // The sign-for deadline running now stays within 2026: Mon Dec 21, red flag Dec 28 (Dec 22, 23, 24, 25, 28).
    expect(deadlineInShanghai(assigned.deadlines.signFor)).toEqual({
      dueAt: '2026-12-21 10:00',
      warnAt: null,
      redFlagAt: '2026-12-28 10:00',
      provisional: false,
    });
    // Handling is not running yet, but the read model marks it for the calendar sweep (domain/recalendar.ts).
    expect((await recorded(h, handle)).flags).toEqual(['provisional_deadline']);

    // Once handling runs, the list of provisional deadlines must find it.
    await act(handle, 'accept', people.housingHandler, {});
    expect((await recorded(h, handle)).flags).toEqual(['provisional_due', 'signed', 'provisional_deadline']);
  });

  test('a consultation assigned the same morning stays within 2026: due Tue 2026-12-22 10:00, not provisional', async () => {
    const { handle } = await startCase(h, { type: 'consultation', title: '年末咨询：医保缴费' });
    await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    const accepted = await act(handle, 'accept', people.housingHandler, {});
    expect(deadlineInShanghai(accepted.deadlines.handling)).toEqual({
      dueAt: '2026-12-22 10:00',
      warnAt: '2026-12-21 10:00',
      redFlagAt: '2026-12-29 10:00', // Dec 23, 24, 25, 28, 29
      provisional: false,
    });
    expect((await recorded(h, handle)).flags).toEqual(['signed']);
  });
});
