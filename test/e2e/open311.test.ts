/**
 * Open311 GeoReport v2 over HTTP against the real worker and dev server: the services, a partner posting a request
 * (form-encoded and JSON) with and without its key, the case it makes (channel online, registered by the partner),
 * the request as open data while the case goes round the loop (status, agency, expected = the handling deadline), the
 * list's filters, and errors in GeoReport's shape.
 */
import { REQUEST_TYPES } from '../../domain/case';
import { CITIZEN_PHONE } from '../support/cases';
import { people } from '../support/personas';
import { drive, expectStatus, type ExtraApp, type Json, type ApiResponse, useE2E } from './harness';

const h = useE2E();
const d = drive(h);
const KEY = 'city-platform-key-0123456789abcdef';
let app: ExtraApp;
beforeAll(async () => {
  app = await h.startApp({ publicAccess: { statusPerWindow: 10, windowMs: 60_000, partners: [{ name: 'city', key: KEY }] } });
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const postForm = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.api('POST', '/open311/v2/requests.json', {
    rawBody: form(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
const request = {
  service_code: 'complaint',
  description: '南塔街道某路口红绿灯不亮。晚上很危险',
  first_name: '小红',
  last_name: '刘',
  phone: CITIZEN_PHONE,
  address_string: '乐至县南塔街道某路口',
};

/** GeoReport's error shape: a list of one `{code, description}`, the code the HTTP status. */
function expectOpen311Error(res: ApiResponse, status: number, description?: RegExp): void {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
  expect(res.body).toEqual([{ code: status, description: expect.any(String) }]);
  if (description) expect(res.body[0].description).toMatch(description);
}

const single = async (ledgerNo: string): Promise<Json> => {
  const list = expectStatus(await app.api('GET', `/open311/v2/requests/${ledgerNo}.json`), 200);
  expect(list).toHaveLength(1);
  expect(JSON.stringify(list)).not.toContain(CITIZEN_PHONE);
  expect(JSON.stringify(list)).not.toContain('刘小红');
  return list[0];
};

test('services.json lists the request types as services', async () => {
  const services = expectStatus(await app.api('GET', '/open311/v2/services.json'), 200);
  expect(services.map((s: Json) => s.service_code)).toEqual([...REQUEST_TYPES]);
  for (const s of services)
    expect(s).toMatchObject({ service_name: expect.any(String), metadata: false, type: 'realtime', group: expect.any(String) });
});

test('a partner posts without a key: 403; with a key but no phone: 400 naming it', async () => {
  expectOpen311Error(await postForm(request), 403, /api_key/);
  expectOpen311Error(await postForm({ ...request, api_key: 'not-the-key-0123456789' }), 403);
  expectOpen311Error(await app.api('POST', '/open311/v2/requests.json', { token: people.operator, body: request }), 403); // a staff token is no key
  const { phone: _phone, ...withoutPhone } = request;
  expectOpen311Error(await postForm({ ...withoutPhone, api_key: KEY }), 400, /phone/);
  expectOpen311Error(await postForm({ ...request, service_code: 'pothole', api_key: KEY }), 400, /service_code/);
});

test('a posted request becomes a case of channel online and goes round the loop as open data', async () => {
  const res = await postForm({ ...request, api_key: KEY, account_id: 'acct-7' });
  const [answer] = expectStatus(res, 201);
  expect(answer).toEqual({
    service_request_id: expect.stringMatching(/^LZ-\d{4}-\d{6}$/),
    service_notice: expect.stringContaining('已受理'),
    account_id: 'acct-7',
  });
  const ledgerNo = answer.service_request_id as string;
  // The same request again (a partner's retry) is the same case.
  expect(expectStatus(await postForm({ ...request, api_key: KEY, account_id: 'acct-7' }), 201)[0].service_request_id).toBe(ledgerNo);

  const listed = expectStatus(await h.api('GET', `/cases?ledgerNo=${ledgerNo}`, { token: people.operator }), 200);
  expect(listed.items).toHaveLength(1);
  expect(listed.items[0]).toMatchObject({ channel: 'online', type: 'complaint', title: '南塔街道某路口红绿灯不亮', stage: 'registered' });
  const id = listed.items[0].id as string;
  const staff = await d.get(id, people.operator);
  expect(staff).toMatchObject({
    channel: 'online',
    citizen: { name: '刘小红', phone: CITIZEN_PHONE },
    location: '乐至县南塔街道某路口',
    registeredBy: { id: 'open311:city' },
  });

  expect(await single(ledgerNo)).toMatchObject({
    service_request_id: ledgerNo,
    status: 'open',
    status_notes: '已登记',
    service_code: 'complaint',
    service_name: '投诉',
    description: request.description,
    address: request.address_string,
  });

  await d.assignAndAccept(id, people.housingHandler);
  const handled = await single(ledgerNo);
  const due = (await d.get(id, people.operator)).deadlines.handling.dueAt;
  expect(handled).toMatchObject({ status: 'open', status_notes: '整改中：县住建局已签收', agency_responsible: '县住建局' });
  expect(Date.parse(handled.expected_datetime)).toBe(Date.parse(due));
  expect(handled.expected_datetime).toMatch(/\+08:00$/);

  // The list, from the read model, has it with the same status and deadline; the filters find it or leave it out.
  const inList = expectStatus(await app.api('GET', `/open311/v2/requests.json?service_request_id=${ledgerNo}`), 200);
  expect(inList).toEqual([expect.objectContaining({ service_request_id: ledgerNo, status: 'open', agency_responsible: '县住建局' })]);
  expect(Date.parse(inList[0].expected_datetime)).toBe(Date.parse(due));
  expect(inList[0].description).toBeUndefined();
  const openOnes = expectStatus(await app.api('GET', '/open311/v2/requests.json?status=open&service_code=complaint'), 200);
  expect(openOnes.map((r: Json) => r.service_request_id)).toContain(ledgerNo);
  expect(
    expectStatus(await app.api('GET', '/open311/v2/requests.json?status=closed'), 200).map((r: Json) => r.service_request_id),
  ).not.toContain(ledgerNo);

  await d.act(id, 'submit', people.housingHandler, { result: '红绿灯已修复' });
  await d.approveLevels(id);
  await d.act(id, 'callback', people.operator, { result: 'satisfied' });
  const closed = await single(ledgerNo);
  expect(closed).toMatchObject({ status: 'closed', status_notes: '已办结：红绿灯已修复', agency_responsible: '县住建局' });
  expect(Date.parse(closed.expected_datetime)).toBe(Date.parse(due));
  const closedList = expectStatus(await app.api('GET', `/open311/v2/requests.json?status=closed&service_request_id=${ledgerNo}`), 200);
  expect(closedList.map((r: Json) => r.status)).toEqual(['closed']);
});

test('JSON bodies too, the key in the query; an Idempotency-Key makes a retry the same case', async () => {
  const body = { service_code: 'help', description: '独居老人需要帮助', phone: '13900005678' };
  const first = expectStatus(
    await app.api('POST', `/open311/v2/requests.json?api_key=${KEY}`, { body, headers: { 'idempotency-key': 'city-42' } }),
    201,
  );
  const again = expectStatus(
    await app.api('POST', `/open311/v2/requests.json?api_key=${KEY}`, { body, headers: { 'idempotency-key': 'city-42' } }),
    201,
  );
  expect(again[0].service_request_id).toBe(first[0].service_request_id);
  expect(first[0].account_id).toBeNull();
  expect(await single(first[0].service_request_id)).toMatchObject({
    service_code: 'help',
    status: 'open',
    description: '独居老人需要帮助',
  });
});

test("errors in GeoReport's shape: an unknown request, a malformed id or filter, an unknown route", async () => {
  expectOpen311Error(await app.api('GET', '/open311/v2/requests/LZ-2026-999999.json'), 404, /LZ-2026-999999/);
  expectOpen311Error(await app.api('GET', '/open311/v2/requests/nothing.json'), 400);
  expectOpen311Error(await app.api('GET', '/open311/v2/requests.json?status=pending'), 400, /status/);
  expectOpen311Error(await app.api('GET', '/open311/v2/requests.xml'), 404);
  expectOpen311Error(await app.api('POST', `/open311/v2/requests.json?api_key=${KEY}`, { rawBody: '{"broken"' }), 400);
  // The API's own routes keep theirs.
  expect((await app.api('GET', '/cases/nothing')).body).toEqual({ error: expect.objectContaining({ code: 'unauthorized' }) });
});
