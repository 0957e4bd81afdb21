/**
 * `npm run calendar:apply`: takes the calendar this configuration loads (chinese-days plus HUIYING_CALENDAR_FILES) to
 * the open cases now, as a worker does when it starts: if it covers a year the last applied calendar did not, every
 * open case with a provisional deadline is asked to recompute it. Safe to run again; a running worker must have the
 * same calendar, since the cases recompute on the worker's (restart it after adding a file).
 */
import { ConfigError } from '../config';
import { loadCalendar } from '../config/calendar';
import { describeForLog } from '../config/redaction';
import { applyCalendar, caseSignaller } from '../worker/calendar-sweep';
import { withSystem } from './with-system';

function main(): Promise<void> {
  return withSystem(async ({ config, client, db }) => {
    const calendar = loadCalendar(config.files.calendars);
    const r = await applyCalendar({ db, calendar, signalCase: caseSignaller(client) });
    const what = {
      'up-to-date': 'already applied',
      recorded: 'recorded (no year newly covered)',
      swept: `newly covered ${r.newlyCovered.join(', ')}: ${r.signalled} open cases asked to recompute their provisional deadlines`,
      busy: 'another process is applying it now',
      stopped: 'stopped',
    }[r.outcome];
    console.log(`calendar ${r.version}: ${what}`);
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `calendar:apply failed: ${describeForLog(err)}`);
  process.exit(1);
});
