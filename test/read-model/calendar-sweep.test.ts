/**
 * The calendar sweep (worker/calendar-sweep.ts) on a real PostgreSQL with a recording stand-in for the signal: which
 * cases it tells, in batches, that it goes on after a crash where it stopped, that a second run or a second process
 * does nothing, and that only a calendar covering a new year starts it again. No Temporal here: the cases' side is
 * test/deadlines/recalendar.test.ts.
 */
import { recordSummary } from '../../db/case-summaries';
import { withCalendarSweepLock } from '../../db/calendar-queries';
import { applyCalendar } from '../../worker/calendar-sweep';
import { createTestDatabase } from '../support/database';
import { useHarness } from '../support/lifecycle';
import { summaryRow } from '../support/summaries';

const database = useHarness(async () => {
  const d = await createTestDatabase();
  return { ...d, teardown: d.drop };
});

const OFFICIAL = Array.from({ length: 23 }, (_, i) => 2004 + i); // 2004–2026
const WITH_2031 = [...OFFICIAL, 2031];
const years = (covered: number[]) => ({ coveredYears: () => covered });
const id = (n: number) => `sweep${String(n).padStart(11, '0')}`;

function recorder(failAfter = Infinity) {
  const told: string[] = [];
  return {
    told,
    async signalCase(caseId: string): Promise<boolean> {
      if (told.length >= failAfter) throw new Error('Temporal unreachable (simulated crash)');
      told.push(caseId);
      return true;
    },
  };
}

beforeAll(async () => {
  const rows = [
    // Seven open cases with a provisional deadline: running (legacy rows carry only provisional_due) or still to come.
    ...[1, 2, 3, 4, 5].map((n) =>
      summaryRow({ id: id(n), stage: 'rectifying', flags: ['provisional_due', 'signed', 'provisional_deadline'] }),
    ),
    summaryRow({ id: id(6), stage: 'rectifying', flags: ['provisional_due'] }),
    summaryRow({ id: id(7), stage: 'assigned', flags: ['provisional_deadline'] }),
    // Not to be told: definite dates, closed, archived.
    summaryRow({ id: id(8), stage: 'rectifying', flags: ['signed'] }),
    summaryRow({ id: id(9), stage: 'closed', flags: ['provisional_deadline'], closedAt: '2026-03-03T01:00:00.000Z' }),
    summaryRow({ id: id(10), stage: 'rectifying', flags: ['provisional_due'], archived: true }),
  ];
  for (const row of rows) await recordSummary(database.db, row);
});

const OPEN_PROVISIONAL = [1, 2, 3, 4, 5, 6, 7].map(id);

test('the first sweep tells every open case with a provisional deadline once; the same calendar again tells none', async () => {
  const r = recorder();
  const result = await applyCalendar({ db: database.db, calendar: years(OFFICIAL), signalCase: r.signalCase, batchSize: 3 });
  expect(result).toEqual({ version: '2004-2026', outcome: 'swept', newlyCovered: OFFICIAL, signalled: 7 });
  expect(r.told).toEqual(OPEN_PROVISIONAL);

  const again = recorder();
  expect(await applyCalendar({ db: database.db, calendar: years(OFFICIAL), signalCase: again.signalCase })).toMatchObject({
    outcome: 'up-to-date',
  });
  expect(again.told).toEqual([]);
});

test('a newly covered year: a sweep cut short by a crash goes on after the last batch it recorded', async () => {
  const crashing = recorder(4); // batch 1 (3 cases) recorded, batch 2 fails after its first case
  await expect(
    applyCalendar({ db: database.db, calendar: years(WITH_2031), signalCase: crashing.signalCase, batchSize: 3 }),
  ).rejects.toThrow('simulated crash');
  expect(crashing.told).toEqual(OPEN_PROVISIONAL.slice(0, 4));

  const resumed = recorder();
  const result = await applyCalendar({ db: database.db, calendar: years(WITH_2031), signalCase: resumed.signalCase, batchSize: 3 });
  expect(result).toEqual({ version: '2004-2026,2031', outcome: 'swept', newlyCovered: [2031], signalled: 4 });
  // The case of the batch that failed is told again (the workflow changes it only once); the first batch is not.
  expect(resumed.told).toEqual(OPEN_PROVISIONAL.slice(3));

  const { rows } = await database.db.query(`SELECT version, signalled, finished_at FROM calendar_versions ORDER BY started_at`);
  expect(rows.map((row) => [row.version, row.signalled, row.finished_at !== null])).toEqual([
    ['2004-2026', 7, true],
    ['2004-2026,2031', 7, true],
  ]);
});

test('a calendar covering less (a file removed) is recorded without telling anyone; covering 2031 again starts over', async () => {
  const r = recorder();
  expect(await applyCalendar({ db: database.db, calendar: years(OFFICIAL), signalCase: r.signalCase })).toMatchObject({
    outcome: 'recorded',
    newlyCovered: [],
  });
  expect(await applyCalendar({ db: database.db, calendar: years(WITH_2031), signalCase: r.signalCase })).toMatchObject({
    outcome: 'swept',
    newlyCovered: [2031],
    signalled: 7,
  });
});

test('while another process sweeps, a second one leaves it to it', async () => {
  const r = recorder();
  const inside = await withCalendarSweepLock(database.db, () =>
    applyCalendar({ db: database.db, calendar: years([...WITH_2031, 2032]), signalCase: r.signalCase }),
  );
  expect(inside).toMatchObject({ outcome: 'busy', signalled: 0 });
  expect(r.told).toEqual([]);
});
