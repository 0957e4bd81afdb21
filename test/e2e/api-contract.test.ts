/**
 * The API's contract over HTTP, against the real worker and dev server: every error in the one
 * `{error:{code,message,details?}}` shape, idempotent creation and actions, the unit directory, health and the
 * OpenAPI document.
 */
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { ROUTED_ACTIONS, ACTIONS } from '../../domain/actions';
import { createApp } from '../../api/app';
import { drive, expectApiError, expectStatus, type Json, useE2E } from './harness';
import { newCase } from '../support/cases';
import { HOUSING, people, TRANSPORT } from '../support/personas';
import { waitFor } from '../support/polling';

const h = useE2E();
const d = drive(h);

const ledgerSeq = (ledgerNo: string): number => Number(/-(\d{6})$/.exec(ledgerNo)![1]);

describe('errors: one shape, the right status', () => {
  test('wrong role → 403 (a handler registering, an operator assigning)', async () => {
    const byHandler = expectApiError(
      await h.api('POST', '/cases', { token: people.housingHandler, body: newCase() }),
      403,
      'forbidden',
      /话务员/,
    );
    expect(byHandler).toEqual({ code: 'forbidden', message: '此操作须由话务员办理' });
    const c = await d.create();
    expectApiError(
      await h.api('POST', `/cases/${c.id}/assign`, { token: people.operator, body: { unit: HOUSING } }),
      403,
      'forbidden',
      /派单员/,
    );
    expect((await d.get(c.id, people.operator)).stage).toBe('registered');
  });

  test("another unit's handler accepting → 403 from the workflow's validator", async () => {
    const c = await d.create();
    await d.assign(c.id, HOUSING);
    const err = expectApiError(
      await h.api('POST', `/cases/${c.id}/accept`, { token: people.transportHandler, body: {} }),
      403,
      'forbidden',
    );
    expect(err.message).toBe('「签收」仅限本工单承办单位的承办人');
    // Refused updates leave no trace in the case.
    expect((await d.get(c.id, people.dispatcher)).timeline.map((e: Json) => e.action)).toEqual(['register', 'assign']);
  });

  test('an illegal transition → 409 naming the current stage', async () => {
    const c = await d.create();
    await d.assign(c.id, HOUSING);
    const err = expectApiError(
      await h.api('POST', `/cases/${c.id}/submit`, { token: people.housingHandler, body: { result: '已处理' } }),
      409,
      'conflict',
      /（assigned）/,
    );
    expect(err.message).toContain('（assigned）');
    expect(err.details).toEqual({ stage: 'assigned', reviewLevel: null });
  });

  test('a bad body → 400 naming each bad field', async () => {
    const { content: _omitted, ...withoutContent } = newCase();
    const body = { ...withoutContent, channel: 'fax', citizen: { name: '张市民', phone: 'call me' } };
    const err = expectApiError(await h.api('POST', '/cases', { token: people.operator, body }), 400, 'invalid_input');
    const fields = (err.details as { field: string; message: string }[]).map((x) => x.field).sort();
    expect(fields).toEqual(['channel', 'citizen.phone', 'content']);
    for (const field of fields) expect(err.message).toContain(field);
    for (const detail of err.details) expect(detail.message).toEqual(expect.any(String));

    // An action body too.
    const c = await d.create();
    const review = expectApiError(
      await h.api('POST', `/cases/${c.id}/assign`, { token: people.dispatcher, body: { note: 5 } }),
      400,
      'invalid_input',
    );
    expect(review.details.map((x: Json) => x.field).sort()).toEqual(['note', 'unit']);
  });

  test('malformed JSON → 400', async () => {
    const err = expectApiError(
      await h.api('POST', '/cases', { token: people.operator, rawBody: '{"channel": "hotline",' }),
      400,
      'invalid_input',
    );
    expect(err.details).toEqual([{ field: '(body)', message: 'malformed JSON' }]);
  });

  test('an unknown unit on assign → 400 naming `unit`', async () => {
    const c = await d.create();
    const err = expectApiError(
      await h.api('POST', `/cases/${c.id}/assign`, { token: people.dispatcher, body: { unit: 'no-such-bureau' } }),
      400,
      'invalid_input',
      /no-such-bureau/,
    );
    expect(err.details).toEqual([{ field: 'unit', message: expect.any(String) }]);
  });

  test('an unknown case → 404, for a well-formed id and for a malformed one', async () => {
    const wellFormed = '0123456789abcdef';
    expectApiError(await h.api('GET', `/cases/${wellFormed}`, { token: people.operator }), 404, 'not_found');
    expectApiError(
      await h.api('POST', `/cases/${wellFormed}/assign`, { token: people.dispatcher, body: { unit: HOUSING } }),
      404,
      'not_found',
    );
    expectApiError(
      await h.api('POST', `/cases/${wellFormed}/urge`, { token: people.supervisor, body: { note: '请尽快办理' } }),
      404,
      'not_found',
    );
    expectApiError(await h.api('GET', '/cases/not-a-case-id!', { token: people.operator }), 404, 'not_found');
    expectApiError(await h.api('POST', '/cases/UPPER/progress', { token: people.housingHandler, body: { note: 'x' } }), 404, 'not_found');
  });

  test('no token, a bad token, an expired token → 401', async () => {
    const none = expectApiError(await h.api('GET', '/cases'), 401, 'unauthorized');
    expect(none.message).toBe('未登录：缺少 Bearer 登录凭证');
    expectApiError(await h.api('GET', '/cases', { token: 'not.a.jwt' }), 401, 'unauthorized', '登录凭证无效');
    // Signed with another secret.
    const foreign = await (
      await import('../../api/tokens')
    ).signToken({ sub: 'x', name: 'x', roles: ['operator'] }, 'another-secret-another-secret-another', '1h');
    expectApiError(await h.api('GET', '/cases', { token: foreign }), 401, 'unauthorized', '登录凭证无效');
    const expired = await h.token(people.operator, '-10 minutes');
    expectApiError(await h.api('GET', '/cases', { token: expired }), 401, 'unauthorized', '登录已过期');
    expectApiError(await h.api('POST', '/cases', { token: expired, body: newCase() }), 401, 'unauthorized', '登录已过期');
    // A handler token without a unit is incomplete.
    const unitless = await h.token(people.unitlessHandler);
    expectApiError(await h.api('GET', '/inbox', { token: unitless }), 401, 'unauthorized');
  });

  test('acting on a closed case → 409', async () => {
    const c = await d.create();
    await d.toReplied(c.id, people.housingHandler);
    await d.act(c.id, 'callback', people.operator, { result: 'satisfied' });
    // The workflow runs on through the spot-check window; its validator refuses by stage.
    const err = expectApiError(
      await h.api('POST', `/cases/${c.id}/progress`, { token: people.housingHandler, body: { note: '补充' } }),
      409,
      'conflict',
      /已办结/,
    );
    expect(err.details).toMatchObject({ stage: 'closed' });
    expectApiError(
      await h.api('POST', `/cases/${c.id}/callback`, { token: people.operator, body: { result: 'dissatisfied' } }),
      409,
      'conflict',
      /已办结/,
    );
  });

  test('acting on a closed case that still drains its outbox → 409 naming the stage', async () => {
    const c = await d.create();
    await d.toReplied(c.id, people.housingHandler);
    await d.act(c.id, 'callback', people.operator, { result: 'satisfied' });
    const res = await h.api('POST', `/cases/${c.id}/callback`, { token: people.operator, body: { result: 'dissatisfied' } });
    // Either the workflow still runs (validator: stage 'closed') or it has just completed (API: the case is closed).
    expectApiError(res, 409, 'conflict', /已办结/);
  });

  test('concurrent conflicting actions: exactly one assignment wins, the others get 409', async () => {
    const c = await d.create();
    const units = [HOUSING, TRANSPORT, 'health', 'justice', 'finance'];
    const results = await Promise.all(
      units.map((unit) => h.api('POST', `/cases/${c.id}/assign`, { token: people.dispatcher, body: { unit } })),
    );
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expectApiError(r, 409, 'conflict', /（assigned）/);
    const state = await d.get(c.id, people.dispatcher);
    expect(state.unit).toBe(won[0].body.unit);
    expect(state.timeline.filter((e: Json) => e.action === 'assign')).toHaveLength(1);
  });

  test("a review at a level the reviewer doesn't hold → 403", async () => {
    const c = await d.create();
    // Submitted by a housing handler who also holds every review level.
    await d.toReviewing(c.id, people.housingHandlerReviewer);
    const err = expectApiError(
      await h.api('POST', `/cases/${c.id}/review`, { token: people.reviewer2, body: { level: 1, decision: 'approve' } }),
      403,
      'forbidden',
    );
    expect(err.message).toBe('您没有初审（第1级）权限');
    // Holding level 2 while the case awaits level 1 is a conflict of stage, not of rights.
    expectApiError(
      await h.api('POST', `/cases/${c.id}/review`, { token: people.reviewer2, body: { level: 2, decision: 'approve' } }),
      409,
      'conflict',
      /正待初审/,
    );
    // The submitter never reviews their own result, whatever levels they hold.
    expectApiError(
      await h.api('POST', `/cases/${c.id}/review`, { token: people.housingHandlerReviewer, body: { level: 1, decision: 'approve' } }),
      403,
      'forbidden',
      /自己提交/,
    );
  });

  test('an unknown endpoint → 404 (401 before that without a token)', async () => {
    expectApiError(await h.api('GET', '/nothing-here', { token: people.operator }), 404, 'not_found');
    expectApiError(await h.api('DELETE', '/cases', { token: people.operator }), 404, 'not_found');
    expectApiError(await h.api('POST', '/cases/0123456789abcdef/teleport', { token: people.operator, body: {} }), 404, 'not_found');
    expectApiError(await h.api('GET', '/nothing-here'), 401, 'unauthorized');
  });
});

describe('idempotency', () => {
  test('20 concurrent POST /cases with one Idempotency-Key make exactly one case', async () => {
    const key = `intake-${randomUUID()}`;
    const body = newCase({ title: '同一诉求重复提交', content: '网络抖动，客户端重试了很多次' });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => h.api('POST', '/cases', { token: people.operator, body, headers: { 'Idempotency-Key': key } })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses).toEqual(Array(20).fill(201));
    const first = responses[0].body;
    expect(new Set(responses.map((r) => r.body.id))).toEqual(new Set([first.id]));
    expect(new Set(responses.map((r) => r.body.ledgerNo))).toEqual(new Set([first.ledgerNo]));
    for (const r of responses) expect(r.body.timeline).toHaveLength(1);

    // Visibility knows one workflow with that ledger number, and one with that id.
    const count = (query: string) => h.client.workflow.count(query).then((x) => x.count);
    await waitFor(
      'the case to be visible',
      () => count(`WorkflowType = 'caseWorkflowV2' AND HuiyingLedgerNo = '${first.ledgerNo}'`),
      (n) => n >= 1,
      { label: 'visibility: new case counted' },
    );
    expect(await count(`WorkflowType = 'caseWorkflowV2' AND HuiyingLedgerNo = '${first.ledgerNo}'`)).toBe(1);
    expect(await count(`WorkflowId = 'case-${first.id}'`)).toBe(1);
    const listed = [];
    for await (const wf of h.client.workflow.list({ query: `WorkflowType = 'caseWorkflowV2' AND HuiyingLedgerNo = '${first.ledgerNo}'` }))
      listed.push(wf.workflowId);
    expect(listed).toEqual([`case-${first.id}`]);

    // The same key with a different body is a conflict, not a second case.
    const conflict = expectApiError(
      await h.api('POST', '/cases', {
        token: people.operator,
        body: { ...body, content: '另一件事' },
        headers: { 'Idempotency-Key': key },
      }),
      409,
      'conflict',
      /Idempotency-Key/,
    );
    expect(conflict.details).toEqual({ ledgerNo: first.ledgerNo });
    // The same key from another operator is that operator's own request.
    const otherOperator = { ...people.operator, id: 'op-liu', name: '刘话务' };
    const theirs = expectStatus(await h.api('POST', '/cases', { token: otherOperator, body, headers: { 'Idempotency-Key': key } }), 201);
    expect(theirs.id).not.toBe(first.id);
    expect(ledgerSeq(theirs.ledgerNo)).toBe(ledgerSeq(first.ledgerNo) + 1);

    // Two different keys: two cases, consecutive ledger numbers (retries above used up no numbers).
    const a = expectStatus(
      await h.api('POST', '/cases', { token: people.operator, body, headers: { 'Idempotency-Key': `k-${randomUUID()}` } }),
      201,
    );
    const b = expectStatus(
      await h.api('POST', '/cases', { token: people.operator, body, headers: { 'Idempotency-Key': `k-${randomUUID()}` } }),
      201,
    );
    expect(a.id).not.toBe(b.id);
    expect(ledgerSeq(a.ledgerNo)).toBe(ledgerSeq(theirs.ledgerNo) + 1);
    expect(ledgerSeq(b.ledgerNo)).toBe(ledgerSeq(a.ledgerNo) + 1);
  });

  test('the same Idempotency-Key after the case has closed answers with that closed case', async () => {
    const key = `intake-${randomUUID()}`;
    const body = newCase({ type: 'consultation', title: '办事指南咨询' });
    const first = expectStatus(await h.api('POST', '/cases', { token: people.operator, body, headers: { 'Idempotency-Key': key } }), 201);
    await d.toReplied(first.id, people.housingHandler);
    await d.act(first.id, 'callback', people.operator, { result: 'basically_satisfied' });
    const again = expectStatus(await h.api('POST', '/cases', { token: people.operator, body, headers: { 'Idempotency-Key': key } }), 201);
    expect(again).toMatchObject({ id: first.id, ledgerNo: first.ledgerNo, stage: 'closed', satisfaction: 'basically_satisfied' });
    expectApiError(
      await h.api('POST', '/cases', { token: people.operator, body: { ...body, title: '别的事' }, headers: { 'Idempotency-Key': key } }),
      409,
      'conflict',
    );
    // The retry used up no ledger number.
    expect(ledgerSeq((await d.create()).ledgerNo)).toBe(ledgerSeq(first.ledgerNo) + 1);
  });

  test('an action retried with the same Idempotency-Key is applied once', async () => {
    const c = await d.create();
    await d.assignAndAccept(c.id, people.housingHandler);
    const headers = { 'Idempotency-Key': `progress-${randomUUID()}` };
    const once = await d.act(c.id, 'progress', people.housingHandler, { note: '已约谈物业' }, headers);
    const again = await d.act(c.id, 'progress', people.housingHandler, { note: '已约谈物业' }, headers);
    expect(again).toEqual(once);
    // Retried concurrently, too.
    const burstHeaders = { 'Idempotency-Key': `progress-${randomUUID()}` };
    const burst = await Promise.all(
      Array.from({ length: 5 }, () =>
        h.api('POST', `/cases/${c.id}/progress`, { token: people.housingHandler, body: { note: '已现场查看' }, headers: burstHeaders }),
      ),
    );
    expect(burst.map((r) => r.status)).toEqual(Array(5).fill(200));
    const notes = (await d.get(c.id, people.housingHandler)).timeline.filter((e: Json) => e.action === 'progress').map((e: Json) => e.note);
    expect(notes).toEqual(['已约谈物业', '已现场查看']);
    // Without a key, a repeat is a new entry.
    await d.act(c.id, 'progress', people.housingHandler, { note: '已现场查看' });
    expect((await d.get(c.id, people.housingHandler)).timeline.filter((e: Json) => e.action === 'progress')).toHaveLength(3);
  });
});

describe('units, health and the OpenAPI document', () => {
  test('GET /units lists the Lezhi units with codes', async () => {
    expectApiError(await h.api('GET', '/units'), 401, 'unauthorized');
    const units = expectStatus(await h.api('GET', '/units', { token: people.dispatcher }), 200);
    expect(units.length).toBeGreaterThanOrEqual(20);
    expect(units).toEqual(
      expect.arrayContaining([
        { code: HOUSING, name: '县住建局' },
        { code: TRANSPORT, name: '县交通运输局' },
        { code: 'county-office', name: '县政府办' },
        { code: 'petitions', name: '县信访局' },
        { code: 'ecology-environment', name: '乐至生态环境局' },
      ]),
    );
    for (const u of units) expect(Object.keys(u).sort()).toEqual(['code', 'name']);
    expect(new Set(units.map((u: Json) => u.code)).size).toBe(units.length);
  });

  test('GET /health → 200 with api, temporal and worker ok; 503 naming the worker when none polls', async () => {
    const health = expectStatus(await h.api('GET', '/health'), 200);
    expect(health).toEqual({ ok: true, api: 'ok', temporal: 'ok', worker: 'ok' });

    const lonelyQueue = `huiying-e2e-nobody-${randomUUID()}`;
    const lonely = await h.startApp({ taskQueue: lonelyQueue });
    const res = await lonely.api('GET', '/health');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ ok: false, api: 'ok', temporal: 'ok' });
    expect(res.body.worker).toContain(lonelyQueue);
  });

  test('GET /openapi.json is an OpenAPI 3 document with every route', async () => {
    const doc = expectStatus(await h.api('GET', '/openapi.json'), 200);
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toEqual(expect.any(String));
    const documented = Object.keys(doc.paths);

    const wanted = [
      '/cases',
      '/cases/{id}',
      ...ROUTED_ACTIONS.map((k) => `/cases/{id}/${ACTIONS[k].path}`),
      '/units',
      '/health',
      '/supervision/stuck',
      '/inbox',
    ];
    expect(wanted).toContain('/cases/{id}/extension/decision');
    // What the app really serves, read from its router, so a new route cannot go undocumented unnoticed.
    const served = routesOf(
      createApp({
        client: h.client,
        db: h.db,
        taskQueue: h.taskQueue,
        jwtSecret: h.secret,
        units: h.units,
        ledgerPrefix: 'LZ',
        calendar: h.calendar,
        limits: h.limits,
      }),
    );
    const servedPaths = new Set(served.map((r) => r.split(' ')[1]));
    expect({ notServed: wanted.filter((p) => !servedPaths.has(p)) }).toEqual({ notServed: [] });
    const missing = [...new Set([...wanted, ...servedPaths])].filter((p) => !documented.includes(p));
    expect({ missingFromOpenApi: missing }).toEqual({ missingFromOpenApi: [] });

    // Each served method is documented under its path.
    for (const route of served) {
      const [method, p] = route.split(' ');
      if (documented.includes(p))
        expect({ route, documented: Boolean(doc.paths[p][method.toLowerCase()]) }).toEqual({ route, documented: true });
    }
  });
});

/** `METHOD /path/{param}` for every route registered on the app, including nested routers. */
function routesOf(app: Express): string[] {
  const out: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          out.push(`${method.toUpperCase()} ${String(layer.route.path).replace(/[:*](\w+)/g, '{$1}')}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  walk((app as any).router.stack);
  return out;
}
