/**
 * Masking by role, end to end (real dev server, worker and API): for ordinary, confidential, report and 'about'
 * cases, who sees the citizen in full, masked, or not at all — in GET /cases/:id, every action's answer, the
 * lists, the inbox and the supervisors' view — and the audit record of every unmasked read (none for masked ones).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../api/audit';
import { CONCEALED } from '../../domain/privacy';
import { type ApiCall, drive, type Drive, expectApiError, expectStatus, ids, type Json, useE2E } from '../e2e/harness';
import { CITIZEN_PHONE, MASKED_PHONE } from '../support/cases';
import { captureLogs } from '../support/logs';
import { HOUSING, people, TRANSPORT } from '../support/personas';
import { waitFor } from '../support/polling';

const NAME = '张市民';
const CONTENT = `市民${NAME}（电话${CITIZEN_PHONE}）反映：3栋楼道灯坏了两个月，物业不修。`;
const UA = 'masking-test/1.0';

const h = useE2E();
let api: ApiCall;
let d: Drive;
let tmp: string;
let audit: AuditLog;
const cases: Record<'ordinary' | 'confidential' | 'report' | 'aboutSelf' | 'aboutOther', Json> = {} as never;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-masking-'));
  audit = new AuditLog(path.join(tmp, 'audit'));
  const app = await h.startApp({ audit });
  api = (method, p, opts = {}) => app.api(method, p, { ...opts, headers: { 'user-agent': UA, ...(opts.headers ?? {}) } });
  d = drive({ api });
  const make = async (over: Json) => {
    const c = await d.create({ content: CONTENT, ...over });
    await d.assignAndAccept(c.id, people.housingHandler);
    return c;
  };
  [cases.ordinary, cases.confidential, cases.report, cases.aboutSelf, cases.aboutOther] = await Promise.all([
    make({ title: '普通投诉' }),
    make({ title: '保密投诉', confidential: true }),
    make({ title: '举报', type: 'report' }),
    make({ title: '投诉住建局', about: HOUSING }),
    make({ title: '投诉交通局', about: TRANSPORT }),
  ]);
});
afterAll(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** Neither the name nor the phone (not even masked) anywhere in a response. */
function expectNoIdentity(text: string, where: string): void {
  const found = [NAME, CITIZEN_PHONE, MASKED_PHONE, '0000-1234'].filter((x) => text.includes(x));
  expect({ where, found }).toEqual({ where, found: [] });
}

const PROTECTED = ['confidential', 'report', 'aboutSelf', 'aboutOther'] as const;

describe('the units a protected case concerns see no citizen', () => {
  test.each(PROTECTED)('%s: the housing handler — GET, every action it takes, lists and inbox', async (kind) => {
    const c = cases[kind];
    const got = await api('GET', `/cases/${c.id}`, { token: people.housingHandler });
    const view = expectStatus(got, 200);
    expect(view.citizenVisibility).toBe('hidden');
    expect(view.citizen).toEqual({ name: CONCEALED, phone: CONCEALED });
    expect(view.content).toContain(CONCEALED);
    expectNoIdentity(got.text, `GET /cases/${kind}`);

    for (const [p, body] of [
      ['progress', { note: '已到现场' }],
      ['extension', { workingDays: 2, reason: '需协调' }],
      ['submit', { result: '已修复' }],
    ] as const) {
      const res = await api('POST', `/cases/${c.id}/${p}`, { token: people.housingHandler, body });
      expectStatus(res, 200);
      expect(res.body.citizenVisibility).toBe('hidden');
      expectNoIdentity(res.text, `POST ${p} (${kind})`);
    }

    const list = await api('GET', `/cases?unit=${HOUSING}&pageSize=200`, { token: people.housingHandler });
    expect(ids(expectStatus(list, 200).items)).toContain(c.id);
    expectNoIdentity(list.text, 'GET /cases');
    const inbox = await api('GET', '/inbox', { token: people.housingHandler });
    expectStatus(inbox, 200);
    expectNoIdentity(inbox.text, 'GET /inbox');
  });

  test('the accept that the handler did in setup answered without the citizen too', async () => {
    const c = await d.create({ content: CONTENT, confidential: true });
    await d.assign(c.id, HOUSING);
    const accepted = await api('POST', `/cases/${c.id}/accept`, { token: people.housingHandler, body: {} });
    expect(expectStatus(accepted, 200).citizenVisibility).toBe('hidden');
    expectNoIdentity(accepted.text, 'POST accept');
  });

  test('the unit a complaint is about cannot open it, nor find it in its lists or inbox', async () => {
    const c = cases.aboutOther;
    expectApiError(await api('GET', `/cases/${c.id}`, { token: people.transportHandler }), 403, 'forbidden');
    const list = await api('GET', `/cases?unit=${TRANSPORT}&pageSize=200`, { token: people.transportHandler });
    expect(ids(expectStatus(list, 200).items)).not.toContain(c.id);
    expectNoIdentity(list.text, 'GET /cases (transport)');
    const inbox = expectStatus(await api('GET', '/inbox', { token: people.transportHandler }), 200);
    expect(ids(inbox.items)).not.toContain(c.id);
  });

  test('the hotline centre and supervisors still see them: operator and supervisor in full, the others masked', async () => {
    for (const kind of PROTECTED) {
      const id = cases[kind].id;
      for (const actor of [people.operator, people.supervisor]) {
        const v = await d.get(id, actor);
        expect({ kind, who: actor.id, v: v.citizenVisibility, citizen: v.citizen, content: v.content }).toEqual({
          kind,
          who: actor.id,
          v: 'full',
          citizen: { name: NAME, phone: CITIZEN_PHONE },
          content: CONTENT,
        });
      }
      for (const actor of [people.dispatcher, people.reviewer1, people.admin]) {
        const v = await d.get(id, actor);
        expect({ kind, who: actor.id, v: v.citizenVisibility, citizen: v.citizen }).toEqual({
          kind,
          who: actor.id,
          v: 'masked',
          citizen: { name: NAME, phone: MASKED_PHONE },
        });
        expect(v.content).toContain(MASKED_PHONE);
        expect(v.content).not.toContain(CITIZEN_PHONE);
      }
    }
  });
});

describe('an ordinary case', () => {
  test("its unit's handler sees the name and a masked phone (also in the free text); dispatcher, reviewer, admin alike", async () => {
    const id = cases.ordinary.id;
    for (const actor of [people.housingHandler, people.dispatcher, people.reviewer1, people.admin]) {
      const res = await api('GET', `/cases/${id}`, { token: actor });
      const v = expectStatus(res, 200);
      expect({ who: actor.id, v: v.citizenVisibility, citizen: v.citizen }).toEqual({
        who: actor.id,
        v: 'masked',
        citizen: { name: NAME, phone: MASKED_PHONE },
      });
      expect(res.text).not.toContain(CITIZEN_PHONE);
    }
    expect((await d.get(id, people.operator)).citizen).toEqual({ name: NAME, phone: CITIZEN_PHONE });
    expectApiError(await api('GET', `/cases/${id}`, { token: people.transportHandler }), 403, 'forbidden');
  });

  test("the dispatcher's action answers are masked; the supervisor's are in full", async () => {
    const c = await d.create({ content: CONTENT });
    const assigned = await d.assign(c.id, HOUSING);
    expect(assigned.citizen).toEqual({ name: NAME, phone: MASKED_PHONE });
    const urged = await d.act(c.id, 'urge', people.supervisor, { note: '请尽快签收' });
    expect(urged.citizen).toEqual({ name: NAME, phone: CITIZEN_PHONE });
  });
});

describe("supervisors' view and lists carry no personal data at all", () => {
  test('GET /supervision/stuck and GET /cases list summaries only', async () => {
    const late = await h.startBackdatedCase(new Date(Date.now() - 30 * 86_400_000), { confidential: true, content: CONTENT });
    const stuck = await waitFor(
      'the backdated case in the stuck view',
      () => api('GET', '/supervision/stuck', { token: people.supervisor }),
      (r) => r.status === 200 && ids(r.body.items).includes(late.id),
    );
    expectNoIdentity(stuck.text, 'GET /supervision/stuck');
    const listed = await api('GET', '/cases?pageSize=200', { token: people.supervisor });
    expectStatus(listed, 200);
    expectNoIdentity(listed.text, 'GET /cases (supervisor)');
  });
});

describe('audit of unmasked reads', () => {
  test('every case view sent in full is recorded — who, when, which case, from where — and no masked or hidden one', async () => {
    const id = cases.confidential.id;
    const before = new Date();
    await d.get(id, people.operator);
    await d.get(id, people.supervisor);
    await d.get(id, people.dispatcher);
    await d.get(id, people.housingHandler);
    await d.get(id, people.admin);
    const entries = await audit.query({ caseId: id, from: before });
    expect(entries.map((e) => e.actor.id).sort()).toEqual([people.operator.id, people.supervisor.id].sort());
    const op = entries.find((e) => e.actor.id === people.operator.id)!;
    expect(op).toMatchObject({
      action: 'case.read',
      actor: { id: people.operator.id, name: people.operator.name, roles: ['operator'] },
      caseId: id,
      ledgerNo: cases.confidential.ledgerNo,
      endpoint: 'GET /cases/:id',
      visibility: 'full',
      userAgent: UA,
    });
    expect(op.ip).toMatch(/127\.0\.0\.1/);
    expect(Date.parse(op.at)).toBeGreaterThanOrEqual(before.getTime() - 1000);
  });

  test('intake and action answers in full are recorded with their endpoint; the file never holds the name or phone', async () => {
    const c = await d.create({ content: CONTENT });
    await d.assign(c.id, HOUSING);
    await d.act(c.id, 'urge', people.supervisor, { note: '请签收' });
    const entries = await audit.query({ caseId: c.id });
    expect(entries.map((e) => `${e.actor.id} ${e.endpoint}`).sort()).toEqual([
      `${people.operator.id} POST /cases`,
      `${people.supervisor.id} POST /cases/:id/urge`,
    ]);

    const files = await fs.readdir(path.join(tmp, 'audit'));
    expect(files.every((f) => /^\d{4}-\d{2}\.jsonl$/.test(f))).toBe(true);
    const all = (await Promise.all(files.map((f) => fs.readFile(path.join(tmp, 'audit', f), 'utf8')))).join('');
    expect(all.length).toBeGreaterThan(0);
    expectNoIdentity(all, 'the audit files');
  });

  test('when the audit log cannot write, no unmasked view leaves (503); masked views still do', async () => {
    const blocker = path.join(tmp, 'not-a-dir');
    await fs.writeFile(blocker, 'x');
    const broken = await h.startApp({ audit: new AuditLog(path.join(blocker, 'audit')) });
    const id = cases.ordinary.id;
    const logs = captureLogs('error');
    const res = await broken.api('GET', `/cases/${id}`, { token: people.operator });
    logs.stop();
    expect(logs.entries()).toEqual([
      expect.objectContaining({
        level: 'error',
        reqId: res.headers.get('x-request-id'),
        msg: expect.stringMatching(/^audit: could not record a read of case/),
      }),
    ]);
    expectApiError(res, 503, 'unavailable', /审计日志/);
    expect(res.text).not.toContain(CITIZEN_PHONE);
    expect(res.text).not.toContain(NAME);
    expectStatus(await broken.api('GET', `/cases/${id}`, { token: people.dispatcher }), 200);
  });
});
