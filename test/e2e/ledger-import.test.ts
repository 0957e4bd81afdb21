/**
 * Importing the county's old ledger (旧台账) into a real system: each row a case workflow that starts closed and records
 * its own read-model row; numbers kept, never shared with a registration; last month's cases drawn by the spot-check
 * round, and a failed check reopening one to its unit; a second import starting nothing.
 */
import { randomUUID } from 'node:crypto';
import { deriveSecret } from '../../api/ids';
import type { HistoricalCase } from '../../domain/historical-ledger';
import { shanghaiYear } from '../../domain/ledger';
import { roundPeriod } from '../../domain/spot-check-period';
import { importHistoricalCases, importedCaseId, type ImportTarget } from '../../scripts/historical-import';
import { historicalWorkbook, readHistoricalSheet } from '../../scripts/historical-sheet';
import type { spotCheckRoundWorkflow } from '../../workflows';
import { LEDGER_PREFIX, useE2E } from './harness';
import { newCase } from '../support/cases';
import { people } from '../support/personas';
import { waitFor } from '../support/polling';

const h = useE2E();
const DAY = 86_400_000;
const now = new Date();
const lastMonth = roundPeriod('month', now);
const year = shanghaiYear(now);
const at = (from: Date, days: number) => new Date(from.getTime() + days * DAY).toISOString();
const importer = { id: 'ledger-import:ops', name: '钱督办' };

const base: Omit<HistoricalCase, 'ledgerNo' | 'registeredAt' | 'closedAt' | 'unit'> = {
  channel: 'hotline',
  type: 'complaint',
  citizen: { name: '宋秀兰', phone: '13551467720' },
  title: '村道会车困难',
  content: '蟠龙镇某村村道只有3米宽，两车会车要退很远。',
  location: '蟠龙镇',
  result: '已增设错车道4处。',
  onTime: true,
  satisfaction: 'satisfied',
};
const transportCase: HistoricalCase = {
  ...base,
  ledgerNo: `LZRX-${randomUUID().slice(0, 8)}`,
  unit: 'transport',
  registeredAt: at(lastMonth.from, 2.4),
  closedAt: at(lastMonth.from, 5.1),
};
// A number of Huiying's own form, this year: the counter must move past it.
const housingCase: HistoricalCase = {
  ...base,
  ledgerNo: `${LEDGER_PREFIX}-${year}-000050`,
  unit: 'housing-construction',
  citizen: { name: '谢志勇', phone: '13980651238' },
  title: '二次供水水质发黄',
  content: '小区二次供水水箱长期未清洗，自来水发黄。',
  registeredAt: at(lastMonth.from, 3.2),
  closedAt: at(lastMonth.from, 9.3),
  onTime: false,
};
// Closed well before last month: past its spot-check window.
const oldCase: HistoricalCase = {
  ...base,
  ledgerNo: `LZRX-${randomUUID().slice(0, 8)}`,
  unit: 'health',
  registeredAt: at(lastMonth.from, -75),
  closedAt: at(lastMonth.from, -70),
};
const target = (): ImportTarget => ({
  db: h.db,
  client: h.client,
  taskQueue: h.taskQueue,
  ledgerPrefix: LEDGER_PREFIX,
  limits: h.limits,
  citizenKeySecret: deriveSecret(h.secret, 'citizen-key'),
});
const rowOf = async (id: string) => (await h.db.query('SELECT * FROM case_summaries WHERE id = $1', [id])).rows[0];

test('each row of the sheet becomes a closed case, recorded by its own workflow; its number is never handed out again', async () => {
  const sheet = await readHistoricalSheet(
    await historicalWorkbook([transportCase, housingCase, oldCase], h.units.units),
    h.units.units,
    now,
  );
  expect(sheet.problems).toEqual([]);
  const report = await importHistoricalCases(target(), sheet.records, { importedBy: importer });
  expect(report).toMatchObject({ imported: [transportCase.ledgerNo, housingCase.ledgerNo, oldCase.ledgerNo], again: [], refused: [] });

  const id = importedCaseId(transportCase.ledgerNo);
  const row = await waitFor(
    'the workflow to record its row and complete',
    () => rowOf(id),
    (r) => r?.archived === true,
  );
  expect(row).toMatchObject({ stage: 'closed', unit: 'transport', ledger_no: transportCase.ledgerNo, satisfaction: 'satisfied' });
  expect(new Date(row.closed_at).toISOString()).toBe(transportCase.closedAt);

  const view = (await h.api('GET', `/cases/${id}`, { token: people.supervisor })).body;
  expect(view).toMatchObject({ stage: 'closed', unit: 'transport', citizen: { name: '宋秀兰' }, result: '已增设错车道4处。' });
  expect(view.timeline.map((e: { action: string }) => e.action)).toEqual(['register', 'callback', 'import']);
  const byWords = (await h.api('GET', `/cases?q=${encodeURIComponent('会车')}`, { token: people.operator })).body.items;
  expect(byWords.map((c: { id: string }) => c.id)).toContain(id);
  const byPhone = (await h.api('GET', '/cases?phone=13551467720', { token: people.operator })).body.items;
  expect(byPhone.map((c: { id: string }) => c.id)).toContain(id);

  // The next registration this year gets the number after the old ledger's.
  const registered = await h.api('POST', '/cases', { token: people.operator, body: newCase() });
  expect(registered.body.ledgerNo).toBe(`${LEDGER_PREFIX}-${year}-000051`);
  const clash = await importHistoricalCases(target(), [{ ...oldCase, ledgerNo: registered.body.ledgerNo }], { importedBy: importer });
  expect(clash.refused).toEqual([{ ledgerNo: registered.body.ledgerNo, reason: expect.stringContaining('已被另一件工单使用') }]);
});

test('importing again starts nothing; the same number with other content is refused', async () => {
  const before = Number((await h.db.query('SELECT count(*) AS n FROM case_summaries')).rows[0].n);
  const again = await importHistoricalCases(target(), [transportCase, housingCase, oldCase], { importedBy: importer });
  expect(again).toMatchObject({ imported: [], again: [transportCase.ledgerNo, housingCase.ledgerNo, oldCase.ledgerNo], refused: [] });
  const changed = await importHistoricalCases(target(), [{ ...transportCase, result: '另一种说法' }], { importedBy: importer });
  expect(changed.refused[0].reason).toContain('已按另一份内容导入过');
  expect(Number((await h.db.query('SELECT count(*) AS n FROM case_summaries')).rows[0].n)).toBe(before);
});

test("the round of the month after draws last month's imported cases; a failed check reopens one to its unit", async () => {
  const ids = [transportCase, housingCase].map((c) => importedCaseId(c.ledgerNo));
  await waitFor(
    'the imported rows',
    () => Promise.all(ids.map(rowOf)),
    (rows) => rows.every((r) => r?.archived),
  );
  const round = await h.client.workflow.execute<typeof spotCheckRoundWorkflow>('spotCheckRoundWorkflow', {
    taskQueue: h.taskQueue,
    workflowId: `import-round-${randomUUID()}`,
    args: [{ period: 'month', rate: 1, min: 1 }],
  });
  expect(round.sample.map((s) => s.id).sort()).toEqual([...ids].sort());
  expect(round.sample.map((s) => s.id)).not.toContain(importedCaseId(oldCase.ledgerNo));

  const [id] = ids;
  await waitFor(
    'the sampled case to await its check',
    async () => (await h.api('GET', `/cases/${id}`, { token: people.supervisor })).body,
    (c) => c.spotCheck?.round === round.round,
  );
  const failed = await h.api('POST', `/cases/${id}/spot-check`, {
    token: people.supervisor,
    body: { passed: false, note: '回访核实：错车道未按承诺修建' },
  });
  expect(failed.status).toBe(200);
  expect(failed.body).toMatchObject({ stage: 'rectifying', unit: 'transport', reopenCount: 1 });
  const inbox = await waitFor(
    "the reopened case in the unit's inbox",
    async () => (await h.api('GET', '/inbox', { token: people.transportHandler })).body.items as { id: string }[],
    (items) => items.some((i) => i.id === id),
  );
  expect(inbox.find((i) => i.id === id)).toBeDefined();
});
