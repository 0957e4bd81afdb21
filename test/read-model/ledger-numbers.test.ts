/**
 * Ledger numbers from the database (db/ledger.ts) on a real PostgreSQL: one number per case id however often it is
 * asked, dense and unique under many concurrent intakes, a sequence per prefix and year, and a first number of a
 * year that continues after the numbers the read model already holds (a county upgrading mid-year).
 */
import { recordSummary } from '../../db/case-summaries';
import { summaryRow } from '../support/summaries';
import { allocateIntake, findIntake, markIntakeStarted, stalledIntakes, type NewIntake } from '../../db/ledger';
import { createDb } from '../../db/pool';
import type { CaseSummary } from '../../domain/summary';
import { createTestDatabase } from '../support/database';
import { useHarness } from '../support/lifecycle';

const database = useHarness(async () => {
  const d = await createTestDatabase();
  return { ...d, teardown: d.drop };
});

const intake = (caseId: string, patch: Partial<NewIntake> = {}): NewIntake => ({
  caseId,
  prefix: 'LZ',
  year: 2026,
  requestHash: `hash-${caseId}`,
  input: { sealed: caseId },
  ...patch,
});

const seq = (ledgerNo: string, stem: string): number => {
  expect(ledgerNo.startsWith(stem)).toBe(true);
  return Number(ledgerNo.slice(stem.length));
};

test('the same case id gets the same number, allocated once; the next id the next number', async () => {
  const first = await allocateIntake(database.db, intake('same-a'));
  expect(first).toMatchObject({ created: true, intake: { caseId: 'same-a', ledgerNo: 'LZ-2026-000001', requestHash: 'hash-same-a' } });
  expect(first.intake.input).toEqual({ sealed: 'same-a' });
  expect(first.intake.startedAt).toBeNull();

  // A retry (even with another request: the API refuses that with 409) finds the intake and burns no number.
  const again = await allocateIntake(database.db, intake('same-a', { requestHash: 'other' }));
  expect(again).toEqual({ created: false, intake: first.intake });
  expect((await allocateIntake(database.db, intake('same-b'))).intake.ledgerNo).toBe('LZ-2026-000002');
});

test('each prefix and year has its own sequence', async () => {
  expect((await allocateIntake(database.db, intake('py-1', { year: 2030 }))).intake.ledgerNo).toBe('LZ-2030-000001');
  expect((await allocateIntake(database.db, intake('py-2', { prefix: 'XF', year: 2030 }))).intake.ledgerNo).toBe('XF-2030-000001');
  expect((await allocateIntake(database.db, intake('py-3', { year: 2030 }))).intake.ledgerNo).toBe('LZ-2030-000002');
});

test('200 concurrent intakes on a pool: numbers 1..200, no duplicates; 4 concurrent repeats of each of 50 ids: 50 numbers', async () => {
  const pool = createDb(database.url, { max: 20 });
  try {
    // A fresh year, so the first ones also race to create the counter.
    const distinct = await Promise.all(Array.from({ length: 200 }, (_, i) => allocateIntake(pool, intake(`c-${i}`, { year: 2031 }))));
    expect(distinct.every((r) => r.created)).toBe(true);
    const numbers = distinct.map((r) => seq(r.intake.ledgerNo, 'LZ-2031-')).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    const ids = Array.from({ length: 200 }, (_, i) => `r-${i % 50}`);
    const repeated = await Promise.all(ids.map((id) => allocateIntake(pool, intake(id, { year: 2032 }))));
    expect(repeated.filter((r) => r.created)).toHaveLength(50);
    const byId = new Map<string, Set<string>>();
    for (const r of repeated) byId.set(r.intake.caseId, (byId.get(r.intake.caseId) ?? new Set()).add(r.intake.ledgerNo));
    expect([...byId.values()].every((s) => s.size === 1)).toBe(true);
    const once = [...byId.values()].map((s) => seq([...s][0], 'LZ-2032-')).sort((a, b) => a - b);
    expect(once).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // The counter only moved for the winners: the next number follows at once.
    expect((await allocateIntake(pool, intake('r-next', { year: 2032 }))).intake.ledgerNo).toBe('LZ-2032-000051');
  } finally {
    await pool.end();
  }
});

test('the first number of a year continues after the highest one the read model holds (an upgrade mid-year)', async () => {
  const summary = (id: string, ledgerNo: string): CaseSummary =>
    summaryRow({ id, ledgerNo, registeredAt: '2027-03-02T01:00:00.000Z', stageSince: '2027-03-02T01:00:00.000Z', title: '升级前的案件' });

  // Numbered by the sequencer workflow before the upgrade; other prefixes and years do not count.
  await recordSummary(database.db, summary('up-1', 'LZ-2027-000007'));
  await recordSummary(database.db, summary('up-2', 'LZ-2027-000041'));
  await recordSummary(database.db, summary('up-3', 'LZ-2026-000900'));
  await recordSummary(database.db, summary('up-4', 'XF-2027-000500'));
  await recordSummary(database.db, summary('up-5', 'LZ-2027-0000x9'));
  expect((await allocateIntake(database.db, intake('after-upgrade', { year: 2027 }))).intake.ledgerNo).toBe('LZ-2027-000042');
  expect((await allocateIntake(database.db, intake('after-upgrade-2', { year: 2027 }))).intake.ledgerNo).toBe('LZ-2027-000043');
  expect((await allocateIntake(database.db, intake('xf-after', { prefix: 'XF', year: 2027 }))).intake.ledgerNo).toBe('XF-2027-000501');
});

test('an intake not started is stalled until marked started, which drops its sealed input', async () => {
  await allocateIntake(database.db, intake('stall-1', { year: 2033 }));
  expect((await stalledIntakes(database.db, 0, 10_000)).map((i) => i.caseId)).toContain('stall-1');
  expect((await stalledIntakes(database.db, 60_000, 10_000)).map((i) => i.caseId)).not.toContain('stall-1');
  await markIntakeStarted(database.db, 'stall-1');
  expect((await stalledIntakes(database.db, 0, 10_000)).map((i) => i.caseId)).not.toContain('stall-1');
  expect(await findIntake(database.db, 'stall-1')).toMatchObject({ input: null, startedAt: expect.any(String) });
});
