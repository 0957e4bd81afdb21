/**
 * The reads of the read model (db/*-queries.ts and the API functions over them) on a real PostgreSQL, with rows
 * seeded by `recordSummary` (or one INSERT for thousands): no Temporal. GET /cases filters and keyset pages, the
 * page token's checks, the supervisors' view beyond any cap, the spot-check draw's population, the ledger's order.
 */
import { closedCasesToSample } from '../../db/spot-check-queries';
import { openCaseCounts } from '../../db/supervision-queries';
import { workloadTable } from '../../domain/workload';
import { summaryRow } from '../support/summaries';
import { ledgerCases } from '../../db/ledger-queries';
import { metricsCases } from '../../db/metrics-queries';
import { recordSummary } from '../../db/case-summaries';
import { CaseListQuerySchema, listCases } from '../../api/case-list';
import { ApiError } from '../../api/errors';
import { inboxFor } from '../../api/inbox';
import { classifyStuck, findStuckCases, StuckQuerySchema, type StuckFilter } from '../../api/supervision';
import type { StuckCase, StuckPage } from '../../domain/stuck';
import { parseQuery } from '../../api/validate';
import { createCalendar } from '../../domain/calendar';
import { SATISFACTIONS, STAGES, type RequestType, type Stage } from '../../domain/case';
import { DEFAULT_LIMITS } from '../../domain/limits';
import type { Actor } from '../../domain/roles';
import { computeUnitMetrics, HOTLINE, type MetricsCase } from '../../domain/metrics';
import { FLAGS, returnedByFlag } from '../../domain/search';
import { listedCase, type CaseSummary } from '../../domain/summary';
import { UnitDirectory } from '../../domain/units';
import { createTestDatabase } from '../support/database';
import { useHarness } from '../support/lifecycle';
import { HEALTH, HOUSING, people, TRANSPORT } from '../support/personas';

const calendar = createCalendar();
/** Stands in for the API's keyed hash of a phone (api/ids.ts citizenKeyOf): digits only, as it hashes them. */
const phoneKey = (phone: string) => `key-${phone.replace(/\D/g, '')}`;
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
      const page = await listCases(database.db, actor, q, phoneKey);
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
    const first = (await listCases(database.db, people.transportHandler, parseQuery(CaseListQuerySchema, {}), phoneKey)).items[0];
    expect(first).toMatchObject({ status: 'RUNNING', unit: TRANSPORT });
    expect(first).not.toHaveProperty('citizenKey');
    expect(first).not.toHaveProperty('version');
    expect(JSON.stringify(first)).not.toContain('secret-key');
    await expect(
      listCases(database.db, people.transportHandler, parseQuery(CaseListQuerySchema, { unit: HOUSING }), phoneKey),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
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
    const { items, pages, last } = await walkStuck({ unit: HEALTH, limit: 1000 });
    expect(pages).toBe(3);
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.size).toBe(items.length);
    expect(items.filter((i) => i.id.startsWith('s'))).toHaveLength(2500);
    expect(last).toMatchObject({ total: 2502, byReason: { overdue: 1, due_soon: 1, stalled: 2500 }, nextPageToken: null });
    expect(byId.get(id('o', 1))).toMatchObject({ reasons: ['overdue'], late: { workingDays: expect.any(Number) } });
    expect(byId.get(id('o', 2))?.reasons).toEqual(['due_soon']);
    for (const n of [3, 4, 5]) expect(byId.has(id('o', n))).toBe(false);
    expect(items[0].id).toBe(id('o', 1)); // the red flag first
    expect(byId.get(id('s', 1))).toMatchObject({
      reasons: ['stalled'],
      stage: 'assigned',
      status: 'RUNNING',
      inStageWorkingDays: calendar.workingDaysBetween(new Date(longAgo), NOW),
    });
    // The stage filter narrows the same selection.
    const rectifying = await findStuckCases(database.db, calendar, DEFAULT_LIMITS, { unit: HEALTH, stage: 'rectifying' }, NOW);
    expect(rectifying.items.map((i) => i.id).sort()).toEqual([id('o', 1), id('o', 2)]);
    expect(rectifying).toMatchObject({ total: 2, nextPageToken: null, byReason: { overdue: 1, due_soon: 1, stalled: 0 } });
  });

  test('250 stuck cases in pages of 100: each exactly once, most severe first across pages, totals exact on every page', async () => {
    const PAGED = 'paged-unit'; // a unit of its own: no other test's rows
    // Ties on purpose: red flags, lateness in whole hours and due times shared by many, so only the id orders them.
    const rows: CaseSummary[] = [];
    for (let n = 1; n <= 250; n++) {
      const kind = n % 5;
      rows.push(
        summary({
          id: id('p', n),
          stage: kind === 4 ? 'registered' : 'rectifying',
          unit: PAGED,
          stageSince: iso(NOW.getTime() - (kind === 3 || kind === 4 ? 30 : 12) * DAY),
          dueAt:
            kind === 0 || kind === 1
              ? iso(NOW.getTime() - (n % 7) * 3_600_000 - 60_000) // overdue by 0..6 whole hours
              : kind === 2
                ? iso(NOW.getTime() + 3_600_000) // due soon
                : kind === 3
                  ? iso(NOW.getTime() + 30 * DAY) // stalled only
                  : null, // registered long ago, no deadline: stalled only
          overdue: kind === 0,
          redFlag: kind === 0 && n % 3 === 0,
        }),
      );
    }
    // Not stuck: recently in their stage, far from due.
    for (let n = 1; n <= 20; n++) rows.push(summary({ id: id('q', n), stage: 'rectifying', unit: PAGED }));
    await seed(...rows);

    const firstPage = await findStuckCases(database.db, calendar, DEFAULT_LIMITS, { unit: PAGED }, NOW);
    expect(firstPage.items).toHaveLength(100); // the default page
    const { items, pages, totals } = await walkStuck({ unit: PAGED, limit: 100 }, new Date(NOW.getTime() + 5 * 60_000));
    expect(pages).toBe(3);
    expect(items.map((i) => i.id).sort()).toEqual(
      rows
        .slice(0, 250)
        .map((r) => r.id)
        .sort(),
    );
    // The same totals on every page, and exact.
    const expected = { total: 250, byReason: { overdue: 100, due_soon: 50, stalled: 100 } };
    for (const t of totals) expect(t).toMatchObject(expected);
    // One order over all the pages, the order of the whole view classified at once.
    const whole = await findStuckCases(database.db, calendar, DEFAULT_LIMITS, { unit: PAGED, limit: 1000 }, NOW);
    expect(whole.nextPageToken).toBeNull();
    expect(items.map((i) => i.id)).toEqual(whole.items.map((i) => i.id));
    // And exactly what the pure rule says of all the rows at once (reasons, late, days in stage, order).
    expect(items).toEqual(classifyStuck(rows.map(listedCase), calendar, DEFAULT_LIMITS, NOW));
    expect(items.slice(0, 16).every((i) => i.redFlag)).toBe(true);
    expect(items.filter((i) => i.redFlag)).toHaveLength(16);
    // Walked with a later clock, the pages after the first still classify at the first page's instant (asOf).
    expect(new Set(totals.map((t) => t.asOf))).toEqual(new Set([NOW.toISOString()]));
  });

  test('a malformed or altered stuck page token is a 400 naming query.pageToken; limit is 1..1000', () => {
    const good = Buffer.from(JSON.stringify([NOW.toISOString(), 0, 3, NOW.toISOString(), 'abc'])).toString('base64url');
    expect(parseQuery(StuckQuerySchema, { pageToken: good }).pageToken).toMatchObject({ asOf: NOW, key: { redFlag: false, lateHours: 3 } });
    const bad = [
      'not a token!',
      Buffer.from('{"x":1}').toString('base64url'),
      Buffer.from(JSON.stringify([NOW.toISOString(), 2, 3, null, 'abc'])).toString('base64url'),
      Buffer.from(JSON.stringify(['yesterday', 0, 3, null, 'abc'])).toString('base64url'),
      good.slice(0, -3),
    ];
    for (const pageToken of bad) {
      expect(() => parseQuery(StuckQuerySchema, { pageToken })).toThrow(ApiError);
      try {
        parseQuery(StuckQuerySchema, { pageToken });
      } catch (err) {
        expect(err).toMatchObject({ code: 'invalid_input', details: [expect.objectContaining({ field: 'query.pageToken' })] });
      }
    }
    expect(parseQuery(StuckQuerySchema, {})).toMatchObject({ limit: 100 });
    for (const limit of ['0', '1001', 'x']) {
      expect(() => parseQuery(StuckQuerySchema, { limit })).toThrow(ApiError);
    }
  });
});

/** Walks GET /supervision/stuck's pages as a client would, through the query schema (the token as a string). */
async function walkStuck(
  filter: Omit<StuckFilter, 'pageToken'>,
  clock = NOW,
): Promise<{ items: StuckCase[]; pages: number; last: StuckPage; totals: Pick<StuckPage, 'total' | 'byReason' | 'asOf'>[] }> {
  const items: StuckCase[] = [];
  const totals: Pick<StuckPage, 'total' | 'byReason' | 'asOf'>[] = [];
  let token: string | null = null;
  let pages = 0;
  let page: StuckPage;
  do {
    const q = parseQuery(StuckQuerySchema, { ...filter, ...(token ? { pageToken: token } : {}) });
    // The first page at NOW; the later ones with the clock moved on: the token carries the first page's instant.
    page = await findStuckCases(database.db, calendar, DEFAULT_LIMITS, q, pages === 0 ? NOW : clock);
    pages++;
    items.push(...page.items);
    totals.push({ total: page.total, byReason: page.byReason, asOf: page.asOf });
    token = page.nextPageToken;
    if (pages > 1000) throw new Error('endless pages');
  } while (token);
  return { items, pages, last: page, totals };
}

describe('unit metrics: the grouped SELECT counts as the domain counts the rows one by one', () => {
  test('a varied month (every stage, unit, marker mix, satisfaction, reopenings, overdue), all lines and each unit', async () => {
    const units = new UnitDirectory([
      { code: HOUSING, name: '县住建局' },
      { code: TRANSPORT, name: '县交通运输局' },
      { code: HEALTH, name: '县卫健局' },
    ]);
    const from = new Date('2027-01-01T00:00:00+08:00');
    const to = new Date('2027-02-01T00:00:00+08:00');
    let state = 20_270_101;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const codes = [HOUSING, TRANSPORT, HEALTH, 'old-unit', null];
    const rows: CaseSummary[] = [];
    for (let n = 0; n < 1500; n++) {
      const flags = FLAGS.filter(() => random() < 0.25) as string[];
      for (const code of [HOUSING, TRANSPORT, HEALTH, 'old-unit']) if (random() < 0.08) flags.push(returnedByFlag(code));
      if (random() < 0.05) flags.push('spot_check_round:2027-01');
      const inPeriod = n % 50 !== 0;
      rows.push(
        summary({
          id: id('m', n),
          stage: pick(STAGES),
          unit: pick(codes),
          overdue: random() < 0.3,
          reopenCount: pick([0, 0, 0, 1, 2]),
          flags: random() < 0.4 ? [] : flags, // many alike, so groups hold several cases
          satisfaction: pick([...SATISFACTIONS, null, null]),
          // Every 50th just outside the period, on either side of it.
          registeredAt: inPeriod
            ? iso(from.getTime() + (n % 30) * DAY + 3_600_000)
            : iso(n % 100 === 0 ? from.getTime() - 1 : to.getTime()),
        }),
      );
    }
    await seed(...rows);
    const inPeriod = rows.filter((r) => r.registeredAt >= from.toISOString() && r.registeredAt < to.toISOString());
    expect(inPeriod).toHaveLength(1470);

    const grouped = await metricsCases(database.db, { from, to });
    expect(grouped.length).toBeLessThan(inPeriod.length); // it does group
    expect(grouped.reduce((n, c) => n + (c.count ?? 0), 0)).toBe(inPeriod.length);
    const oneByOne = (select: (r: CaseSummary) => boolean) =>
      computeUnitMetrics(
        inPeriod.filter(select).map((r): MetricsCase => r),
        units,
      );
    expect(computeUnitMetrics(grouped, units)).toEqual(oneByOne(() => true));
    for (const code of [HOUSING, TRANSPORT, HEALTH, 'old-unit']) {
      const one = await metricsCases(database.db, { from, to, unit: { code } });
      expect(computeUnitMetrics(one, units)).toEqual(oneByOne((r) => r.unit === code || r.flags.includes(returnedByFlag(code))));
    }
    const hotline = await metricsCases(database.db, { from, to, unit: HOTLINE });
    expect(computeUnitMetrics(hotline, units)).toEqual(oneByOne((r) => r.flags.includes('direct_answer')));
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
        flags: ['extension_pending', returnedByFlag(HEALTH)],
        registeredAt: '2026-01-03T00:00:00.000Z',
      }),
      summary({ id: id('i', 4), stage: 'reviewing', unit: TRANSPORT, reviewLevel: 2, archived: true }),
    );
    expect((await inboxFor(database.db, people.reviewer2, calendar)).map((c) => [c.id, c.awaiting])).toEqual([[id('i', 1), 'review']]);
    const supervisor = await inboxFor(database.db, people.supervisor, calendar);
    expect(supervisor.find((c) => c.id === id('i', 3))?.awaiting).toBe('extension_decision');
    expect(supervisor.every((c) => c.redFlag || c.flags.includes('extension_pending') || c.flags.includes('appeal_pending'))).toBe(true);
    const handler = await inboxFor(database.db, people.transportHandler, calendar);
    expect(handler.map((c) => c.id)).toContain(id('i', 3));
    expect(handler.every((c) => c.unit === TRANSPORT && ['assigned', 'rectifying'].includes(c.stage))).toBe(true);
    expect(handler.map((c) => c.registeredAt)).toEqual([...handler.map((c) => c.registeredAt)].sort());
    // Working days to the deadline on the county's calendar, as the console shows them (negative: late).
    for (const c of handler) expect(c.workingDaysLeft).toBe(c.dueAt ? calendar.workingDaysBetween(new Date(), new Date(c.dueAt)) : null);
    // The units that returned a case, read from its markers, for the dispatcher's list.
    expect(handler.find((c) => c.id === id('i', 3))?.returnedBy).toEqual([HEALTH]);
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

describe('a citizen by phone, and the workload table, on a database of their own', () => {
  const own = useHarness(async () => {
    const d = await createTestDatabase();
    return { ...d, teardown: d.drop };
  });
  const A = '138-0013-8000';
  const rows = [
    summary({ id: id('p', 0), citizenKey: phoneKey(A), unit: HOUSING, stage: 'rectifying', overdue: true }),
    summary({ id: id('p', 1), citizenKey: phoneKey(A), unit: HOUSING, stage: 'closed' }),
    summary({ id: id('p', 2), citizenKey: phoneKey('13900139000'), unit: HOUSING, stage: 'rectifying', redFlag: true }),
    summary({ id: id('p', 3), citizenKey: phoneKey(A), unit: null, stage: 'registered' }),
    summary({ id: id('p', 4), citizenKey: phoneKey(A), unit: TRANSPORT, stage: 'reviewing', reviewLevel: 2 }),
    summary({ id: id('p', 5), citizenKey: phoneKey(A), unit: TRANSPORT, stage: 'assigned', archived: true }),
  ];
  beforeAll(async () => {
    for (const row of rows) await recordSummary(own.db, row);
  });
  const lookUp = (actor: Actor, query: Record<string, string>) =>
    listCases(own.db, actor, parseQuery(CaseListQuerySchema, query), phoneKey);

  test("an operator finds a citizen's cases by phone however it is written; open=true leaves closed and archived out", async () => {
    const all = await lookUp(people.operator, { phone: '13800138000' });
    expect(all.items.map((c) => c.id).sort()).toEqual([0, 1, 3, 4, 5].map((n) => id('p', n)));
    const open = await lookUp(people.operator, { phone: A, open: 'true' });
    expect(open.items.map((c) => c.id).sort()).toEqual([0, 3, 4].map((n) => id('p', n)));
    expect(JSON.stringify(open)).not.toContain(phoneKey(A));
  });

  test('only someone who sees every citizen may look up by phone: a handler, a dispatcher, a supervisor with a unit are refused', async () => {
    for (const actor of [people.housingHandler, people.dispatcher, { ...people.supervisor, unit: HOUSING }]) {
      await expect(lookUp(actor, { phone: A })).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect((await lookUp(people.supervisor, { phone: A, open: 'true' })).items).toHaveLength(3);
    expect(() => parseQuery(CaseListQuerySchema, { phone: 'abc' })).toThrow(ApiError);
  });

  test('open cases by unit and stage: archived and closed left out, unassigned ones on their own row, totals add up', async () => {
    const table = workloadTable(await openCaseCounts(own.db), (code) => `名称-${code}`, NOW);
    expect(table.stages).toEqual(['registered', 'assigned', 'rectifying', 'reviewing', 'replied', 'deciding']);
    expect(table.rows.map((r) => [r.unit, r.name, r.total, r.overdue, r.redFlags])).toEqual([
      [null, '未交办', 1, 0, 0],
      [HOUSING, `名称-${HOUSING}`, 2, 1, 1],
      [TRANSPORT, `名称-${TRANSPORT}`, 1, 0, 0],
    ]);
    expect(table.rows[1].byStage).toMatchObject({ rectifying: 2, registered: 0, reviewing: 0 });
    expect(table.rows[2].byStage.reviewing).toBe(1);
    expect(table.totals).toMatchObject({ total: 4, overdue: 1, redFlags: 1 });
    expect(table.totals.byStage).toMatchObject({ registered: 1, rectifying: 2, reviewing: 1, assigned: 0 });
  });
});
