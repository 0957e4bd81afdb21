/**
 * A calendar update reaching a case (domain/recalendar.ts, domain/calendar-coverage.ts): which years became covered,
 * which deadlines are asked again, what the case records. 2031 stands for a year the holiday data does not cover; the
 * county file below is TEST DATA, a made-up holiday week, not any real schedule.
 */
import { createCalendar, type CalendarFile } from '../../domain/calendar';
import { coverageVersion, newlyCoveredYears } from '../../domain/calendar-coverage';
import { computeDeadline, deadlinesStarted } from '../../domain/deadlines';
import { DEFAULT_LIMITS } from '../../domain/limits';
import { hasProvisionalDeadline, recalendar, recalendarRequests, recomputeDeadline } from '../../domain/recalendar';
import { summaryOf } from '../../domain/summary';
import { caseIn } from './fixtures';

const MADE_UP_2031: CalendarFile = {
  name: 'TEST DATA: made-up 2031 calendar (not a real schedule)',
  year: 2031,
  complete: true,
  holidays: ['2031-03-10', '2031-03-11', '2031-03-12', '2031-03-13', '2031-03-14'],
};
const before = createCalendar();
const after = createCalendar({ overrides: [MADE_UP_2031] });
const ASSIGNED = '2031-03-03T02:00:00.000Z'; // Mon 10:00 in Shanghai
const AT = '2031-03-04T02:00:00.000Z';

function handlingOn(calendar = before) {
  return computeDeadline({ key: 'handling', at: ASSIGNED, from: ASSIGNED, type: 'complaint', urgent: false }, calendar, DEFAULT_LIMITS);
}

describe('which years a calendar update covers', () => {
  test('the version names the covered years in runs', () => {
    expect(coverageVersion([2026, 2004, 2005, 2031, 2006, 2026])).toBe('2004-2006,2026,2031');
    expect(coverageVersion(after.coveredYears())).toBe('2004-2026,2031');
  });

  test('years covered now and not before; nothing when a year was dropped or nothing changed', () => {
    expect(newlyCoveredYears(before.coveredYears(), after.coveredYears())).toEqual([2031]);
    expect(newlyCoveredYears(after.coveredYears(), before.coveredYears())).toEqual([]);
    expect(newlyCoveredYears(after.coveredYears(), after.coveredYears())).toEqual([]);
    // Nothing recorded yet: every year counts, so the first sweep asks every provisional case once.
    expect(newlyCoveredYears(null, [2026, 2025])).toEqual([2025, 2026]);
  });
});

describe('recomputing a case’s provisional deadlines', () => {
  const provisional = handlingOn();
  const open = caseIn('rectifying', { deadlines: { handling: provisional } });

  test('a 2031 complaint is provisional before the county file and definite after it, a week later', () => {
    expect(provisional).toMatchObject({ dueAt: '2031-03-24T02:00:00.000Z', provisional: true });
    expect(recalendarRequests(open)).toEqual([{ key: 'handling', type: 'complaint', urgent: false, from: ASSIGNED, extendedBy: 0 }]);
    const fresh = recalendarRequests(open).map((r) => recomputeDeadline(r, after, DEFAULT_LIMITS));
    const next = recalendar(open, fresh, AT)!;
    expect(next.deadlines.handling).toEqual({
      ...provisional,
      dueAt: '2031-03-31T02:00:00.000Z',
      warnAt: '2031-03-28T02:00:00.000Z',
      redFlagAt: '2031-04-07T02:00:00.000Z',
      provisional: false,
    });
    expect(next.timeline.at(-1)).toEqual({
      at: AT,
      by: { id: 'system', name: '系统' },
      action: 'recalendar',
      note: '节假日安排更新：办理时限由 2031-03-24 10:00 调整为 2031-03-31 10:00',
    });
    // Once: the deadline is definite now, nothing is asked again.
    expect(recalendarRequests(next)).toEqual([]);
    expect(hasProvisionalDeadline(open)).toBe(true);
    expect(hasProvisionalDeadline(next)).toBe(false);
  });

  test('the same calendar again changes nothing: no entry', () => {
    const fresh = recalendarRequests(open).map((r) => recomputeDeadline(r, before, DEFAULT_LIMITS));
    expect(recalendar(open, fresh, AT)).toBeNull();
  });

  test('what already happened stays: a warning given is not given again, no warning stays none', () => {
    const warned = caseIn('rectifying', { deadlines: { handling: { ...provisional, warned: true } } });
    const fresh = recalendarRequests(warned).map((r) => recomputeDeadline(r, after, DEFAULT_LIMITS));
    expect(recalendar(warned, fresh, AT)!.deadlines.handling).toMatchObject({ warned: true, warnAt: '2031-03-28T02:00:00.000Z' });
    const noWarning = caseIn('rectifying', { deadlines: { handling: { ...provisional, warnAt: null } } });
    expect(recalendar(noWarning, fresh, AT)!.deadlines.handling!.warnAt).toBeNull();
  });

  test('an extended deadline is computed again from its first start with all its extensions', () => {
    const rectifying = caseIn('rectifying', { deadlines: { handling: provisional } });
    const approved = { ...rectifying, extension: { pending: null, approvedCount: 1, approvedDays: 4 } };
    const [request] = deadlinesStarted(rectifying, approved, AT);
    expect(request).toMatchObject({ from: provisional.dueAt, extendBy: 4, origin: ASSIGNED, extendedBy: 4 });
    const extended = computeDeadline(request, before, DEFAULT_LIMITS);
    const state = { ...approved, deadlines: { handling: extended } };
    const fresh = recalendarRequests(state).map((r) => recomputeDeadline(r, after, DEFAULT_LIMITS));
    // Mar 31 (first due on the county's calendar) + Apr 1, 2, 3, 4.
    expect(recalendar(state, fresh, AT)!.deadlines.handling).toMatchObject({
      dueAt: '2031-04-04T02:00:00.000Z',
      provisional: false,
      origin: ASSIGNED,
      extendedBy: 4,
    });
  });

  test('a deadline recorded before extensions were kept on it, in a case with extensions, is left as recorded', () => {
    const legacy = caseIn('rectifying', {
      deadlines: { handling: provisional },
      extension: { pending: null, approvedCount: 1, approvedDays: 4 },
    });
    expect(recalendarRequests(legacy)).toEqual([]);
  });

  test('only live deadlines: a closed case and a past stage’s deadline are history', () => {
    expect(recalendarRequests(caseIn('closed', { deadlines: { handling: provisional } }))).toEqual([]);
    const pastAssign = { ...provisional, key: 'assign' as const };
    expect(recalendarRequests(caseIn('reviewing', { reviewLevel: 1, deadlines: { assign: pastAssign } }))).toEqual([]);
  });

  test('the read model marks an open case with a provisional deadline still to come', () => {
    const assigned = caseIn('assigned', { deadlines: { handling: provisional } });
    expect(summaryOf(assigned).flags).toContain('provisional_deadline');
    expect(summaryOf(assigned).flags).not.toContain('provisional_due');
  });
});
