/**
 * The reads of the read model (db/*-queries.ts and the API functions over them) on a real PostgreSQL, with rows
 * seeded by `recordSummary` (or one INSERT for thousands): no Temporal. GET /cases filters and keyset pages, the
 * page token's checks, the supervisors' view beyond any cap, the spot-check draw's population, the ledger's order.
 */
import { closedCasesToSample } from '../../db/spot-check-queries';
import { summaryRow } from '../support/summaries';
import { ledgerCases } from '../../db/ledger-queries';
import { recordSummary } from '../../db/case-summaries';
import { CaseListQuerySchema, listCases } from '../../api/case-list';
import { ApiError } from '../../api/errors';
import { inboxFor } from '../../api/inbox';
import { findStuckCases } from '../../api/supervision';
import { parseQuery } from '../../api/validate';
import { createCalendar } from '../../domain/calendar';
import type { RequestType, Stage } from '../../domain/case';
import { DEFAULT_LIMITS } from '../../domain/limits';
import type { Actor } from '../../domain/roles';
import type { CaseSummary } from '../../domain/summary';
import { createTestDatabase } from '../support/database';
import { useHarness } from '../support/lifecycle';
import { HEALTH, HOUSING, people, TRANSPORT } from '../support/personas';

const calendar = createCalendar();
const NOW = new Date('2026-11-25T02:00:00.000Z'); // a Wednesday, 10:00 in Shanghai
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(15, '0')}`;

let ledgerSeq = 0;
const summary = (patch: Partial<CaseSummary> & { id: string }): CaseSummary =>
  summaryRow({
    ledgerNo: `LZ-2026-${String(++ledgerSeq).padStart(6, '0')}`,
    registeredAt: iso(NOW.getTime() - DAY),
    stageSince: iso(NOW.getTime() - 3_600_000),
    // Far ahead: neither overdue nor due soon unless a test says so.
    dueAt: iso(NOW.getTime() + 30 * DAY),
    title: '测试',
    ...patch,
  });

const database = useHarness(async () => {
  const d = await createTestDatabase();
  return { ...d, teardown: d.drop };
});
const seed = async (...rows: CaseSummary[]) => {
  for (const row of rows) await recordSummary(database.db, row);
};

describe('GET /cases from the read model', () => {
  const UNITS = [HOUSING, TRANSPORT, HEALTH, null];
  const STAGES: Stage[] = ['registered', 'assigned', 'rectifying', 'closed'];
  const TYPES: RequestType[] = ['complaint', 'help'];
  const all: CaseSummary[] = [];

  beforeAll(async () => {
    // 60 cases; every third shares its registration instant with the one before, so the id must break ties.
    for (let i = 0; i < 60; i++) {
      const at = NOW.getTime() - (i - (i % 3 === 2 ? 1 : 0)) * 60_000;
      all.push(
        summary({
          id: id('l', i),
          registeredAt: iso(at),
          unit: UNITS[i % 4],
          stage: STAGES[(i >> 1) % 4],
          type: TYPES[i % 2],
          citizenKey: 'secret-key',
        }),
      );
    }
    await seed(...all);
  });

  /** Every page of a query, through the query schema (so the tokens go out and come back as a client's would). */
  async function pages(actor: Actor, query: Record<string, string>): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let token: string | null = null;
    let count = 0;
    do {
      const q = parseQuery(CaseListQuerySchema, { ...query, ...(token ? { pageToken: token } : {}) });
      const page = await listCases(database.db, actor, q);
      expect(page.items.length).toBeLessThanOrEqual(Number(query.pageSize ?? 50));
      ids.push(...page.items.map((c) => c.id));
      token = page.nextPageToken;
      count++;
    } while (token && count < 100);
    return { ids, pages: count };
  }

  const newestFirst = (cases: CaseSummary[]) =>
    [...cases].sort((a, b) => b.registeredAt.localeCompare(a.registeredAt) || b.id.localeCompare(a.id)).map((c) => c.id);

  test('pages of 7 cover every case exactly once, newest first, ties broken by id', async () => {
    const { ids, pages: n } = await pages(people.supervisor, { pageSize: '7' });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(newestFirst(all));
    expect(n).toBe(Math.ceil(60 / 7));
  });

  test('filters by stage, unit and type, across pages', async () => {
    const want = all.filter((c) => c.unit === HOUSING && c.type === 'complaint');
    expect(want.length).toBeGreaterThan(3);
    expect((await pages(people.supervisor, { unit: HOUSING, type: 'complaint', pageSize: '2' })).ids).toEqual(newestFirst(want));
    const registered = all.filter((c) => c.stage === 'registered');
    expect((await pages(people.supervisor, { stage: 'registered', pageSize: '5' })).ids).toEqual(newestFirst(registered));
  });

  test('a handler is held to its own unit; items carry status, no citizen key and no version', async () => {
    const { ids } = await pages(people.transportHandler, { pageSize: '4' });
    expect(ids).toEqual(newestFirst(all.filter((c) => c.unit === TRANSPORT)));
    const first = (await listCases(database.db, people.transportHandler, parseQuery(CaseListQuerySchema, {}))).items[0];
    expect(first).toMatchObject({ status: 'RUNNING', unit: TRANSPORT });
    expect(first).not.toHaveProperty('citizenKey');
    expect(first).not.toHaveProperty('version');
    expect(JSON.stringify(first)).not.toContain('secret-key');
    await expect(listCases(database.db, people.transportHandler, parseQuery(CaseListQuerySchema, { unit: HOUSING }))).rejects.toMatchObject(
      {
        code: 'forbidden',
      },
    );
  });

  test('a malformed or tampered page token is a 400 naming query.pageToken, before any query', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    for (const token of [
      'not base64!',
      b64('{"registeredAt":1}'),
      b64('["2026-11-25T02:00:00.000Z"]'),
      b64('["yesterday","l00000000000001"]'),
      b64('["2026-11-25T02:00:00.000Z","l0000\'; DROP TABLE case_summaries; --"]'),
      'bm90IGpzb24',
    ]) {
      let error: unknown;
      try {
        parseQuery(CaseListQuerySchema, { pageToken: token });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: 'invalid_input', details: [expect.objectContaining({ field: 'query.pageToken' })] });
    }
    // An empty token is the first page, as before.
    expect(parseQuery(CaseListQuerySchema, { pageToken: '' }).pageToken).toBeUndefined();
  });
});

describe("the supervisors' view is complete", () => {
  test('2,500 stalled cases are all listed (no cap), with overdue and due-soon ones; archived, closed and fine ones are not', async () => {
    const longAgo = iso(NOW.getTime() - 40 * DAY);
    // One INSERT for thousands of rows: stalled in `assigned` for 40 days, their deadline far ahead.
    await database.db.query(
      `INSERT INTO case_summaries (id, version, ledger_no, stage, type, channel, unit, urgent, review_level, reopen_count,
         registered_at, stage_since, due_at, overdue, red_flag, flags, satisfaction, closed_at, title, citizen_key, archived)
       SELECT 's' || lpad(g::text, 15, '0'), 1, 'LZ-2026-S' || lpad(g::text, 5, '0'), 'assigned', 'complaint', 'hotline', $1,
         false, NULL, 0, $2::timestamptz, $2::timestamptz, $3::timestamptz, false, false, '{}', NULL, NULL, '积案', NULL, false
       FROM generate_series(1, 2500) AS g`,
      [HEALTH, longAgo, iso(NOW.getTime() + 30 * DAY)],
    );
    await seed(
      summary({ id: id('o', 1), stage: 'rectifying', unit: HEALTH, dueAt: iso(NOW.getTime() - DAY), overdue: true, redFlag: true }),
      // Due within the day, with a limit longer than the "due soon" window: due soon.
      summary({
        id: id('o', 2),
        stage: 'rectifying',
        unit: HEALTH,
        stageSince: iso(NOW.getTime() - 10 * DAY),
        dueAt: iso(NOW.getTime() + 3_600_000),
      }),
      summary({ id: id('o', 3), stage: 'assigned', unit: HEALTH, stageSince: longAgo, archived: true }),
      summary({ id: id('o', 4), stage: 'closed', unit: HEALTH, stageSince: longAgo, dueAt: null, closedAt: iso(NOW.getTime() - DAY) }),
      summary({ id: id('o', 5), stage: 'rectifying', unit: HEALTH }),
    );
    const items = await findStuckCases(database.db, calendar, DEFAULT_LIMITS, { unit: HEALTH }, NOW);
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(items.filter((i) => i.id.startsWith('s'))).toHaveLength(2500);
    expect(byId.get(id('o', 1))).toMatchObject({ reasons: ['overdue'], late: { workingDays: expect.any(Number) } });
    expect(byId.get(id('o', 2))?.reasons).toEqual(['due_soon']);
    for (const n of [3, 4, 5]) expect(byId.has(id('o', n))).toBe(false);
    expect(items[0].id).toBe(id('o', 1)); // the red flag first
    expect(byId.get(id('s', 1))).toMatchObject({ reasons: ['stalled'], stage: 'assigned', status: 'RUNNING' });
    // The stage filter narrows the same selection.
    expect(
      (await findStuckCases(database.db, calendar, DEFAULT_LIMITS, { unit: HEALTH, stage: 'rectifying' }, NOW)).map((i) => i.id).sort(),
    ).toEqual([id('o', 1), id('o', 2)]);
  });
});

describe('the spot-check draw, the inbox and the ledger', () => {
  const from = '2026-10-01T00:00:00.000Z';
  const to = '2026-11-01T00:00:00.000Z';
  const closed = (n: number, patch: Partial<CaseSummary>) =>
    summary({ id: id('c', n), stage: 'closed', unit: HOUSING, dueAt: null, closedAt: '2026-10-15T02:00:00.000Z', ...patch });

  test('closed in [from, to), still in its window (or an older row not archived), not merged, not already sampled', async () => {
    const open = '2026-12-14T02:00:00.000Z';
    await seed(
      closed(1, {}),
      closed(2, { closedAt: from }),
      closed(3, { closedAt: to }), // after the period
      closed(4, { archived: true }),
      // The current version: the run completed when the case closed; its window is recorded.
      closed(10, { archived: true, spotCheckUntil: open, closedAt: '2026-10-20T02:00:00.000Z' }),
      closed(11, { archived: true, spotCheckUntil: '2026-11-10T00:00:00.000Z' }), // window over at the draw
      closed(5, { flags: ['merged'] }),
      closed(6, { flags: ['spot_check_pending', 'spot_check_round:monthly-2026-09'] }),
      closed(7, { flags: ['spot_check_passed', 'spot_check_round:monthly-2026-09'] }),
      summary({ id: id('c', 8), stage: 'rectifying', closedAt: null }),
      closed(9, { flags: ['returned_by:health', 'completed'] }),
    );
    const population = await closedCasesToSample(database.db, from, to, '2026-11-20T00:00:00.000Z');
    expect(population.map((c) => c.id)).toEqual([id('c', 2), id('c', 1), id('c', 9), id('c', 10)]);
    expect(population[0]).toEqual({ id: id('c', 2), ledgerNo: expect.stringMatching(/^LZ-2026-/) });
  });

  test("each role's inbox: its stage, unit and level; the supervisor's extensions and red flags", async () => {
    await seed(
      summary({ id: id('i', 1), stage: 'reviewing', unit: TRANSPORT, reviewLevel: 2, registeredAt: '2026-01-02T00:00:00.000Z' }),
      summary({ id: id('i', 2), stage: 'reviewing', unit: TRANSPORT, reviewLevel: 1, registeredAt: '2026-01-01T00:00:00.000Z' }),
      summary({
        id: id('i', 3),
        stage: 'rectifying',
        unit: TRANSPORT,
        flags: ['extension_pending'],
        registeredAt: '2026-01-03T00:00:00.000Z',
      }),
      summary({ id: id('i', 4), stage: 'reviewing', unit: TRANSPORT, reviewLevel: 2, archived: true }),
    );
    expect((await inboxFor(database.db, people.reviewer2)).map((c) => [c.id, c.awaiting])).toEqual([[id('i', 1), 'review']]);
    const supervisor = await inboxFor(database.db, people.supervisor);
    expect(supervisor.find((c) => c.id === id('i', 3))?.awaiting).toBe('extension_decision');
    expect(supervisor.every((c) => c.redFlag || c.flags.includes('extension_pending'))).toBe(true);
    const handler = await inboxFor(database.db, people.transportHandler);
    expect(handler.map((c) => c.id)).toContain(id('i', 3));
    expect(handler.every((c) => c.unit === TRANSPORT && ['assigned', 'rectifying'].includes(c.stage))).toBe(true);
    expect(handler.map((c) => c.registeredAt)).toEqual([...handler.map((c) => c.registeredAt)].sort());
  });

  test('the ledger streams in registration order, then ledger number, in batches, none lost at the seams', async () => {
    const day = (n: number) => `2026-12-0${n}T01:00:00.000Z`;
    const rows = [3, 1, 2, 2, 2, 1, 3].map((d, n) => summary({ id: id('x', n), registeredAt: day(d), ledgerNo: `LZ-2026-X0000${6 - n}` }));
    await seed(...rows);
    const seen: string[] = [];
    let batches = 0;
    for await (const batch of ledgerCases(database.db, { from: new Date(day(1)), to: new Date(day(4)) }, 2)) {
      expect(batch.length).toBeLessThanOrEqual(2);
      batches++;
      seen.push(...batch.map((c) => c.ledgerNo));
    }
    const expected = [...rows].sort((a, b) => a.registeredAt.localeCompare(b.registeredAt) || a.ledgerNo.localeCompare(b.ledgerNo));
    expect(seen).toEqual(expected.map((c) => c.ledgerNo));
    expect(batches).toBe(4);
  });
});
