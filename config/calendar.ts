/**
 * Loading county calendar files from disk (Node only; domain/calendar.ts stays pure).
 * Workflows should not call this: load the files in the worker or an activity and hand the parsed
 * CalendarFile objects (plain JSON) to createCalendar.
 */
import { readFileSync } from 'node:fs';
import { createCalendar, InvalidCalendarFileError, parseCalendarFile, type CalendarFile, type WorkingCalendar } from '../domain/calendar';

/** How HUIYING_CALENDAR_FILES is split into paths (config/env-values.ts). */
export { splitPathList as parseCalendarFileList } from './env-values';

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidCalendarFileError(path, [{ field: '', message: `cannot read: ${(error as Error).message}` }]);
  }
  try {
    // Editors on Windows often save JSON with a byte-order mark, which JSON.parse rejects.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InvalidCalendarFileError(path, [{ field: '', message: `not valid JSON: ${(error as Error).message}` }]);
  }
}

/** Reads and validates county calendar files, in order (later files win on conflicting days). */
export function loadCalendarOverrides(paths: readonly string[]): CalendarFile[] {
  return paths.map((path) => parseCalendarFile(readJson(path), path));
}

/**
 * The calendar with the county files `paths` (HUIYING_CALENDAR_FILES, `Config.files.calendars`) over the official
 * data; official data alone when there are none.
 */
export function loadCalendar(paths: readonly string[]): WorkingCalendar {
  return createCalendar({ overrides: loadCalendarOverrides(paths) });
}
