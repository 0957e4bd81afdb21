/**
 * Working-day calendar against the real 2026 schedule. test/unit/calendar.tz.test.ts reruns this whole file under
 * other process time zones, so nothing here may depend on local time: instants are written with an explicit
 * +08:00 offset and printed through UTC arithmetic.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createCalendar, isIsoDay, shanghaiDay, type CalendarFile } from '../../domain/calendar';
import { loadConfig } from '../../config';
import { loadCalendar, loadCalendarOverrides, parseCalendarFileList } from '../../config/calendar';

/** '2026-09-28 10:00' on the Shanghai wall clock. */
const sh = (wallClock: string): Date => new Date(`${wallClock.replace(' ', 'T')}:00+08:00`);
/** An instant as 'YYYY-MM-DD HH:mm' on the Shanghai wall clock. */
const wall = (instant: Date): string => new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
const days = (first: string, last: string): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
};

const calendar = createCalendar();

describe('official data (chinese-days 1.5.7)', () => {
  test('covers 2004 to 2026 and nothing later', () => {
    const years = Array.from({ length: 23 }, (_, i) => 2004 + i);
    expect(calendar.coveredYears()).toEqual(years);
    expect(calendar.isCovered(2026)).toBe(true);
    expect(calendar.isCovered(2027)).toBe(false);
    expect(calendar.isCovered(2003)).toBe(false);
  });

  test('National Day 2026: Oct 1–7 off, Sun Sep 20 and Sat Oct 10 worked', () => {
    for (const day of days('2026-10-01', '2026-10-07')) expect(calendar.isWorkday(day)).toBe(false);
    expect(calendar.isWorkday('2026-09-20')).toBe(true);
    expect(calendar.isWorkday('2026-10-10')).toBe(true);
    expect(calendar.isWorkday('2026-10-08')).toBe(true);
    expect(calendar.isWorkday('2026-10-11')).toBe(false);
  });

  test('Mid-Autumn 2026: Fri Sep 25 off', () => {
    expect(calendar.isWorkday('2026-09-25')).toBe(false);
    expect(calendar.isWorkday('2026-09-24')).toBe(true);
  });

  test('Spring Festival 2026: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 worked', () => {
    for (const day of days('2026-02-15', '2026-02-23')) expect(calendar.isWorkday(day)).toBe(false);
    expect(calendar.isWorkday('2026-02-14')).toBe(true);
    expect(calendar.isWorkday('2026-02-28')).toBe(true);
    expect(calendar.isWorkday('2026-02-24')).toBe(true);
  });

  test('an ordinary weekend is off', () => {
    expect(calendar.isWorkday('2026-03-07')).toBe(false);
    expect(calendar.isWorkday('2026-03-08')).toBe(false);
    expect(calendar.isWorkday('2026-03-09')).toBe(true);
  });

  // chinese-days misjudges days west of UTC, so its own answers are taken from a child process kept at UTC.
  test('agrees with chinese-days.isWorkday (asked at TZ=UTC) on every day 2004–2026', () => {
    const script = `const cd = require('chinese-days'); const out = [];
      for (let t = Date.UTC(2004, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86400000) {
        const day = new Date(t).toISOString().slice(0, 10); if (cd.isWorkday(day)) out.push(day); }
      process.stdout.write(JSON.stringify(out));`;
    const child = spawnSync(process.execPath, ['-e', script], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, TZ: 'UTC' },
      encoding: 'utf8',
    });
    expect(child.status).toBe(0);
    const libraryWorkdays = new Set(JSON.parse(child.stdout) as string[]);
    const disagreements = days('2004-01-01', '2026-12-31').filter((day) => calendar.isWorkday(day) !== libraryWorkdays.has(day));
    expect(disagreements).toEqual([]);
  });

  test('rejects days that are not real YYYY-MM-DD dates', () => {
    expect(() => calendar.isWorkday('2026-02-30')).toThrow(RangeError);
    expect(() => calendar.isWorkday('2026-2-3')).toThrow(RangeError);
    expect(isIsoDay('2028-02-29')).toBe(true);
    expect(isIsoDay('2026-02-29')).toBe(false);
  });
});

describe('shanghaiDay', () => {
  test('an instant late in the UTC day is already the next day in Shanghai', () => {
    expect(shanghaiDay(new Date('2026-09-30T16:30:00Z'))).toBe('2026-10-01');
    expect(shanghaiDay(new Date('2026-09-30T15:59:59.999Z'))).toBe('2026-09-30');
    expect(shanghaiDay(new Date('2026-09-30T16:00:00Z'))).toBe('2026-10-01');
    expect(calendar.shanghaiDay(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });
});

describe('addWorkingDays', () => {
  test('15 working days after 2026-09-28 10:00 crosses National Day and counts Sat Oct 10', () => {
    const result = calendar.addWorkingDays(sh('2026-09-28 10:00'), 15);
    // Sep 29, 30, Oct 8, 9, 10 (make-up Sat), 12–16, 19–23: the 15th is Fri Oct 23.
    expect(wall(result.at)).toBe('2026-10-23 10:00');
    expect(result.at.toISOString()).toBe('2026-10-23T02:00:00.000Z');
    expect(result.provisional).toBe(false);
  });

  test('across Spring Festival 2026, make-up Saturday Feb 14 is the next working day', () => {
    expect(wall(calendar.addWorkingDays(sh('2026-02-13 09:00'), 1).at)).toBe('2026-02-14 09:00');
    expect(wall(calendar.addWorkingDays(sh('2026-02-13 09:00'), 2).at)).toBe('2026-02-24 09:00');
  });

  test('over an ordinary weekend', () => {
    expect(wall(calendar.addWorkingDays(sh('2026-03-06 16:00'), 1).at)).toBe('2026-03-09 16:00');
    expect(wall(calendar.addWorkingDays(sh('2026-03-07 11:00'), 1).at)).toBe('2026-03-09 11:00');
    expect(wall(calendar.addWorkingDays(sh('2026-03-06 16:00'), 5).at)).toBe('2026-03-13 16:00');
  });

  test('n = 0 returns the instant itself', () => {
    const t = sh('2026-10-03 08:15');
    expect(calendar.addWorkingDays(t, 0)).toEqual({ at: t, provisional: false });
  });

  test('half a working day adds 12 hours, moving off non-working days at the same clock time', () => {
    expect(wall(calendar.addWorkingDays(sh('2026-03-06 10:00'), 0.5).at)).toBe('2026-03-06 22:00');
    // Friday 15:00 + 12 h is Saturday 03:00, which moves to Monday 03:00.
    expect(wall(calendar.addWorkingDays(sh('2026-03-06 15:00'), 0.5).at)).toBe('2026-03-09 03:00');
    expect(wall(calendar.addWorkingDays(sh('2026-03-09 10:00'), 1.5).at)).toBe('2026-03-10 22:00');
    // Sep 30 14:00 + 12 h lands in the National Day week: first working day after it is Oct 8.
    expect(wall(calendar.addWorkingDays(sh('2026-09-30 14:00'), 0.5).at)).toBe('2026-10-08 02:00');
  });

  test('near midnight Shanghai: the Shanghai date, not the UTC date, is the starting day', () => {
    // 2026-09-30T16:30Z is 00:30 on Oct 1 in Shanghai: the first working day after Oct 1 is Oct 8.
    const justAfter = calendar.addWorkingDays(new Date('2026-09-30T16:30:00Z'), 1);
    expect(justAfter.at.toISOString()).toBe('2026-10-07T16:30:00.000Z');
    expect(wall(justAfter.at)).toBe('2026-10-08 00:30');
    // One second before midnight it is still Sep 30, a working day, so the next one is also Oct 8.
    const justBefore = calendar.addWorkingDays(new Date('2026-09-30T15:59:59Z'), 1);
    expect(justBefore.at.toISOString()).toBe('2026-10-08T15:59:59.000Z');
    // 2026-09-29T16:30Z is Sep 30 in Shanghai (Sep 29 in UTC): 2 working days on is Oct 9, not Oct 8.
    expect(wall(calendar.addWorkingDays(new Date('2026-09-29T16:30:00Z'), 2).at)).toBe('2026-10-09 00:30');
  });

  test('an uncovered year (2099) falls back to Monday–Friday and is provisional', () => {
    const result = calendar.addWorkingDays(sh('2099-06-05 10:00'), 1); // a Friday
    expect(wall(result.at)).toBe('2099-06-08 10:00');
    expect(result.provisional).toBe(true);
    expect(calendar.isWorkday('2099-01-01')).toBe(true); // Thursday: fallback ignores New Year's Day
  });

  test('provisional as soon as one consulted day is in an uncovered year', () => {
    const crossing = calendar.addWorkingDays(sh('2026-12-30 10:00'), 3);
    expect(wall(crossing.at)).toBe('2027-01-04 10:00');
    expect(crossing.provisional).toBe(true);
    expect(calendar.addWorkingDays(sh('2026-12-28 10:00'), 3).provisional).toBe(false);
    // Thu Dec 31 17:00 + 0.5 = Fri Jan 1 05:00 2027: the fraction consulted 2027.
    expect(calendar.addWorkingDays(sh('2026-12-31 17:00'), 0.5).provisional).toBe(true);
  });

  test('rejects negative, non-finite and absurd counts and invalid dates', () => {
    const t = sh('2026-03-06 10:00');
    expect(() => calendar.addWorkingDays(t, -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(t, Number.NaN)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(t, 1e9)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(new Date('nope'), 1)).toThrow(RangeError);
  });
});

describe('subtractWorkingDays', () => {
  test('1 working day before a deadline, across National Day', () => {
    const result = calendar.subtractWorkingDays(sh('2026-10-08 10:00'), 1);
    expect(wall(result.at)).toBe('2026-09-30 10:00');
    expect(result.provisional).toBe(false);
  });

  test('1 working day before Monday Oct 12 is the make-up Saturday Oct 10', () => {
    expect(wall(calendar.subtractWorkingDays(sh('2026-10-12 18:00'), 1).at)).toBe('2026-10-10 18:00');
  });

  test('across Spring Festival and a weekend', () => {
    expect(wall(calendar.subtractWorkingDays(sh('2026-02-24 09:00'), 1).at)).toBe('2026-02-14 09:00');
    expect(wall(calendar.subtractWorkingDays(sh('2026-03-09 09:00'), 1).at)).toBe('2026-03-06 09:00');
  });

  test('half a working day before moves back off non-working days', () => {
    expect(wall(calendar.subtractWorkingDays(sh('2026-03-09 06:00'), 0.5).at)).toBe('2026-03-06 18:00');
    expect(wall(calendar.subtractWorkingDays(sh('2026-03-09 18:00'), 0.5).at)).toBe('2026-03-09 06:00');
  });

  test('reaching back into an uncovered year is provisional', () => {
    expect(calendar.subtractWorkingDays(sh('2004-01-05 10:00'), 3).provisional).toBe(true);
    expect(calendar.subtractWorkingDays(sh('2026-01-05 10:00'), 3).provisional).toBe(false);
  });
});

describe('workingDaysBetween', () => {
  test("counts working days from a's day to b's day, signed", () => {
    const a = sh('2026-09-28 10:00');
    const b = sh('2026-10-23 10:00');
    expect(calendar.workingDaysBetween(a, b)).toBe(15);
    expect(calendar.workingDaysBetween(b, a)).toBe(-15);
    expect(calendar.workingDaysBetween(a, sh('2026-09-28 23:59'))).toBe(0);
    // 5 working days overdue: deadline Fri Oct 9, now Thu Oct 15 (Sat Oct 10 worked, Sun Oct 11 off).
    expect(calendar.workingDaysBetween(sh('2026-10-09 17:00'), sh('2026-10-15 09:00'))).toBe(5);
    expect(calendar.workingDaysBetween(sh('2026-10-01 09:00'), sh('2026-10-07 09:00'))).toBe(0);
  });

  test('inverts addWorkingDays and matches day-by-day counting', () => {
    let seed = 42;
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % below;
    };
    const firstOf2024 = Date.parse('2024-01-01T02:00:00Z');
    for (let i = 0; i < 400; i++) {
      const from = new Date(firstOf2024 + random(3 * 365) * 86_400_000 + random(86_400) * 1000);
      const n = random(40);
      expect(calendar.workingDaysBetween(from, calendar.addWorkingDays(from, n).at)).toBe(n);

      const to = new Date(from.getTime() + (random(200) - 100) * 86_400_000);
      const [lo, hi] = from < to ? [from, to] : [to, from];
      let stepped = 0;
      for (let t = lo.getTime() + 86_400_000; shanghaiDay(new Date(t)) <= shanghaiDay(hi); t += 86_400_000) {
        if (calendar.isWorkday(shanghaiDay(new Date(t)))) stepped++;
      }
      expect(calendar.workingDaysBetween(from, to)).toBe(from < to ? stepped : -stepped);
    }
  });

  test('countWorkingDays reports provisional ranges', () => {
    expect(calendar.countWorkingDays(sh('2026-12-28 10:00'), sh('2027-01-05 10:00'))).toEqual({
      days: 6, // Dec 29–31, then Jan 1 (a Friday, by the fallback), Jan 4 and Jan 5
      provisional: true,
    });
    expect(calendar.countWorkingDays(sh('2026-12-01 10:00'), sh('2026-12-31 10:00')).provisional).toBe(false);
  });

  test('thousands of deadline computations stay fast', () => {
    const start = Date.now();
    const base = sh('2026-01-05 09:00').getTime();
    for (let i = 0; i < 20_000; i++) {
      const from = new Date(base + (i % 300) * 86_400_000);
      const due = calendar.addWorkingDays(from, 15).at;
      calendar.subtractWorkingDays(due, 1);
      calendar.workingDaysBetween(from, due);
    }
    expect(Date.now() - start).toBeLessThan(2_000);
  });
});

describe('county overrides', () => {
  const lezhi2027: CalendarFile = {
    name: 'Lezhi 2027 (test)',
    year: 2027,
    complete: true,
    holidays: ['2027-01-01'], // a Friday
    workdays: ['2027-01-02'], // a Saturday
  };

  test('make a weekday off and a weekend day worked, and complete the year', () => {
    const county = createCalendar({ overrides: [lezhi2027] });
    expect(county.isWorkday('2027-01-01')).toBe(false);
    expect(county.isWorkday('2027-01-02')).toBe(true);
    expect(county.isCovered(2027)).toBe(true);
    expect(county.coveredYears().at(-1)).toBe(2027);
    const result = county.addWorkingDays(sh('2026-12-31 10:00'), 2);
    expect(wall(result.at)).toBe('2027-01-04 10:00'); // Sat Jan 2, then Mon Jan 4
    expect(result.provisional).toBe(false);
    // The default calendar is untouched.
    expect(calendar.isCovered(2027)).toBe(false);
    expect(calendar.isWorkday('2027-01-01')).toBe(true);
  });

  test('without "complete" the days apply but results stay provisional', () => {
    const county = createCalendar({ overrides: [{ ...lezhi2027, complete: false }] });
    const result = county.addWorkingDays(sh('2026-12-31 10:00'), 1);
    expect(wall(result.at)).toBe('2027-01-02 10:00');
    expect(result.provisional).toBe(true);
  });

  test('override official days, later files winning', () => {
    const county = createCalendar({
      overrides: [
        { name: 'local closure', holidays: ['2026-10-09', '2026-10-10'] },
        { name: 'correction', workdays: ['2026-10-09'] },
      ],
    });
    expect(county.isWorkday('2026-10-09')).toBe(true);
    expect(county.isWorkday('2026-10-10')).toBe(false); // official make-up day turned off
    expect(wall(county.addWorkingDays(sh('2026-09-30 10:00'), 3).at)).toBe('2026-10-12 10:00');
    expect(county.workingDaysBetween(sh('2026-09-30 10:00'), sh('2026-10-12 10:00'))).toBe(3);
  });

  test('createCalendar validates its input too', () => {
    expect(() => createCalendar({ overrides: [{ name: 'bad', holidays: ['2026-13-01'] }] })).toThrow(
      'invalid calendar file bad: holidays[0]: expected a real date written YYYY-MM-DD',
    );
  });
});

describe('calendar files on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'huiying-calendar-'));
  const write = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  test('load, validate and build a calendar from HUIYING_CALENDAR_FILES', () => {
    const a = write('a.json', { year: 2027, complete: true, holidays: ['2027-01-01'] });
    const b = write('b.json', '\uFEFF{"workdays": ["2027-01-02"]}');
    expect(loadCalendarOverrides([a, b])).toEqual([{ year: 2027, complete: true, holidays: ['2027-01-01'] }, { workdays: ['2027-01-02'] }]);
    const county = loadCalendar(loadConfig({ HUIYING_CALENDAR_FILES: ` ${a} ,${b}` }).files.calendars);
    expect(county.isCovered(2027)).toBe(true);
    expect(county.isWorkday('2027-01-01')).toBe(false);
    expect(county.isWorkday('2027-01-02')).toBe(true);
    expect(loadCalendar(loadConfig({}).files.calendars).coveredYears()).toEqual(calendar.coveredYears());
  });

  test('file lists split on commas and the path delimiter', () => {
    expect(parseCalendarFileList('/a.json:/b.json, /c.json,,')).toEqual(['/a.json', '/b.json', '/c.json']);
    expect(parseCalendarFileList(undefined)).toEqual([]);
  });

  test('errors name the file and the field', () => {
    const outside = write('outside.json', { year: 2027, holidays: ['2027-01-01', '2026-12-31'] });
    expect(() => loadCalendarOverrides([outside])).toThrow(`invalid calendar file ${outside}: holidays[1]: 2026-12-31 is not in year 2027`);
    const both = write('both.json', { holidays: ['2027-01-01'], workdays: ['2027-01-01'] });
    expect(() => loadCalendarOverrides([both])).toThrow('workdays[0]: 2027-01-01 is also listed in holidays');
    const noYear = write('no-year.json', { complete: true });
    expect(() => loadCalendarOverrides([noYear])).toThrow('complete: declaring a year complete needs "year"');
    const typo = write('typo.json', { holiday: ['2027-01-01'] });
    expect(() => loadCalendarOverrides([typo])).toThrow(/typo\.json: .*holiday/);
    const badDate = write('bad-date.json', { workdays: ['2027-1-2'] });
    expect(() => loadCalendarOverrides([badDate])).toThrow(`${badDate}: workdays[0]: expected a real date`);
    const notJson = write('broken.json', '{ "year": 2027,');
    expect(() => loadCalendarOverrides([notJson])).toThrow(`invalid calendar file ${notJson}: not valid JSON`);
    expect(() => loadCalendarOverrides([join(dir, 'missing.json')])).toThrow(/missing\.json: cannot read/);
  });

  test('the shipped example file is valid', () => {
    const [example] = loadCalendarOverrides([join(__dirname, '..', '..', 'config', 'calendars', 'example-lezhi-2027.json')]);
    expect(example.year).toBe(2027);
    expect(createCalendar({ overrides: [example] }).isCovered(2027)).toBe(true);
  });
});
