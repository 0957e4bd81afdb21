/**
 * The read model on a real PostgreSQL: the version rule of `recordSummary`, and a case workflow on the
 * time-skipping server recording its summary after every change, up to its archive.
 */
import { recordSummary, SUMMARY_COLUMNS, summaryFromRow } from '../../db/case-summaries';
import { summaryRow } from '../support/summaries';
import type { CaseSummary } from '../../domain/summary';
import { useHarness } from '../support/lifecycle';
import { createTestDatabase } from '../support/database';
import { eventually } from '../support/polling';
import { HOUSING, people } from '../support/personas';
import { act, driveToReplied, getCase, startCase, useTimeSkipping } from '../workflows/helpers';

const summary = (patch: Partial<CaseSummary> = {}): CaseSummary =>
  summaryRow({ id: 'rm00000000000001', dueAt: '2026-03-02T05:00:00.000Z', citizenKey: 'k1', ...patch });

describe('recordSummary', () => {
  const database = useHarness(async () => {
    const d = await createTestDatabase();
    return { ...d, teardown: d.drop };
  });
  const read = async (id: string): Promise<CaseSummary> => {
    const { rows } = await database.db.query(`SELECT ${SUMMARY_COLUMNS} FROM case_summaries WHERE id = $1`, [id]);
    return summaryFromRow(rows[0]);
  };

  test('a newer version replaces the row; an older or equal one (a retry, a replay, a late write) does not', async () => {
    const id = 'rm00000000000001';
    expect(await recordSummary(database.db, summary({ id, version: 1 }))).toBe(true);
    expect(await recordSummary(database.db, summary({ id, version: 3, stage: 'assigned', unit: HOUSING }))).toBe(true);
    expect(await recordSummary(database.db, summary({ id, version: 2, stage: 'registered' }))).toBe(false);
    expect(await recordSummary(database.db, summary({ id, version: 3, stage: 'registered' }))).toBe(false);
    expect(await read(id)).toEqual(summary({ id, version: 3, stage: 'assigned', unit: HOUSING }));
  });

  test('timestamps and lists come back exactly as written (ISO instants, not local Dates)', async () => {
    const id = 'rm00000000000002';
    const written = summary({ id, closedAt: '2026-10-01T15:59:59.123Z', flags: ['signed', 'returned_by:transport'] });
    await recordSummary(database.db, written);
    expect(await read(id)).toEqual(written);
  });

  test('the archive of a version already recorded is still recorded', async () => {
    const id = 'rm00000000000003';
    await recordSummary(database.db, summary({ id, version: 7, stage: 'closed' }));
    expect(await recordSummary(database.db, summary({ id, version: 7, stage: 'closed', archived: true }))).toBe(true);
    expect((await read(id)).archived).toBe(true);
  });
});

describe('a case workflow records its summary after every change', () => {
  const h = useTimeSkipping();
  const row = async (id: string): Promise<CaseSummary | undefined> => {
    const { rows } = await h.db.query(`SELECT ${SUMMARY_COLUMNS} FROM case_summaries WHERE id = $1`, [id]);
    return rows[0] ? summaryFromRow(rows[0]) : undefined;
  };

  test('registered, assigned, replied, closed (and its run ended): the row follows the state, version by version', async () => {
    const { handle, caseId } = await startCase(h, { title: '读模型：路灯不亮' });
    const registered = await eventually(
      () => row(caseId),
      (r) => r !== undefined && r.dueAt !== null,
    );
    expect(registered).toMatchObject({ stage: 'registered', title: '读模型：路灯不亮', unit: null, archived: false });
    expect(registered!.version).toBe((await getCase(handle)).version);

    const replied = await driveToReplied(handle, people.housingHandler);
    const atReply = await eventually(
      () => row(caseId),
      (r) => r?.version === replied.version,
    );
    expect(atReply).toMatchObject({ stage: 'replied', unit: HOUSING, reviewLevel: null });
    expect(atReply!.flags).toEqual(expect.arrayContaining(['signed', 'completed']));

    // Closing ends the run: the same version is recorded archived, with the window a spot-check may still draw it in.
    const closed = await act(handle, 'callback', people.operator, { result: 'satisfied' });
    const final = await handle.result();
    expect(final.version).toBe(closed.version);
    const atClose = await eventually(
      () => row(caseId),
      (r) => r?.archived === true,
    );
    expect(atClose).toMatchObject({ stage: 'closed', satisfaction: 'satisfied', dueAt: null, version: closed.version });
    expect(Date.parse(atClose!.spotCheckUntil!) - Date.parse(closed.closedAt!)).toBe(60 * 86_400_000);
  });
});
