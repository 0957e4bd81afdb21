import { classifyStuck } from '../../api/supervision';
import type { ListedCase } from '../../domain/summary';
import { createCalendar } from '../../domain/calendar';
import { DEFAULT_LIMITS } from '../../domain/limits';

/** Instants on the Shanghai wall clock. */
const sh = (wall: string) => new Date(`${wall.replace(' ', 'T')}:00+08:00`);
const calendar = createCalendar();
const now = sh('2026-11-25 10:00'); // a Wednesday

function summary(patch: Partial<ListedCase>): ListedCase {
  return {
    id: 'x',
    ledgerNo: 'LZ-2026-000001',
    stage: 'rectifying',
    type: 'complaint',
    channel: 'hotline',
    unit: 'transport',
    urgent: false,
    reviewLevel: null,
    reopenCount: 0,
    registeredAt: sh('2026-11-20 09:00').toISOString(),
    stageSince: sh('2026-11-24 09:00').toISOString(),
    dueAt: sh('2026-12-15 09:00').toISOString(),
    overdue: false,
    redFlag: false,
    flags: [],
    satisfaction: null,
    closedAt: null,
    title: '',
    status: 'RUNNING',
    ...patch,
  };
}

describe("the supervisors' classification of stuck cases", () => {
  test('a handling deadline due tomorrow is due soon; one due in three weeks is not listed', () => {
    const soon = summary({ id: 'soon', stageSince: sh('2026-11-16 09:00').toISOString(), dueAt: sh('2026-11-26 09:00').toISOString() });
    const later = summary({ id: 'later' });
    const items = classifyStuck([soon, later], calendar, DEFAULT_LIMITS, now);
    expect(items.map((i) => [i.id, i.reasons])).toEqual([['soon', ['due_soon']]]);
  });

  test('a limit no longer than the window (a one-day review) is not "due soon" from the start', () => {
    const review = summary({
      stage: 'reviewing',
      reviewLevel: 1,
      stageSince: sh('2026-11-25 09:00').toISOString(),
      dueAt: sh('2026-11-26 09:00').toISOString(),
    });
    expect(classifyStuck([review], calendar, DEFAULT_LIMITS, now)).toEqual([]);
  });

  test('overdue: late by working days and hours; red flags first', () => {
    const late = summary({ id: 'late', overdue: true, dueAt: sh('2026-11-23 10:00').toISOString() });
    const red = summary({ id: 'red', overdue: true, redFlag: true, dueAt: sh('2026-11-24 10:00').toISOString() });
    const items = classifyStuck([late, red], calendar, DEFAULT_LIMITS, now);
    expect(items.map((i) => i.id)).toEqual(['red', 'late']);
    expect(items[1].late).toEqual({ workingDays: 2, hours: 48 });
  });

  test('a due time already past counts as overdue before the workflow flips the flag', () => {
    const [item] = classifyStuck([summary({ dueAt: sh('2026-11-25 09:00').toISOString() })], calendar, DEFAULT_LIMITS, now);
    expect(item).toMatchObject({ overdue: true, reasons: ['overdue'], late: { workingDays: 0, hours: 1 } });
  });

  test('stalled: longer in one stage than its threshold (registered: 1 working day)', () => {
    const stalled = summary({ stage: 'registered', unit: null, stageSince: sh('2026-11-23 09:00').toISOString(), dueAt: null });
    const fresh = summary({ stage: 'registered', unit: null, stageSince: sh('2026-11-25 08:00').toISOString(), dueAt: null });
    const items = classifyStuck([stalled, fresh], calendar, DEFAULT_LIMITS, now);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ reasons: ['stalled'], inStageWorkingDays: 2 });
  });
});
