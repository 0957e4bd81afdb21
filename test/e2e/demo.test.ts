/**
 * `npm run demo` against a real system (dev server, worker, API, PostgreSQL): the cases it promises, as their workflows
 * record them in the read model — open ones at every stage across units, overdue and red-flagged ones, closed ones with
 * call-backs, and last month's closed cases from the old ledger that a spot-check round draws from — and a second run
 * that adds nothing.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { spotCheckRoundWorkflow } from '../../workflows';
import { DEMO_CASES } from '../../scripts/demo-cases';
import { seedDemo, type DemoReport } from '../../scripts/demo';
import type { SeedTarget } from '../../scripts/seed';
import { LEDGER_PREFIX, useE2E } from './harness';
import { people } from '../support/personas';
import { waitFor } from '../support/polling';

const h = useE2E();
let tmp: string;
let first: DemoReport;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-demo-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

/** The system as `npm run demo` finds it from the configuration (scripts/seed.ts seedTarget), here the harness's. */
const target = (): SeedTarget => ({
  db: h.db,
  client: h.client,
  taskQueue: h.taskQueue,
  apiBase: h.baseUrl,
  jwtSecret: h.secret,
  ledgerPrefix: LEDGER_PREFIX,
  calendar: h.calendar,
  limits: h.limits,
  units: h.units,
  close: async () => undefined,
});
const oldLedgerFile = () => path.join(tmp, 'demo-old-ledger.xlsx');
const count = async (sql: string) => Number((await h.db.query<{ n: string }>(sql)).rows[0].n);

test('registers every demo case and leaves it at its stage, as its workflow records it', async () => {
  first = await seedDemo(target(), { oldLedgerFile: oldLedgerFile() });
  expect(first).toMatchObject({ registered: DEMO_CASES.length, existing: 0, imported: 10, importedBefore: 0 });
  const byKey = Object.fromEntries(first.cases.map((c) => [c.key, c.stage]));
  expect(byKey).toEqual(Object.fromEntries(DEMO_CASES.map((c) => [c.key, c.stage])));
  expect(new Set(first.cases.map((c) => c.stage))).toEqual(
    new Set(['registered', 'assigned', 'rectifying', 'reviewing', 'replied', 'closed']),
  );
  expect(first.cases.every((c) => /^LZ-\d{4}-\d{6}$/.test(c.ledgerNo))).toBe(true);

  const rows = (await h.db.query('SELECT * FROM case_summaries WHERE id = ANY($1)', [first.cases.map((c) => c.id)])).rows;
  expect(new Set(rows.map((r) => r.unit).filter(Boolean)).size).toBeGreaterThanOrEqual(8);
  expect(rows.filter((r) => r.red_flag)).toHaveLength(1);
  expect(rows.filter((r) => r.overdue).length).toBeGreaterThanOrEqual(2);
  expect(rows.filter((r) => r.stage === 'closed' && ['satisfied', 'basically_satisfied'].includes(r.satisfaction))).toHaveLength(2);
  expect(
    rows
      .filter((r) => r.stage === 'reviewing')
      .map((r) => r.review_level)
      .sort(),
  ).toEqual([1, 2, 3]);
  expect(first).toMatchObject({ overdue: expect.any(Number), redFlags: 1 });
});

test("the people's inboxes show them: the dispatcher's, the supervisor's, a reviewer's, the operator's call-back", async () => {
  const inbox = async (actor: Parameters<typeof h.token>[0]) =>
    (await h.api('GET', '/inbox', { token: actor })).body.items as { awaiting: string }[];
  expect((await inbox(people.dispatcher)).map((i) => i.awaiting)).toEqual(expect.arrayContaining(['assign', 'return_decision']));
  expect((await inbox(people.supervisor)).map((i) => i.awaiting)).toEqual(expect.arrayContaining(['extension_decision', 'red_flag']));
  expect((await inbox(people.reviewer1)).map((i) => i.awaiting)).toContain('review');
  expect((await inbox(people.operator)).map((i) => i.awaiting)).toContain('callback');
  const stuck = await h.api('GET', '/supervision/stuck', { token: people.supervisor });
  expect(stuck.body.byReason.overdue).toBeGreaterThanOrEqual(2);
});

test("last month's closed cases from the old ledger are what a spot-check round draws from", async () => {
  expect(first.roundPopulation).toBeGreaterThanOrEqual(10);
  const round = await h.client.workflow.execute<typeof spotCheckRoundWorkflow>('spotCheckRoundWorkflow', {
    taskQueue: h.taskQueue,
    workflowId: `demo-round-${randomUUID()}`,
    args: [{ period: 'month', rate: 1, min: 1 }],
  });
  expect(round.round).toBe(first.round);
  const imported = new Set(first.importedIds);
  expect(round.sample.filter((s) => imported.has(s.id))).toHaveLength(10);
  const listed = await waitFor(
    'GET /spot-checks to list the sample',
    async () => (await h.api('GET', `/spot-checks?round=${round.round}`, { token: people.supervisor })).body.items as { id: string }[],
    (items) => items.length === round.sample.length,
  );
  expect(listed.map((i) => i.id).sort()).toEqual(round.sample.map((s) => s.id).sort());
});

test('a second run adds nothing', async () => {
  const before = [await count('SELECT count(*) AS n FROM case_summaries'), await count('SELECT count(*) AS n FROM intakes')];
  const second = await seedDemo(target(), { oldLedgerFile: oldLedgerFile() });
  expect(second).toMatchObject({ registered: 0, existing: DEMO_CASES.length, imported: 0, importedBefore: 10 });
  expect(second.cases.map((c) => c.id).sort()).toEqual(first.cases.map((c) => c.id).sort());
  expect([await count('SELECT count(*) AS n FROM case_summaries'), await count('SELECT count(*) AS n FROM intakes')]).toEqual(before);
});

test('refuses before writing anything when the API on PORT is another Huiying', async () => {
  const other = { ...target(), jwtSecret: 'x'.repeat(64) };
  await expect(seedDemo(other, { oldLedgerFile: path.join(tmp, 'other.xlsx') })).rejects.toThrow(
    /refuses tokens signed with this data dir's secret/,
  );
  await expect(fs.stat(path.join(tmp, 'other.xlsx'))).rejects.toThrow();
});
