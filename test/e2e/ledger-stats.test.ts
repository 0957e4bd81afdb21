import { DEFAULT_LIMITS } from '../../domain/limits';
/**
 * Unit metrics (GET /stats) and the ledger export (GET /ledger.xlsx, /ledger.csv) against the real worker and
 * dev server: 14 cases registered and driven through the API (loop, review rejection, return, call-backs of
 * every kind incl. dissatisfied, direct answer, merge, red flag, late sign-for and late completion under a
 * county's zero-day limits), then every figure compared with one counted by hand for those cases.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import ExcelJS from 'exceljs';
import type { NewCase } from '../../domain/case';
import type { Actor } from '../../domain/roles';
import { countyLimits, drive, type Drive, expectApiError, expectStatus, type Json, useE2E } from './harness';
import { HEALTH, HOUSING, people, TRANSPORT } from '../support/personas';
import { waitFor } from '../support/polling';

// 并单 on, as a county runs it (the harness turns it off by default): m1 below is a repeat.
const h = useE2E({ limits: DEFAULT_LIMITS });
const d = drive(h);
let county: Drive;

const HEADERS = [
  '台账编号',
  '登记时间',
  '渠道',
  '类型',
  '标题',
  '责任单位',
  '环节',
  '办理时限',
  '办结时间',
  '是否按时',
  '满意度',
  '重办次数',
];

/** Shanghai wall clock to the minute, written out here rather than taken from the code under test. */
const sh = (iso: string | null | undefined): string =>
  iso ? new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '';
const shDay = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

let phoneSeq = 0;
/** Each case its own citizen (phone), so that only the intended repeat is merged (并单). */
const citizen = () => ({ name: '市民', phone: `1390000${String(++phoneSeq).padStart(4, '0')}` });

/** What each case is and what became of it, as the test drove it; the expected ledger row is written by hand. */
interface Known {
  key: string;
  id: string;
  ledgerNo: string;
  channel: string;
  type: string;
  title: string;
  unitName: string;
  stage: string;
  onTime: string;
  satisfaction: string;
  reopens: number;
  unit: string | null;
}
const known: Known[] = [];
let from = '';
let to = '';

beforeAll(async () => {
  from = shDay(Date.now());
  // A county whose sign-for and complaint-handling limits are 0 working days: due the moment the case is
  // assigned, so late sign-fors and late completions happen in real time.
  const limits = countyLimits({ signFor: 0, handling: { complaint: 0 } });
  const taskQueue = `huiying-e2e-county-${randomUUID()}`;
  await h.startWorker({ taskQueue, limits });
  const app = await h.startApp({ taskQueue, limits });
  county = drive(app);
});

const SATISFIED = { result: 'satisfied', resolved: true };
const get = (id: string): Promise<Json> => d.get(id, people.supervisor);
const waitOverdue = (id: string, stage: string) =>
  waitFor(
    `case ${id} overdue in ${stage}`,
    () => get(id),
    (c) => c.stage === stage && c.overdue === true,
    { label: 'overdue after a zero-day limit' },
  );

async function create(
  dr: Drive,
  key: string,
  body: Partial<NewCase>,
  known0: Omit<Known, 'key' | 'id' | 'ledgerNo' | 'channel' | 'type' | 'title'>,
): Promise<string> {
  const c = await dr.create({ citizen: citizen(), ...body });
  known.push({ key, id: c.id, ledgerNo: c.ledgerNo, channel: c.channel, type: c.type, title: c.title, ...known0 });
  return c.id;
}

describe('14 cases driven through the API', () => {
  test('register and drive them', async () => {
    // a1: 县住建局, the whole loop, satisfied and resolved
    const a1 = await create(
      d,
      'a1',
      { channel: 'hotline', type: 'complaint', title: '楼道灯不亮' },
      { unit: HOUSING, unitName: '县住建局', stage: '已办结', onTime: '是', satisfaction: '满意', reopens: 0 },
    );
    await d.toReplied(a1, people.housingHandler);
    await d.act(a1, 'callback', people.operator, SATISFIED);

    // a2: basically satisfied, not resolved; its title needs CSV quoting
    const a2 = await create(
      d,
      'a2',
      { channel: 'mailbox', type: 'help', title: '小区"停车难", 请协调\n第二行' },
      { unit: HOUSING, unitName: '县住建局', stage: '已办结', onTime: '是', satisfaction: '基本满意', reopens: 0 },
    );
    await d.toReplied(a2, people.housingHandler);
    await d.act(a2, 'callback', people.operator, { result: 'basically_satisfied', resolved: false });

    // a3: dissatisfied → reopened (重办) to the same unit; a title that would be a formula in a spreadsheet
    const a3 = await create(
      d,
      'a3',
      { channel: 'online', type: 'suggestion', title: '=1+1 建议增设公交站' },
      { unit: HOUSING, unitName: '县住建局', stage: '整改中', onTime: '是', satisfaction: '不满意', reopens: 1 },
    );
    await d.toReplied(a3, people.housingHandler);
    expect(await d.act(a3, 'callback', people.operator, { result: 'dissatisfied', resolved: false })).toMatchObject({
      stage: 'rectifying',
      reopenCount: 1,
    });

    // a4: rejected at level 2, resubmitted, approved; the citizen cannot be reached
    const a4 = await create(
      d,
      'a4',
      { channel: 'window', type: 'report', title: '举报违规施工' },
      { unit: HOUSING, unitName: '县住建局', stage: '已办结', onTime: '是', satisfaction: '无法联系', reopens: 0 },
    );
    await d.toReviewing(a4, people.housingHandler);
    await d.act(a4, 'review', people.reviewer1, { level: 1, decision: 'approve' });
    await d.act(a4, 'review', people.reviewer2, { level: 2, decision: 'reject', comment: '证据不足' });
    await d.act(a4, 'submit', people.housingHandler, { result: '补充现场照片' });
    await d.approveLevels(a4);
    await d.act(a4, 'callback', people.operator, { result: 'unreachable' });

    // a5: returned by 县交通运输局, re-assigned to 县住建局, signed for
    const a5 = await create(
      d,
      'a5',
      { title: '道路施工噪音' },
      { unit: HOUSING, unitName: '县住建局', stage: '整改中', onTime: '—', satisfaction: '', reopens: 0 },
    );
    await d.assign(a5, TRANSPORT);
    await d.act(a5, 'return', people.transportHandler, { reason: '不属于本单位职责' });
    await d.act(a5, 'return/decision', people.dispatcher, { accept: true });
    await d.assignAndAccept(a5, people.housingHandler);

    // a6: returned by 县卫健局, awaiting re-assignment
    const a6 = await create(
      d,
      'a6',
      { title: '噪音扰民' },
      { unit: null, unitName: '', stage: '已登记', onTime: '—', satisfaction: '', reopens: 0 },
    );
    await d.assign(a6, HEALTH);
    await d.act(a6, 'return', people.healthHandler, { reason: '应由住建部门办理' });
    await d.act(a6, 'return/decision', people.dispatcher, { accept: true, note: '同意退单' });

    // t1: 县交通运输局, assigned, not yet signed for (within its limit)
    const t1Citizen = citizen();
    const t1Body = {
      citizen: t1Citizen,
      type: 'complaint' as const,
      title: '公交车长期晚点',
      content: '5路公交车早高峰经常晚点半小时以上，影响上班。',
    };
    const t1 = await create(d, 't1', t1Body, {
      unit: TRANSPORT,
      unitName: '县交通运输局',
      stage: '已交办',
      onTime: '—',
      satisfaction: '',
      reopens: 0,
    });
    await d.assign(t1, TRANSPORT);

    // t2: 县交通运输局, the whole loop, satisfied and resolved
    const t2 = await create(
      d,
      't2',
      { type: 'help', title: '路面坑洼' },
      { unit: TRANSPORT, unitName: '县交通运输局', stage: '已办结', onTime: '是', satisfaction: '满意', reopens: 0 },
    );
    await d.toReplied(t2, people.transportHandler);
    await d.act(t2, 'callback', people.operator, SATISFIED);

    // d1: a consultation answered directly (直接答复): the hotline's own
    await create(
      d,
      'd1',
      { type: 'consultation', title: '社保卡办理地点', answer: '请到县政务服务中心一楼社保窗口办理。' },
      { unit: null, unitName: '话务直办', stage: '已办结', onTime: '是', satisfaction: '', reopens: 0 },
    );

    // m1: the same citizen calls again about t1 while it is open → merged (并单) at intake
    await waitFor(
      't1 in visibility, for the repeat to find it',
      () => h.client.workflow.count(`WorkflowType = 'caseWorkflowV2' AND WorkflowId = 'case-${t1}' AND HuiyingStage = 'assigned'`),
      (x) => x.count === 1,
    );
    const m1 = await create(
      d,
      'm1',
      { ...t1Body, title: '公交车长期晚点' },
      { unit: null, unitName: '', stage: '已办结（并单）', onTime: '—', satisfaction: '', reopens: 0 },
    );
    expect(await get(m1)).toMatchObject({ stage: 'closed', mergedInto: { id: t1 } });

    // r1: registered ten working days ago (started past the API, with the API's recipe: its title in the memo),
    // red-flagged, then assigned to 县卫健局 and signed for
    const r1Title = '卫生院挂号排队过长';
    const r1At = h.calendar.subtractWorkingDays(new Date(), 10).at;
    // The period starts on r1's own registration day: reports count a case by its registration time (the read
    // model's), not by when its workflow started, so a backdated case belongs to the day it is backdated to.
    from = shDay(r1At.getTime());
    const back = await h.startBackdatedCase(r1At, {
      citizen: citizen(),
      type: 'help',
      title: r1Title,
    });
    await waitFor(
      'the backdated case red-flagged',
      () => get(back.id),
      (c) => c.redFlag === true,
      { label: 'red flag (backdated)' },
    );
    known.push({
      key: 'r1',
      id: back.id,
      ledgerNo: back.ledgerNo,
      channel: 'hotline',
      type: 'help',
      title: r1Title,
      unit: HEALTH,
      unitName: '县卫健局',
      stage: '整改中',
      onTime: '—',
      satisfaction: '',
      reopens: 0,
    });
    await d.assignAndAccept(back.id, people.healthHandler);

    // k1 (county limits): signed for late, completed late, satisfied and resolved
    const k1 = await create(
      county,
      'k1',
      { title: '桥梁护栏破损' },
      { unit: TRANSPORT, unitName: '县交通运输局', stage: '已办结', onTime: '否', satisfaction: '满意', reopens: 0 },
    );
    await county.assign(k1, TRANSPORT);
    await waitOverdue(k1, 'assigned');
    expect((await county.act(k1, 'accept', people.transportHandler, {})).outcome).toMatchObject({ signedLate: true });
    await waitOverdue(k1, 'rectifying');
    await county.act(k1, 'submit', people.transportHandler, { result: '护栏已修复' });
    expect((await county.approveLevels(k1)).outcome).toMatchObject({ completedLate: true });
    await county.act(k1, 'callback', people.operator, SATISFIED);

    // k2 (county limits): 县卫健局 has not signed for it, past the deadline
    const k2 = await create(
      county,
      'k2',
      { title: '诊所收费不规范' },
      { unit: HEALTH, unitName: '县卫健局', stage: '已交办', onTime: '—', satisfaction: '', reopens: 0 },
    );
    await county.assign(k2, HEALTH);
    await waitOverdue(k2, 'assigned');

    // k3 (county limits): 县住建局 signed for it late and is still handling it past the deadline
    const k3 = await create(
      county,
      'k3',
      { title: '违建未拆除' },
      { unit: HOUSING, unitName: '县住建局', stage: '整改中', onTime: '否', satisfaction: '', reopens: 0 },
    );
    await county.assign(k3, HOUSING);
    await waitOverdue(k3, 'assigned');
    await county.act(k3, 'accept', people.housingHandler, {});
    await waitOverdue(k3, 'rectifying');

    to = new Date(Date.parse(`${shDay(Date.now())}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(known).toHaveLength(14);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Unit metrics, counted by hand from the cases above.

const r = (numerator: number, denominator: number, rate: number | null) => ({ numerator, denominator, rate });
const none = r(0, 0, null);
const sat = (
  n: number,
  dn: number,
  rate: number | null,
  satisfied: number,
  basicallySatisfied: number,
  dissatisfied: number,
  unreachable: number,
) => ({
  ...r(n, dn, rate),
  satisfied,
  basicallySatisfied,
  dissatisfied,
  unreachable,
});

const EXPECTED: Record<string, Json> = {
  // received a1 a2 a3 a4 a5 k3
  [HOUSING]: {
    unit: HOUSING,
    name: '县住建局',
    received: 6,
    onTimeSignFor: r(5, 6, 0.8333), // all six signed; k3 late
    onTimeCompletion: r(4, 5, 0.8), // completed a1–a4 on time; k3 still handling past its deadline
    satisfaction: sat(2, 3, 0.6667, 1, 1, 1, 1), // a1 satisfied, a2 basically, a3 dissatisfied; a4 unreachable
    resolution: r(1, 3, 0.3333), // a1 resolved; a2 a3 not
    returns: r(0, 6, 0),
    returnsRefused: 0,
    supported: 0,
    reopens: r(1, 4, 0.25), // a3 of the four completed
    overdue: 1, // k3
    redFlags: 0,
  },
  // received t1 t2 k1 (m1 was merged into t1: not received)
  [TRANSPORT]: {
    unit: TRANSPORT,
    name: '县交通运输局',
    received: 3,
    onTimeSignFor: r(1, 2, 0.5), // t2 on time, k1 late; t1 not signed, within its limit
    onTimeCompletion: r(1, 2, 0.5), // t2 on time, k1 late
    satisfaction: sat(2, 2, 1, 2, 0, 0, 0),
    resolution: r(2, 2, 1),
    returns: r(1, 4, 0.25), // it returned a5
    returnsRefused: 0,
    supported: 0,
    reopens: r(0, 2, 0),
    overdue: 1, // k1
    redFlags: 0,
  },
  // received r1 k2
  [HEALTH]: {
    unit: HEALTH,
    name: '县卫健局',
    received: 2,
    onTimeSignFor: r(1, 2, 0.5), // r1 on time; k2 unsigned past its deadline
    onTimeCompletion: none,
    satisfaction: sat(0, 0, null, 0, 0, 0, 0),
    resolution: none,
    returns: r(1, 3, 0.3333), // it returned a6
    returnsRefused: 0,
    supported: 0,
    reopens: none,
    overdue: 2, // r1 (before assignment) and k2
    redFlags: 1, // r1
  },
  hotline: {
    unit: 'hotline',
    name: '话务直办',
    received: 1, // d1
    onTimeSignFor: none,
    onTimeCompletion: r(1, 1, 1),
    satisfaction: sat(0, 0, null, 0, 0, 0, 0), // not called back
    resolution: none,
    returns: r(0, 1, 0),
    returnsRefused: 0,
    supported: 0,
    reopens: r(0, 1, 0),
    overdue: 0,
    redFlags: 0,
  },
};

async function stats(query: string, actor: Actor = people.supervisor): Promise<Json> {
  return expectStatus(await h.api('GET', `/stats?from=${from}&to=${to}${query}`, { token: actor }), 200);
}

describe('GET /stats', () => {
  test('every figure equals the hand count (all units)', async () => {
    const pick = (s: Json) => ({
      totals: [s.registered, s.merged, s.unassigned],
      lines: Object.fromEntries(s.units.filter((l: Json) => l.unit in EXPECTED).map((l: Json) => [l.unit, l])),
    });
    const expected = { totals: [14, 1, 1], lines: EXPECTED }; // 6 + 3 + 2 + 1 received, m1 merged, a6 unassigned
    const s = await waitFor(
      'visibility to settle on the hand-counted figures',
      () => stats(''),
      (x) => isDeepStrictEqual(pick(x), expected),
      { timeoutMs: 30_000, label: 'visibility: stats' },
    );
    expect(pick(s)).toEqual(expected);
    expect(s).toMatchObject({ from, to, timeZone: 'Asia/Shanghai', unit: null });
    // Every unit of the directory has its line (zeros, null rates), then the hotline.
    expect(s.units.map((l: Json) => l.unit)).toEqual([...h.units.units.map((u) => u.code), 'hotline']);
    for (const l of s.units.filter((x: Json) => !(x.unit in EXPECTED)))
      expect(l).toMatchObject({ received: 0, returns: none, onTimeCompletion: none });
  });

  test("one unit: its line alone, returns included (the cases it returned are now others')", async () => {
    expect(await stats(`&unit=${TRANSPORT}`)).toEqual({
      from,
      to,
      timeZone: 'Asia/Shanghai',
      unit: TRANSPORT,
      units: [EXPECTED[TRANSPORT]],
    });
    expect((await stats(`&unit=${HEALTH}`, people.admin)).units).toEqual([EXPECTED[HEALTH]]);
    expect((await stats('&unit=hotline')).units).toEqual([EXPECTED.hotline]);
  });

  test("a handler sees only its own unit's line; operators, dispatchers and reviewers none", async () => {
    const own = await stats('', people.housingHandler);
    expect(own).toMatchObject({ unit: HOUSING, units: [EXPECTED[HOUSING]] });
    expect(await stats(`&unit=${HOUSING}`, people.housingHandler)).toEqual(own);
    expectApiError(await h.api('GET', `/stats?unit=${TRANSPORT}`, { token: people.housingHandler }), 403, 'forbidden');
    for (const actor of [people.operator, people.dispatcher, people.reviewer1])
      expectApiError(await h.api('GET', '/stats', { token: actor }), 403, 'forbidden');
    expectApiError(await h.api('GET', '/stats'), 401, 'unauthorized');
  });

  test('bad filters are 400s naming the field; the default period is the current month', async () => {
    const bad = expectApiError(
      await h.api('GET', '/stats?from=2026-13-01&unit=nowhere', { token: people.supervisor }),
      400,
      'invalid_input',
    );
    expect(bad.details.map((x: Json) => x.field).sort()).toEqual(['query.from', 'query.unit']);
    const empty = expectApiError(await h.api('GET', `/stats?from=${from}&to=${from}`, { token: people.supervisor }), 400, 'invalid_input');
    expect(empty.details[0].field).toBe('query.to');
    const month = expectStatus(await h.api('GET', '/stats', { token: people.supervisor }), 200);
    expect(month.from).toBe(`${shDay(Date.now()).slice(0, 7)}-01`);
    if (from.slice(0, 7) === shDay(Date.now()).slice(0, 7)) expect(month.registered).toBe(14);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The ledger.

async function download(
  path: string,
  actor: Actor = people.supervisor,
  base = h.baseUrl,
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${await h.token(actor)}` } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function xlsxRows(buffer: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as never);
  const sheet = workbook.getWorksheet('台账')!;
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    rows.push(HEADERS.map((_, i) => String(row.getCell(i + 1).value ?? '')));
  });
  return rows;
}

/** RFC 4180, written here so the test does not trust the exporter's own quoting. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const CHANNEL: Record<string, string> = { hotline: '12345热线', mailbox: '领导信箱', online: '网络问政', window: '窗口' };
const TYPE: Record<string, string> = { consultation: '咨询', help: '求助', suggestion: '建议', complaint: '投诉', report: '举报' };

let summaries: Map<string, Json>;
let states: Map<string, Json>;

/** The expected row of a case: hand-known labels; times from its state (registration: the case's own, as the list shows it). */
function expectedRow(k: Known): string[] {
  const state = states.get(k.id);
  return [
    k.ledgerNo,
    sh(summaries.get(k.id).registeredAt),
    CHANNEL[k.channel],
    TYPE[k.type],
    k.title,
    k.unitName,
    k.stage,
    sh(state.dueAt),
    sh(state.closedAt),
    k.onTime,
    k.satisfaction,
    String(k.reopens),
  ];
}
/** In registration order (then ledger number), by each case's own state: r1, backdated, comes first. */
const rowsOf = (keys: string[]) =>
  known
    .filter((k) => keys.includes(k.key))
    .sort((a, b) => states.get(a.id).registeredAt.localeCompare(states.get(b.id).registeredAt) || a.ledgerNo.localeCompare(b.ledgerNo))
    .map(expectedRow);
const ALL = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 't1', 't2', 'd1', 'm1', 'r1', 'k1', 'k2', 'k3'];

describe('GET /ledger.xlsx and /ledger.csv', () => {
  beforeAll(async () => {
    states = new Map(await Promise.all(known.map(async (k) => [k.id, await get(k.id)] as [string, Json])));
    const list = expectStatus(await h.api('GET', '/cases?pageSize=200', { token: people.supervisor }), 200).items as Json[];
    summaries = new Map(list.map((s) => [s.id, s]));
    for (const k of known) {
      const state = states.get(k.id);
      // The list's (and the ledger's) registration time is the case's own, r1's backdated one included.
      expect(summaries.get(k.id).registeredAt).toBe(state.registeredAt);
      expect(summaries.get(k.id).dueAt).toBe(state.dueAt);
    }
  });

  test('the xlsx opens with exceljs and holds exactly the 14 rows, in registration order, under the Chinese headers', async () => {
    const res = await download(`/ledger.xlsx?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    // The period is the test's day (two, if it ran across midnight): both dates included in the name.
    const last = new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="ledger-${last === from ? from : `${from}_${last}`}.xlsx"`);
    const rows = await xlsxRows(res.body);
    expect(rows[0]).toEqual(HEADERS);
    expect(rows.slice(1)).toEqual(rowsOf(ALL));
    // The formula-looking title is a plain text cell.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as never);
    const a3 = workbook
      .getWorksheet('台账')!
      .getRow(2 + rowsOf(ALL).findIndex((row) => row[0] === known.find((k) => k.key === 'a3')!.ledgerNo))
      .getCell(5);
    expect(a3.type).toBe(ExcelJS.ValueType.String);
    expect(a3.value).toBe('=1+1 建议增设公交站');
    // No personal data: neither the citizens' names nor any phone number.
    const flat = rows.flat().join('|');
    expect(flat).not.toMatch(/市民|张市民|1390000|13800001234/);
  });

  test('the csv (UTF-8 with BOM, RFC 4180) parses to the same rows', async () => {
    const res = await download(`/ledger.csv?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="ledger-[0-9-_]+\.csv"$/);
    expect([...res.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(res.body.toString('utf8').slice(1));
    expect(rows[0]).toEqual(HEADERS);
    // The same rows as the xlsx, but for the apostrophe that keeps a spreadsheet from running the title as a formula.
    const expected = rowsOf(ALL).map((row) =>
      row[0] === known.find((k) => k.key === 'a3')!.ledgerNo ? row.map((v, i) => (i === 4 ? `'${v}` : v)) : row,
    );
    expect(rows.slice(1)).toEqual(expected);
    expect(rows.slice(1).find((row) => row[0] === known.find((k) => k.key === 'a2')!.ledgerNo)![4]).toBe('小区"停车难", 请协调\n第二行');
  });

  test('filters: unit (the holder now, or the hotline), stage, type, and an empty period', async () => {
    const csv = async (query: string, actor: Actor = people.supervisor) => {
      const res = await download(`/ledger.csv?from=${from}&to=${to}${query}`, actor);
      if (res.status !== 200) throw new Error(`${res.status} ${res.body.toString()}`);
      return parseCsv(res.body.toString('utf8').slice(1))
        .slice(1)
        .map((row) => row[0]);
    };
    const nos = (keys: string[]) => known.filter((k) => keys.includes(k.key)).map((k) => k.ledgerNo);
    expect(await csv(`&unit=${TRANSPORT}`)).toEqual(nos(['t1', 't2', 'k1']));
    expect(await csv('&unit=hotline')).toEqual(nos(['d1']));
    expect(await csv('&stage=closed')).toEqual(nos(['a1', 'a2', 'a4', 't2', 'd1', 'm1', 'k1']));
    expect(await csv('&type=consultation')).toEqual(nos(['d1']));
    expect(await csv(`&unit=${HOUSING}&stage=rectifying`)).toEqual(nos(['a3', 'a5', 'k3']));
    const past = await download('/ledger.xlsx?from=2020-01-01&to=2020-02-01');
    expect(past.headers.get('content-disposition')).toBe('attachment; filename="ledger-2020-01.xlsx"');
    expect(await xlsxRows(past.body)).toEqual([HEADERS]);
  });

  test('bad filters are 400s naming the field', async () => {
    const bad = expectApiError(
      await h.api('GET', '/ledger.xlsx?stage=nope&type=x&from=2026-02-30', { token: people.supervisor }),
      400,
      'invalid_input',
    );
    expect(bad.details.map((x: Json) => x.field).sort()).toEqual(['query.from', 'query.stage', 'query.type']);
    expect(
      expectApiError(await h.api('GET', '/ledger.csv?unit=nowhere', { token: people.supervisor }), 400, 'invalid_input').details[0].field,
    ).toBe('query.unit');
    expect(
      expectApiError(await h.api('GET', '/ledger.csv?from=2026-11-10&to=2026-11-01', { token: people.supervisor }), 400, 'invalid_input')
        .details[0].field,
    ).toBe('query.to');
    expectApiError(await h.api('GET', '/ledger.csv'), 401, 'unauthorized');
  });

  test("a handler exports only its own unit's cases; another unit is a 403", async () => {
    const own = await download(`/ledger.xlsx?from=${from}&to=${to}`, people.housingHandler);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-disposition')).toMatch(/-housing-construction\.xlsx"$/);
    expect((await xlsxRows(own.body)).slice(1)).toEqual(rowsOf(['a1', 'a2', 'a3', 'a4', 'a5', 'k3']));
    const other = await h.api('GET', `/ledger.csv?from=${from}&to=${to}&unit=${TRANSPORT}`, { token: people.transportHandler });
    expect(other.status).toBe(200);
    expectApiError(await h.api('GET', `/ledger.csv?unit=${TRANSPORT}`, { token: people.housingHandler }), 403, 'forbidden');
    expectApiError(await h.api('GET', `/ledger.xlsx?unit=${TRANSPORT}`, { token: people.healthHandler }), 403, 'forbidden');
  });

  test('the onExport hook hears of every export: who, which filter, which format, how many rows', async () => {
    const heard: Json[] = [];
    const app = await h.startApp({ onExport: (actor, filter, format, rows) => void heard.push({ actor: actor.id, filter, format, rows }) });
    expect((await download(`/ledger.csv?from=${from}&to=${to}&stage=closed`, people.supervisor, app.baseUrl)).status).toBe(200);
    expect((await download(`/ledger.xlsx?from=${from}&to=${to}`, people.housingHandler, app.baseUrl)).status).toBe(200);
    expect((await download('/ledger.xlsx?unit=transport', people.housingHandler, app.baseUrl)).status).toBe(403);
    // The hook runs once the last byte is written, which may be just after the client has read it.
    await waitFor(
      'both exports heard',
      async () => heard.length,
      (n) => n >= 2,
    );
    expect(heard).toEqual([
      { actor: people.supervisor.id, filter: { from, to, stage: 'closed' }, format: 'csv', rows: 7 },
      { actor: people.housingHandler.id, filter: { from, to, unit: HOUSING }, format: 'xlsx', rows: 6 },
    ]);
  });
});
