/**
 * The read model behind the API, end to end (dev server, worker, app, PostgreSQL): a case is in the read model as
 * soon as the API answers, every action's answer is recorded, and a rebuild from Temporal restores a lost read model.
 */
import { SUMMARY_COLUMNS, summaryFromRow } from '../../db/case-summaries';
import type { CaseSummary } from '../../domain/summary';
import { rebuildReadModel } from '../../temporal/rebuild-read-model';
import { drive, useE2E } from '../e2e/harness';
import { HOUSING, people } from '../support/personas';

const h = useE2E();
const d = drive(h);

const rows = async (): Promise<Map<string, CaseSummary>> => {
  const { rows } = await h.db.query(`SELECT ${SUMMARY_COLUMNS} FROM case_summaries`);
  return new Map(rows.map((r) => [r.id as string, summaryFromRow(r)]));
};

test('POST /cases and every action answer with a state the read model already holds', async () => {
  const created = await d.create({ title: '读模型：井盖缺失' });
  expect((await rows()).get(created.id)).toMatchObject({ stage: 'registered', ledgerNo: created.ledgerNo, title: '读模型：井盖缺失' });
  const accepted = await d.assignAndAccept(created.id, people.housingHandler);
  const row = (await rows()).get(created.id)!;
  expect(row.version).toBeGreaterThanOrEqual(accepted.version);
  expect(row).toMatchObject({ stage: 'rectifying', unit: HOUSING });
  // No personal data in the read model: no name, no phone, no content.
  const raw = JSON.stringify((await h.db.query('SELECT * FROM case_summaries WHERE id = $1', [created.id])).rows);
  expect(raw).not.toContain(created.citizen.phone);
  expect(raw).not.toContain(created.citizen.name);
  expect(raw).not.toContain(created.content);
});

test('a lost read model is rebuilt from Temporal: every case, each at its current version', async () => {
  const a = await d.create({ title: '重建：路灯' });
  const b = await d.create({ title: '重建：噪音' });
  const replied = await d.toReplied(b.id, people.housingHandler);
  const before = await rows();

  const grams = async () =>
    new Map((await h.db.query('SELECT case_id, grams FROM case_search')).rows.map((r) => [r.case_id as string, r.grams as string[]]));
  const gramsBefore = await grams();
  expect(gramsBefore.get(a.id)).toContain('路灯');

  await h.db.query('DELETE FROM case_summaries');
  await h.db.query('DELETE FROM case_search');
  const report = await rebuildReadModel(h.client, h.db);
  const after = await rows();
  // What GET /cases?q= finds a case by comes back too, the same as the intake recorded it.
  expect((await grams()).get(a.id)?.sort()).toEqual(gramsBefore.get(a.id)?.sort());

  expect(report.skipped).toEqual([]);
  expect(report.found).toBeGreaterThanOrEqual(2);
  expect(after.get(a.id)).toEqual(before.get(a.id));
  expect(after.get(b.id)).toMatchObject({ stage: 'replied', version: replied.version });
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  // A second run changes nothing: every row is already at its version.
  expect((await rebuildReadModel(h.client, h.db)).written).toBe(0);
});
