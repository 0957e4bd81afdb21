/**
 * Finding cases (by words, ledger number, period, overdue) and two reads the console stands on, through HTTP against the real worker, dev server and read model: a citizen's open
 * cases by phone before an operator registers another (possible 并单), audited and refused to those who may not see
 * every citizen; and the supervisors' table of open cases by unit × stage.
 */
import type { Actor } from '../../domain/roles';
import { drive, expectApiError, expectStatus, type Json, useE2E } from './harness';
import { HOUSING, people } from '../support/personas';
import { waitFor } from '../support/polling';

const h = useE2E();
const d = drive(h);
const PHONE = '13712345678';

test("an operator finds the citizen's open cases by phone, however written; the search is audited, the phone masked", async () => {
  const first = await d.create({ citizen: { name: '郑市民', phone: PHONE }, title: '夜间施工噪音扰民' });
  const other = await d.create({ citizen: { name: '郑市民', phone: '137-1234-5678' }, title: '井盖缺失', type: 'help' });
  await d.create({ citizen: { name: '别人', phone: '13700000000' }, title: '别人的事' });
  const found = await waitFor(
    'both cases in the read model',
    () => h.api('GET', `/cases?phone=137-1234-5678&open=true`, { token: people.operator }).then((r) => expectStatus(r, 200)),
    (page) => (page.items as Json[]).length === 2,
  );
  expect((found.items as Json[]).map((c) => c.id).sort()).toEqual([first.id, other.id].sort());
  expect(JSON.stringify(found)).not.toContain(PHONE);

  const audit = expectStatus(await h.api('GET', '/audit?actor=op-li', { token: people.supervisor }), 200).items as Json[];
  const search = audit.find((e) => e.action === 'cases.search');
  expect(search).toMatchObject({ endpoint: 'GET /cases', count: 2, filter: { phone: '137****5678', open: true } });
  expect(JSON.stringify(audit)).not.toContain('12345678');
});

test('search by words (Chinese, without a dictionary), ledger number, period and overdue; an unknown parameter is a 400 naming it', async () => {
  const lamp = await d.create({ title: '小区路灯不亮', content: '天池街道幸福小区3栋门口路灯坏了两周，联系人13911112222。' });
  const water = await d.create({ title: '自来水停水', content: '南塔街道停水一天，没有通知。' });
  const search = (query: string, actor: Actor = people.operator) =>
    h.api('GET', `/cases?${query}`, { token: actor }).then((r) => (expectStatus(r, 200).items as Json[]).map((c) => c.id));
  expect(await search(`q=${encodeURIComponent('路灯')}`)).toEqual([lamp.id]);
  expect(await search(`q=${encodeURIComponent('灯 不亮')}`)).toEqual([lamp.id]);
  expect(await search(`q=${encodeURIComponent('幸福小区 停水')}`)).toEqual([]);
  expect(await search(`q=${encodeURIComponent('南塔')}`)).toEqual([water.id]);
  // The citizen is not searchable by words: not their name, not the phone in the content.
  expect(await search(`q=${encodeURIComponent('郑市民')}`)).toEqual([]);
  expect(await search('q=13911112222')).toEqual([]);
  expect(await search(`ledgerNo=${lamp.ledgerNo as string}`)).toEqual([lamp.id]);

  const shanghaiDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));
  const today = shanghaiDay(Date.now());
  const tomorrow = shanghaiDay(Date.now() + 86_400_000);
  expect(await search(`q=${encodeURIComponent('路灯')}&from=${today}&to=${tomorrow}`)).toEqual([lamp.id]);
  expect(await search(`q=${encodeURIComponent('路灯')}&to=${today}`)).toEqual([]);
  expect(await search(`q=${encodeURIComponent('路灯')}&overdue=true`)).toEqual([]);
  expect(await search(`q=${encodeURIComponent('路灯')}&overdue=false`)).toEqual([lamp.id]);
  // A handler's search is held to its own unit: the lamp case is not assigned yet.
  expect(await search(`q=${encodeURIComponent('路灯')}`, people.housingHandler)).toEqual([]);

  const unknown = expectApiError(await h.api('GET', '/cases?sort=desc&q=路灯', { token: people.operator }), 400, 'invalid_input');
  expect(unknown.details).toEqual([{ field: 'query.sort', message: 'unknown field' }]);
  const empty = expectApiError(await h.api('GET', '/cases?q=%20%EF%BC%8C', { token: people.operator }), 400, 'invalid_input');
  expect(JSON.stringify(empty)).toContain('query.q');
  const backwards = expectApiError(
    await h.api('GET', `/cases?from=${tomorrow}&to=${today}`, { token: people.operator }),
    400,
    'invalid_input',
  );
  expect(JSON.stringify(backwards)).toContain('query.to');
});

test('a handler or dispatcher may not look up by phone (403); a malformed phone is a 400 naming it', async () => {
  for (const actor of [people.housingHandler, people.dispatcher])
    expectApiError(await h.api('GET', `/cases?phone=${PHONE}`, { token: actor }), 403, 'forbidden');
  const bad = expectApiError(await h.api('GET', '/cases?phone=call-me', { token: people.operator }), 400, 'invalid_input');
  expect(JSON.stringify(bad)).toContain('query.phone');
});

test('GET /supervision/workload counts open cases by unit and stage; only supervisors and admins may read it', async () => {
  const c = await d.create({ title: '待交办' });
  await d.assign(c.id, HOUSING);
  const table = await waitFor(
    'the assigned case counted',
    () => h.api('GET', '/supervision/workload', { token: people.supervisor }).then((r) => expectStatus(r, 200)),
    (t) => (t.rows as Json[]).some((r) => r.unit === HOUSING && (r.byStage as Record<string, number>).assigned >= 1),
  );
  const housing = (table.rows as Json[]).find((r) => r.unit === HOUSING)!;
  expect(housing.name).toBe(h.units.name(HOUSING));
  const totals = table.totals as { total: number };
  expect((table.rows as Json[]).reduce((n, r) => n + (r.total as number), 0)).toBe(totals.total);
  expectApiError(await h.api('GET', '/supervision/workload', { token: people.operator }), 403, 'forbidden');
  expectStatus(await h.api('GET', '/supervision/workload', { token: people.admin }), 200);
});
