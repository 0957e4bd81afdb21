/**
 * GET /public/cases/:ledgerNo?phoneLast4= over HTTP against the real worker and dev server: the citizen follows
 * their case through the loop with no token, seeing no person, no phone and no review comment; other digits get the
 * very answer an unknown number gets; malformed input is a 400; the per-address and per-case limits answer 429; each
 * lookup that showed a case is in the audit log.
 */
import type { PublicAccess } from '../../config/defaults';
import { CITIZEN, CITIZEN_PHONE } from '../support/cases';
import { HOUSING, people } from '../support/personas';
import { drive, expectApiError, expectStatus, type ExtraApp, type Json, useE2E } from './harness';

const h = useE2E();
const d = drive(h);
const roomy: PublicAccess = { statusPerWindow: 1000, windowMs: 60_000, partners: [] };
let app: ExtraApp;
beforeAll(async () => {
  app = await h.startApp({ publicAccess: roomy });
});

const look = (ledgerNo: string, phoneLast4: string, on: ExtraApp = app) =>
  on.api('GET', `/public/cases/${ledgerNo}?phoneLast4=${phoneLast4}`);

/** What must never be in a public answer: the citizen, every person of the loop, what reviewers wrote. */
const NEVER = [CITIZEN_PHONE, CITIZEN.name, '138****1234', ...Object.values(people).flatMap((p) => [p.name, p.id]), '结果不够具体'];
function expectNothingPrivate(body: Json): void {
  const text = JSON.stringify(body);
  for (const secret of NEVER) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
}

test('the right four digits follow the case through the loop: stage, dates, the unit, public notes, nothing private', async () => {
  const c = await d.create({ title: '楼道灯不亮', content: `${CITIZEN.name}（${CITIZEN_PHONE}）反映楼道灯坏了` });
  const see = async () => {
    const body = expectStatus(await look(c.ledgerNo, '1234'), 200);
    expectNothingPrivate(body);
    return body;
  };

  const registered = await see();
  expect(registered).toMatchObject({
    ledgerNo: c.ledgerNo,
    type: 'complaint',
    typeLabel: '投诉',
    stage: 'registered',
    stageLabel: '已登记',
  });
  expect(registered).toMatchObject({ limited: false, unit: null, unitName: null, assignedAt: null, handlingDueAt: null, closedAt: null });
  expect(registered.notes.map((n: Json) => n.label)).toEqual(['受理']);

  await d.assignAndAccept(c.id, people.housingHandler);
  const accepted = await see();
  const staff = await d.get(c.id, people.operator);
  expect(accepted).toMatchObject({ stage: 'rectifying', stageLabel: '整改中', unit: HOUSING, unitName: '县住建局' });
  expect(accepted.handlingDueAt).toBe(staff.deadlines.handling.dueAt);
  expect(accepted.assignedAt).toBe(staff.timeline.find((e: Json) => e.action === 'assign').at);
  expect(accepted.notes.map((n: Json) => [n.label, n.text])).toEqual([
    ['受理', `您的诉求已受理，编号${c.ledgerNo}`],
    ['交办', '已交办县住建局'],
    ['签收', '县住建局已签收'],
  ]);

  await d.act(c.id, 'progress', people.housingHandler, { note: `已到现场查看，联系人电话${CITIZEN_PHONE}` });
  await d.act(c.id, 'submit', people.housingHandler, { result: '已处理' });
  await d.act(c.id, 'review', people.reviewer1, { level: 1, decision: 'reject', comment: '结果不够具体' });
  const rejected = await see();
  expect(rejected.stage).toBe('rectifying');
  expect(rejected.notes.at(-1)).toEqual({
    at: expect.any(String),
    kind: 'progress',
    label: '办理进展',
    text: '已到现场查看，联系人电话（保密）',
  });

  await d.act(c.id, 'submit', people.housingHandler, { result: '楼道灯已更换，现场核实正常' });
  expect((await see()).stage).toBe('reviewing');
  await d.approveLevels(c.id);
  const replied = await see();
  expect(replied.stage).toBe('replied');
  expect(replied.notes.at(-1)).toMatchObject({ label: '答复', text: '楼道灯已更换，现场核实正常' });

  await d.act(c.id, 'callback', people.operator, { result: 'satisfied' });
  const closed = await see();
  expect(closed).toMatchObject({ stage: 'closed', stageLabel: '已办结', closedAt: expect.any(String) });
  expect(closed.notes.slice(-2).map((n: Json) => [n.label, n.text])).toEqual([
    ['回访', '满意'],
    ['办结', undefined],
  ]);
  expect(closed.registeredAt).toBe(staff.registeredAt);

  // Each lookup that showed the case is on record, as the public and with the address it came from.
  const audit = expectStatus(await h.api('GET', `/audit?case=${c.id}`, { token: people.supervisor }), 200);
  const lookups = audit.items.filter((e: Json) => e.action === 'case.public_read');
  expect(lookups.length).toBeGreaterThanOrEqual(6);
  expect(lookups[0]).toMatchObject({
    actor: { id: 'public' },
    ledgerNo: c.ledgerNo,
    endpoint: 'GET /public/cases/:ledgerNo',
    ip: expect.any(String),
  });
});

test('other digits get exactly what an unknown number gets; malformed input is a 400', async () => {
  const c = await d.create();
  const wrong = await look(c.ledgerNo, '4321');
  const unknown = await look('LZ-2026-999999', '1234');
  expectApiError(wrong, 404, 'not_found');
  expectApiError(unknown, 404, 'not_found');
  expect(wrong.text).toBe(unknown.text);

  expectApiError(await look('not-a-number', '1234'), 400, 'invalid_input');
  for (const query of ['', '?phoneLast4=12', '?phoneLast4=abcd', '?phoneLast4=1234&phone=13800001234'])
    expectApiError(await app.api('GET', `/public/cases/${c.ledgerNo}${query}`), 400, 'invalid_input', /query/);
});

test('a confidential case shows its stage and dates, the unit, and no free text at all', async () => {
  const c = await d.create({ confidential: true, content: '举报某小区违建，我是3栋住户' });
  await d.assignAndAccept(c.id, people.housingHandler);
  await d.act(c.id, 'progress', people.housingHandler, { note: '已约谈业主' });
  const body = expectStatus(await look(c.ledgerNo, '1234'), 200);
  expectNothingPrivate(body);
  expect(body).toMatchObject({
    limited: true,
    notice: expect.stringContaining('仅公开办理阶段和时间'),
    stage: 'rectifying',
    unitName: '县住建局',
  });
  expect(body.notes.map((n: Json) => n.kind)).toEqual(['registered', 'assigned', 'accepted', 'progress']);
  expect(JSON.stringify(body)).not.toMatch(/约谈|违建|住户/);
});

test('rate limits: per address (HUIYING_RATE_PUBLIC_STATUS_PER_MIN), and wrong digits per case from anywhere', async () => {
  const c = await d.create();
  // The counts are shared by every app on this database (as by every API process); earlier tests' lookups count too.
  await h.db.query('DELETE FROM rate_limit_hits');
  const tight = await h.startApp({ publicAccess: { ...roomy, statusPerWindow: 3 } });
  for (let i = 0; i < 3; i++) expect((await look(c.ledgerNo, '1234', tight)).status).toBe(200);
  const limited = expectApiError(await look(c.ledgerNo, '1234', tight), 429, 'rate_limited');
  expect(limited.message).toMatch(/进度查询/);
  expect(Number((await look(c.ledgerNo, '1234', tight)).headers.get('retry-after'))).toBeGreaterThan(0);

  // Twenty wrong guesses at one case within the hour, and the case answers nobody until the hour is over.
  const other = await d.create();
  for (let i = 0; i < 20; i++) expect((await look(other.ledgerNo, String(5000 + i))).status).toBe(404);
  expectApiError(await look(other.ledgerNo, '1234'), 429, 'rate_limited', /对该工单的错误查询/);
  expect((await look(c.ledgerNo, '1234')).status).toBe(200); // other cases are not held up
});
