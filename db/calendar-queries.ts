import type { Db } from './pool';

/** A calendar whose news is being (or has been) taken to the open cases (table calendar_versions). */
export interface CalendarApplication {
  version: string;
  coveredYears: number[];
  newlyCovered: number[];
  lastCaseId: string | null;
  signalled: number;
  finished: boolean;
}

function fromRow(row: Record<string, unknown>): CalendarApplication {
  return {
    version: row.version as string,
    coveredYears: row.covered_years as number[],
    newlyCovered: row.newly_covered as number[],
    lastCaseId: (row.last_case_id as string | null) ?? null,
    signalled: row.signalled as number,
    finished: row.finished_at !== null,
  };
}

const COLUMNS = 'version, covered_years, newly_covered, last_case_id, signalled, finished_at';

/** The calendar whose news was last taken to every case; null before the first. */
export async function lastAppliedCalendar(db: Db): Promise<CalendarApplication | null> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM calendar_versions WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, version LIMIT 1`,
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function calendarApplication(db: Db, version: string): Promise<CalendarApplication | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM calendar_versions WHERE version = $1`, [version]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Starts taking a calendar's news to the cases from the first case again (a version seen before, e.g. after going back
 * to an older calendar and forward again, starts over: cases may have been computed on the other one meanwhile).
 */
export async function beginCalendarApplication(db: Db, version: string, coveredYears: number[], newlyCovered: number[]): Promise<void> {
  await db.query(
    `INSERT INTO calendar_versions (version, covered_years, newly_covered) VALUES ($1, $2, $3)
     ON CONFLICT (version) DO UPDATE SET covered_years = EXCLUDED.covered_years, newly_covered = EXCLUDED.newly_covered,
       started_at = now(), last_case_id = NULL, signalled = 0, finished_at = NULL`,
    [version, coveredYears, newlyCovered],
  );
}

/** The next open cases with a provisional deadline after `afterId`, by id (the sweep's keyset). */
export async function casesWithProvisionalDeadlines(
  db: Db,
  flags: readonly string[],
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT id FROM case_summaries
      WHERE stage <> 'closed' AND NOT archived AND flags && $1::text[] AND ($2::text IS NULL OR id > $2)
      ORDER BY id LIMIT $3`,
    [flags, afterId, limit],
  );
  return rows.map((r: { id: string }) => r.id);
}

/** Records how far the sweep got: after a crash it goes on after `lastCaseId`. */
export async function advanceCalendarApplication(db: Db, version: string, lastCaseId: string, count: number): Promise<void> {
  await db.query(`UPDATE calendar_versions SET last_case_id = $2, signalled = signalled + $3 WHERE version = $1`, [
    version,
    lastCaseId,
    count,
  ]);
}

export async function finishCalendarApplication(db: Db, version: string): Promise<void> {
  await db.query(`UPDATE calendar_versions SET finished_at = now() WHERE version = $1`, [version]);
}

/**
 * Runs `work` holding the sweep's session lock, or returns null at once when another process holds it. A session lock
 * on one pooled connection: a process that dies lets go of it with its connection.
 */
export async function withCalendarSweepLock<T>(db: Db, work: () => Promise<T>): Promise<T | null> {
  const client = await db.connect();
  try {
    const { rows } = await client.query(`SELECT pg_try_advisory_lock(hashtext('huiying-calendar-sweep')) AS locked`);
    if (!rows[0].locked) return null;
    try {
      return await work();
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('huiying-calendar-sweep'))`);
    }
  } finally {
    client.release();
  }
}
