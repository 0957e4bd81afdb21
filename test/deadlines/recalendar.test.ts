/**
 * A calendar update reaching an open case (issue 11, item 10), on the time-skipping server with its clock in 2031, a
 * year no holiday data covers: a complaint's handling deadline is provisional; then the worker is given a county file
 * for 2031 and the sweep runs (worker/calendar-sweep.ts, as at a worker's start), and the due date moves, the mark
 * clears, one timeline entry appears — also when the sweep runs again and the case is signalled twice — the deadline
 * timer follows the new dates, and the history replays.
 *
 * The county file written below is TEST DATA: a made-up holiday week (Mar 10–14, 2031), not any real schedule.
 * Counted by hand: assigned Mon 2031-03-03 10:00; 15 working days on Monday–Friday: Mar 4–7 (4), 10–14 (9),
 * 17–21 (14), Mon Mar 24 (15). With the week off: Mar 4–7 (4), 17–21 (9), 24–28 (14), Mon Mar 31 (15); warning
 * one working day before (Fri Mar 28), red flag five after (Apr 1, 2, 3, 4, 7).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { loadCalendar } from '../../config/calendar';
import type { WorkingCalendar } from '../../domain/calendar';
import { applyCalendar, caseSignaller } from '../../worker/calendar-sweep';
import { loadWorkflowBundle } from '../support/bundle';
import { eventually } from '../support/polling';
import { people } from '../support/personas';
import { act, assignAndAccept, getCase, startCase, testDataConverter, useTimeSkipping } from '../workflows/helpers';
import { deadlineInShanghai, onlyEntry, recorded, searchAttributesOf, shanghai, skipTo } from './helpers';

/** The worker's calendar, switched by the test as a restart with a new county file would switch it. */
let current = loadCalendar([]);
const calendar: WorkingCalendar = {
  isWorkday: (day) => current.isWorkday(day),
  isCovered: (year) => current.isCovered(year),
  coveredYears: () => current.coveredYears(),
  shanghaiDay: (instant) => current.shanghaiDay(instant),
  addWorkingDays: (from, n) => current.addWorkingDays(from, n),
  subtractWorkingDays: (from, n) => current.subtractWorkingDays(from, n),
  workingDaysBetween: (a, b) => current.workingDaysBetween(a, b),
  countWorkingDays: (a, b) => current.countWorkingDays(a, b),
};

const h = useTimeSkipping({ startAt: '2031-03-03T01:50:00Z', calendar });
const fixtureDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiying-calendar-'));
afterAll(() => fs.rmSync(fixtureDir, { recursive: true, force: true }));

function writeMadeUpCountyFile(): string {
  const file = path.join(fixtureDir, 'test-2031.json');
  const content = {
    name: 'TEST DATA: made-up 2031 county calendar',
    description: 'Invented for test/deadlines/recalendar.test.ts; not a real holiday schedule.',
    year: 2031,
    complete: true,
    holidays: ['2031-03-10', '2031-03-11', '2031-03-12', '2031-03-13', '2031-03-14'],
    workdays: [],
  };
  fs.writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

const sweep = () => applyCalendar({ db: h.db, calendar, signalCase: caseSignaller(h.client) });

test('a county file covering 2031 moves a provisional deadline once, in the timeline, and the timer follows', async () => {
  await skipTo(h, '2031-03-03T02:00:00Z');
  const { handle, caseId } = await startCase(h, { type: 'complaint', title: '日历更新用例：供暖不热' });
  const accepted = await assignAndAccept(handle);
  expect(deadlineInShanghai(accepted.deadlines.handling)).toEqual({
    dueAt: '2031-03-24 10:00',
    warnAt: '2031-03-21 10:00',
    redFlagAt: '2031-03-31 10:00',
    provisional: true,
  });
  expect((await recorded(h, handle)).flags).toEqual(expect.arrayContaining(['provisional_due', 'provisional_deadline']));

  // The first sweep ever has nothing to compare with: it asks the case, whose dates stay (2031 is still unknown).
  const first = await sweep();
  expect(first).toMatchObject({ outcome: 'swept', signalled: 1 });
  // An update after the signal runs after its step (one at a time, in order): by then the signal was handled.
  await act(handle, 'progress', people.housingHandler, { note: '已联系供热公司' });
  expect((await getCase(handle)).timeline.filter((e) => e.action === 'recalendar')).toEqual([]);

  // The county adds its 2031 file; the worker (restarted with it) sweeps.
  current = loadCalendar([writeMadeUpCountyFile()]);
  const second = await sweep();
  expect(second).toMatchObject({ outcome: 'swept', newlyCovered: [2031], signalled: 1, version: '2004-2026,2031' });

  const moved = await eventually(
    () => getCase(handle),
    (s) => s.timeline.some((e) => e.action === 'recalendar'),
  );
  expect(deadlineInShanghai(moved.deadlines.handling)).toEqual({
    dueAt: '2031-03-31 10:00',
    warnAt: '2031-03-28 10:00',
    redFlagAt: '2031-04-07 10:00',
    provisional: false,
  });
  expect(onlyEntry(moved, 'recalendar')).toMatchObject({
    by: { id: 'system' },
    note: '节假日安排更新：办理时限由 2031-03-24 10:00 调整为 2031-03-31 10:00',
  });
  const row = await eventually(
    () => recorded(h, handle),
    (r) => r.version === moved.version,
  );
  expect(shanghai(row.dueAt)).toBe('2031-03-31 10:00');
  expect(row.flags).not.toContain('provisional_due');
  expect(row.flags).not.toContain('provisional_deadline');
  expect(shanghai((await searchAttributesOf(handle)).HuiyingDueAt as string)).toBe('2031-03-31 10:00');

  // Once: the sweep again finds the calendar applied; a signal sent again (a sweep cut short and resumed) changes nothing.
  expect(await sweep()).toMatchObject({ outcome: 'up-to-date', signalled: 0 });
  expect(await caseSignaller(h.client)(caseId, second.version)).toBe(true);
  await act(handle, 'progress', people.housingHandler, { note: '供热公司已排查管网' });
  const after = await getCase(handle);
  onlyEntry(after, 'recalendar');
  expect(after.deadlines.handling).toEqual(moved.deadlines.handling);

  // The timer follows the new dates: nothing at the old warning or due time, the warning at the new one.
  await skipTo(h, '2031-03-24T02:01:00Z');
  const atOldDue = await getCase(handle);
  expect(atOldDue.deadlines.handling).toMatchObject({ warned: false, overdue: false });
  expect(atOldDue.timeline.filter((e) => e.action === 'warning' || e.action === 'overdue')).toEqual([]);
  await skipTo(h, '2031-03-28T02:01:00Z');
  const warned = await eventually(
    () => getCase(handle),
    (s) => s.deadlines.handling!.warned,
  );
  expect(shanghai(onlyEntry(warned, 'warning').at)).toBe('2031-03-28 10:00');

  // The history (signals, the recomputation's marker, the moved timer) replays against the current code.
  const history = await handle.fetchHistory();
  await expect(
    Worker.runReplayHistory({ workflowBundle: loadWorkflowBundle(), dataConverter: testDataConverter }, history),
  ).resolves.toBeUndefined();
});
