/**
 * Two reads the console stands on, through HTTP against the real worker, dev server and read model: a citizen's open
 * cases by phone before an operator registers another (possible 并单), audited and refused to those who may not see
 * every citizen; and the supervisors' table of open cases by unit × stage.
 */
import { drive, expectApiError, expectStatus, type Json, useE2E } from './harness';
import { HOUSING, people } from '../support/personas';
import { waitFor } from '../support/polling';

const h = useE2E();
const d = drive(h);
const PHONE = '13712345678';

test("an operator finds the citizen's open cases by phone, however written; the search is audited, the phone masked", async () => {
  const first = await d.create({ citizen: { name: '郑市民', phone: PHONE }, title: '路灯不亮' });
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
