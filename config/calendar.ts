/**
 * Loading county calendar files from disk (Node only; domain/calendar.ts stays pure).
 * Workflows should not call this: load the files in the worker or an activity and hand the parsed
 * CalendarFile objects (plain JSON) to createCalendar.
 */
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import {
  createCalendar,
  InvalidCalendarFileError,
  parseCalendarFile,
  type CalendarFile,
  type WorkingCalendar,
} from '../domain/calendar';

export const CALENDAR_FILES_ENV = 'HUIYING_CALENDAR_FILES';

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

/** Splits a list of paths on commas or the platform's path delimiter (':' on Linux, ';' on Windows). */
export function parseCalendarFileList(value: string | undefined): string[] {
  return (value ?? '')
    .split(new RegExp(`[,${delimiter}]`))
    .map((path) => path.trim())
    .filter((path) => path.length > 0);
}

/** The calendar configured by HUIYING_CALENDAR_FILES; official data alone when it is unset or empty. */
export function calendarFromEnv(env: NodeJS.ProcessEnv = process.env): WorkingCalendar {
  return createCalendar({ overrides: loadCalendarOverrides(parseCalendarFileList(env[CALENDAR_FILES_ENV])) });
}
