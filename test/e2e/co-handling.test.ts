/**
 * 主办 and 协办 through HTTP against the real worker, dev server and read model: a lead unit with supporting units;
 * each supporting unit finds the case in its inbox, reads it, records its contribution (and nothing else), the lead
 * unit's submission carries the contributions, and the unit metrics count the support.
 */
import { drive, expectApiError, expectStatus, useE2E, type Json } from './harness';
import { HEALTH, HOUSING, people, TRANSPORT } from '../support/personas';
import { outboxOf } from '../support/outbox';
import { waitFor } from '../support/polling';

const h = useE2E();
const d = drive(h);
const inbox = (token: typeof people.transportHandler) =>
  h.api('GET', '/inbox', { token }).then((r) => expectStatus(r, 200).items as Json[]);

test('a supporting unit is asked, reads the case, gives its contribution once; the lead unit submits with it', async () => {
  const c = await d.create({ title: '主办协办：道路两侧违建' });
  const id = c.id as string;
  const assigned = await d.act(id, 'assign', people.dispatcher, { unit: HOUSING, supporting: [TRANSPORT], note: '住建主办，交通协办' });
  expect(assigned).toMatchObject({ unit: HOUSING, supporting: [{ unit: TRANSPORT, contribution: null }] });
  expect((assigned.timeline as Json[]).at(-1)!.note).toBe('交办至 县住建局（协办：县交通运输局）：住建主办，交通协办');

  const waiting = await waitFor(
    "the case in the supporting unit's inbox",
    () => inbox(people.transportHandler),
    (items) => items.some((i) => i.id === id),
  );
  expect(waiting.find((i) => i.id === id)!.awaiting).toBe('contribute');
  // It reads the case; it does not handle it; a unit with no part in it sees nothing.
  expectStatus(await h.api('GET', `/cases/${id}`, { token: people.transportHandler }), 200);
  expectApiError(await h.api('GET', `/cases/${id}`, { token: people.healthHandler }), 403, 'forbidden');
  expectApiError(await h.api('POST', `/cases/${id}/accept`, { token: people.transportHandler, body: {} }), 403, 'forbidden');
  expectApiError(
    await h.api('POST', `/cases/${id}/contribute`, { token: people.housingHandler, body: { note: '主办不协办' } }),
    403,
    'forbidden',
  );

  const given = await d.act(id, 'contribute', people.transportHandler, { note: '已核实道路红线范围，违建占用人行道约2米' });
  expect((given.supporting as Json[])[0]).toMatchObject({
    unit: TRANSPORT,
    contribution: { note: '已核实道路红线范围，违建占用人行道约2米' },
  });
  expectApiError(
    await h.api('POST', `/cases/${id}/contribute`, { token: people.transportHandler, body: { note: '再说一次' } }),
    409,
    'conflict',
  );
  await waitFor(
    'the contribution taken off its inbox',
    () => inbox(people.transportHandler),
    (items) => !items.some((i) => i.id === id),
  );

  await d.act(id, 'accept', people.housingHandler, {});
  const submitted = await d.act(id, 'submit', people.housingHandler, { result: '会同交通运输局拆除违建' });
  // Reviewers see the lead unit's result with the supporting unit's contribution beside it.
  const forReviewer = await d.get(id, people.reviewer1);
  expect(forReviewer.supporting).toEqual(submitted.supporting);
  const outbox = await outboxOf(h, id);
  expect(outbox.filter((n) => n.template === 'support_requested').map((n) => n.to)).toEqual([{ kind: 'unit', unit: TRANSPORT }]);
  expect(outbox.filter((n) => n.template === 'support_given').map((n) => n.to)).toEqual([{ kind: 'unit', unit: HOUSING }]);

  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const stats = await waitFor(
    'the support counted for transport',
    () => h.api('GET', `/stats?from=${today}`, { token: people.supervisor }).then((r) => r.body as Json),
    (s) => (s.units as Json[]).some((u) => u.unit === TRANSPORT && (u.supported as number) >= 1),
  );
  expect((stats.units as Json[]).find((u) => u.unit === HEALTH)!.supported).toBe(0);
});

test('refused: a supporting unit unknown to the directory (400 naming supporting), the lead unit as its own supporter (400)', async () => {
  const c = await d.create({ title: '主办协办：拒绝情形' });
  const unknown = expectApiError(
    await h.api('POST', `/cases/${c.id}/assign`, { token: people.dispatcher, body: { unit: HOUSING, supporting: ['no-such-unit'] } }),
    400,
    'invalid_input',
  );
  expect(unknown.details).toEqual([expect.objectContaining({ field: 'supporting' })]);
  const self = expectApiError(
    await h.api('POST', `/cases/${c.id}/assign`, { token: people.dispatcher, body: { unit: HOUSING, supporting: [HOUSING] } }),
    400,
    'invalid_input',
  );
  expect(self.details).toEqual([expect.objectContaining({ field: 'supporting' })]);
});
