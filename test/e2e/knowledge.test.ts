/**
 * The knowledge base (知识库) through HTTP against the real API, worker, dev server and PostgreSQL: entries kept with
 * their history, optimistic concurrency, who may do what, search by Chinese words, validity, the XLSX round trip and
 * an import that is all or nothing, and usage counted once per directly answered case.
 */
import ExcelJS from 'exceljs';
import type { KnowledgeDraft } from '../../domain/knowledge';
import type { Actor } from '../../domain/roles';
import { drive, expectApiError, expectStatus, type Json, useE2E } from './harness';
import { people } from '../support/personas';

const h = useE2E();
const d = drive(h);

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Today and other days in Asia/Shanghai, computed here rather than by the code under test. */
const shDay = (offsetDays = 0) => new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

const entry = (overrides: Partial<KnowledgeDraft> = {}): KnowledgeDraft => ({
  question: '小区路灯不亮怎么办',
  answer: '小区内路灯由物业负责维修，可先联系物业；物业不处理的，可向县住建局反映。',
  category: '城市管理',
  keywords: ['路灯', '物业'],
  validFrom: shDay(-30),
  validTo: null,
  source: '县住建局',
  ...overrides,
});

async function create(body: KnowledgeDraft = entry()): Promise<Json> {
  return expectStatus(await h.api('POST', '/knowledge', { token: people.supervisor, body }), 201);
}

async function upload(file: Buffer | Uint8Array, actor: Actor = people.supervisor) {
  const res = await fetch(`${h.baseUrl}/knowledge/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await h.token(actor)}`, 'content-type': XLSX },
    body: file,
  });
  return { status: res.status, body: (await res.json()) as Json, text: '', headers: res.headers };
}

async function exported(): Promise<ExcelJS.Worksheet> {
  const res = await fetch(`${h.baseUrl}/knowledge.xlsx`, { headers: { authorization: `Bearer ${await h.token(people.admin)}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(XLSX);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await res.arrayBuffer());
  return workbook.worksheets[0];
}

const headersOf = (sheet: ExcelJS.Worksheet) => (sheet.getRow(1).values as unknown[]).slice(1);

async function sheetBuffer(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('知识库');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

test('create, update and retire: each change in the history with who, when, before and after', async () => {
  const created = await create(
    entry({ question: '燃气费在哪里缴纳', answer: '可在县燃气公司营业厅或微信公众号缴纳。', keywords: ['燃气'] }),
  );
  expect(created).toMatchObject({
    version: 1,
    usageCount: 0,
    validToday: true,
    retiredAt: null,
    createdBy: { id: 'sup-qian', name: '钱督办' },
  });

  const updated = expectStatus(
    await h.api('PUT', `/knowledge/${created.id}`, {
      token: people.admin,
      headers: { 'if-match': `"${created.version}"` },
      body: entry({ question: '燃气费在哪里缴纳', answer: '可在县燃气公司营业厅、微信公众号或支付宝缴纳。', keywords: ['燃气', '缴费'] }),
    }),
    200,
  );
  expect(updated).toMatchObject({ version: 2, updatedBy: { id: 'adm-sun', name: '孙管理' }, keywords: ['燃气', '缴费'] });

  const retired = expectStatus(await h.api('DELETE', `/knowledge/${created.id}`, { token: people.supervisor }), 200);
  expect(retired.version).toBe(3);
  expect(retired.retiredAt).toEqual(expect.any(String));
  // Retired: still readable by id, no longer listed or searchable.
  expect(expectStatus(await h.api('GET', `/knowledge/${created.id}`, { token: people.operator }), 200).retiredAt).not.toBeNull();
  const search = expectStatus(await h.api('GET', `/knowledge?q=${encodeURIComponent('燃气')}`, { token: people.supervisor }), 200);
  expect(search.items.map((e: Json) => e.id)).not.toContain(created.id);
  expectApiError(await h.api('DELETE', `/knowledge/${created.id}`, { token: people.supervisor }), 409, 'conflict', /已停用/);

  const history = expectStatus(await h.api('GET', `/knowledge/${created.id}/history`, { token: people.supervisor }), 200).items;
  expect(history.map((c: Json) => [c.version, c.action, c.actor.name])).toEqual([
    [1, 'created', '钱督办'],
    [2, 'updated', '孙管理'],
    [3, 'retired', '钱督办'],
  ]);
  expect(history[0].before).toBeNull();
  expect(history[1].before.answer).toBe('可在县燃气公司营业厅或微信公众号缴纳。');
  expect(history[1].after.answer).toBe('可在县燃气公司营业厅、微信公众号或支付宝缴纳。');
  expect(history[2].after).toBeNull();
  for (const c of history) expect(Date.parse(c.at)).toBeGreaterThan(Date.now() - 120_000);
});

test('a change made from a stale version → 409, and the newer change stays', async () => {
  const e = await create(entry({ question: '医保卡丢了怎么补办', answer: '携带身份证到县医保局窗口补办。', keywords: ['医保'] }));
  const first = expectStatus(
    await h.api('PUT', `/knowledge/${e.id}`, {
      token: people.supervisor,
      body: { ...entry({ question: e.question, answer: '第一人改的答复' }), version: 1 },
    }),
    200,
  );
  expect(first.version).toBe(2);
  const stale = expectApiError(
    await h.api('PUT', `/knowledge/${e.id}`, {
      token: people.admin,
      body: { ...entry({ question: e.question, answer: '第二人改的答复' }), version: 1 },
    }),
    409,
    'conflict',
    /已被他人修改/,
  );
  expect(stale.details).toEqual({ version: 2 });
  expectApiError(await h.api('DELETE', `/knowledge/${e.id}`, { token: people.admin, headers: { 'if-match': '"1"' } }), 409, 'conflict');
  expect(expectStatus(await h.api('GET', `/knowledge/${e.id}`, { token: people.supervisor }), 200)).toMatchObject({
    version: 2,
    answer: '第一人改的答复',
  });
  // A PUT must say which version it was made from.
  const missing = expectApiError(await h.api('PUT', `/knowledge/${e.id}`, { token: people.admin, body: entry() }), 400, 'invalid_input');
  expect(missing.details).toEqual([expect.objectContaining({ field: 'version' })]);
});

test('who may: operators and dispatchers read, supervisors and admins write, only operators report a use; others 403', async () => {
  const e = await create(entry({ question: '权限测试', keywords: [] }));
  for (const who of [people.operator, people.dispatcher, people.housingHandler, people.reviewer1]) {
    expectApiError(await h.api('POST', '/knowledge', { token: who, body: entry() }), 403, 'forbidden');
    expectApiError(await h.api('PUT', `/knowledge/${e.id}`, { token: who, body: { ...entry(), version: 1 } }), 403, 'forbidden');
    expectApiError(await h.api('DELETE', `/knowledge/${e.id}`, { token: who }), 403, 'forbidden');
    expectApiError(await h.api('GET', '/knowledge.xlsx', { token: who }), 403, 'forbidden');
    expectApiError(await upload(await sheetBuffer([['问题']]), who), 403, 'forbidden');
  }
  for (const who of [people.housingHandler, people.reviewer1])
    expectApiError(await h.api('GET', '/knowledge', { token: who }), 403, 'forbidden');
  for (const who of [people.operator, people.dispatcher]) expectStatus(await h.api('GET', `/knowledge/${e.id}`, { token: who }), 200);
  expectApiError(
    await h.api('POST', `/knowledge/${e.id}/uses`, { token: people.supervisor, body: { caseId: 'aaaaaaaaaaaaaaaa' } }),
    403,
    'forbidden',
  );
  expectApiError(await h.api('GET', '/knowledge'), 401, 'unauthorized');
});

test('invalid entries → 400 naming the field: an end before the start, a missing answer', async () => {
  const err = expectApiError(
    await h.api('POST', '/knowledge', {
      token: people.supervisor,
      body: entry({ validFrom: '2026-05-02', validTo: '2026-05-01', answer: '' }),
    }),
    400,
    'invalid_input',
  );
  expect(err.details.map((x: Json) => x.field).sort()).toEqual(['answer', 'validTo']);
  expectApiError(
    await h.api('POST', '/knowledge', { token: people.supervisor, body: entry({ validFrom: '2026-02-30' }) }),
    400,
    'invalid_input',
    /validFrom/,
  );
});

test('search: 路灯 finds 小区路灯不亮怎么办 (any order of words), most used first; operators see only what holds today', async () => {
  const lamp = await create(entry());
  const expired = await create(
    entry({ question: '路灯维修电话（旧）', answer: '拨打原城管热线。', validFrom: shDay(-400), validTo: shDay(-1) }),
  );
  const future = await create(entry({ question: '路灯报修新渠道', answer: '下月起可在政务APP报修。', validFrom: shDay(10) }));
  const other = await create(
    entry({ question: '公交卡如何充值', answer: '可在公交公司营业厅充值。', category: '交通出行', keywords: ['公交'] }),
  );

  const ids = async (query: string, who: Actor = people.operator) =>
    expectStatus(await h.api('GET', `/knowledge?${query}`, { token: who }), 200).items.map((e: Json) => e.id);

  const forOperator = await ids(`q=${encodeURIComponent('路灯')}`);
  expect(forOperator).toContain(lamp.id);
  expect(forOperator).not.toContain(expired.id);
  expect(forOperator).not.toContain(future.id);
  expect(forOperator).not.toContain(other.id);
  expect(await ids(`q=${encodeURIComponent('灯不亮')}`)).toContain(lamp.id);
  expect(await ids(`q=${encodeURIComponent('路灯 物业')}`)).toContain(lamp.id);
  expect(await ids(`q=${encodeURIComponent('路灯 公交')}`)).toEqual([]);

  // Maintainers see every entry unless they ask; valid=false: the expired and the not yet valid.
  const forSupervisor = await ids(`q=${encodeURIComponent('路灯')}`, people.supervisor);
  expect(forSupervisor).toEqual(expect.arrayContaining([lamp.id, expired.id, future.id]));
  const notValid = await ids(`q=${encodeURIComponent('路灯')}&valid=false`, people.supervisor);
  expect(notValid).toEqual(expect.arrayContaining([expired.id, future.id]));
  expect(notValid).not.toContain(lamp.id);
  const got = expectStatus(await h.api('GET', `/knowledge/${expired.id}`, { token: people.supervisor }), 200);
  expect(got.validToday).toBe(false);
  expect(await ids(`category=${encodeURIComponent('交通出行')}`)).toEqual([other.id]);

  // Most used first: a use of the later lamp entry puts it before the first.
  const second = await create(entry({ question: '路灯坏了找谁', answer: '联系街道办。' }));
  const c = await d.create({ type: 'consultation', title: '路灯坏了找谁', answer: '联系街道办。' });
  expectStatus(await h.api('POST', `/knowledge/${second.id}/uses`, { token: people.operator, body: { caseId: c.id } }), 201);
  const ordered = await ids(`q=${encodeURIComponent('路灯')}`);
  expect(ordered.indexOf(second.id)).toBeLessThan(ordered.indexOf(lamp.id));

  expectApiError(await h.api('GET', '/knowledge?valid=yes', { token: people.operator }), 400, 'invalid_input', /query\.valid/);
});

test('export → import round trip: the same sheet changes nothing; an edited row updates, a row without 编号 adds', async () => {
  const e = await create(
    entry({ question: '垃圾清运时间', answer: '每天早晚各清运一次。', category: '环境卫生', keywords: ['垃圾', '清运'] }),
  );
  const sheet = await exported();
  expect(headersOf(sheet)).toEqual(['编号', '版本', '问题', '答案', '分类', '关键词', '有效期起', '有效期止', '来源', '使用次数']);
  const row = [...Array(sheet.rowCount).keys()].map((i) => sheet.getRow(i + 1)).find((r) => r.getCell(1).value === e.id)!;
  expect(row.getCell(3).value).toBe('垃圾清运时间');
  expect(row.getCell(6).value).toBe('垃圾、清运');
  expect(row.getCell(7).value).toBe(e.validFrom);
  const entries = sheet.rowCount - 1;

  const same = Buffer.from(await sheet.workbook.xlsx.writeBuffer());
  expect(expectStatus(await upload(same), 200)).toEqual({ created: 0, updated: 0, unchanged: entries });

  row.getCell(4).value = '每天早晚各清运一次，节假日照常。';
  sheet.addRow([null, null, '大件垃圾怎么处理', '预约社区回收点上门收运。', '环境卫生', '大件垃圾，回收', shDay(), '', '县城管局']);
  const edited = Buffer.from(await sheet.workbook.xlsx.writeBuffer());
  expect(expectStatus(await upload(edited), 200)).toEqual({ created: 1, updated: 1, unchanged: entries - 1 });

  const after = expectStatus(await h.api('GET', `/knowledge/${e.id}`, { token: people.supervisor }), 200);
  expect(after).toMatchObject({ version: 2, answer: '每天早晚各清运一次，节假日照常。', updatedBy: { name: '钱督办' } });
  const added = expectStatus(await h.api('GET', `/knowledge?q=${encodeURIComponent('大件垃圾')}`, { token: people.operator }), 200).items;
  expect(added).toEqual([
    expect.objectContaining({ question: '大件垃圾怎么处理', keywords: ['大件垃圾', '回收'], validTo: null, source: '县城管局' }),
  ]);

  // The sheet exported before that update is stale now for that row: 409 naming it, nothing written.
  row.getCell(4).value = '又改了一次';
  const stale = await upload(Buffer.from(await sheet.workbook.xlsx.writeBuffer()));
  const err = expectApiError(stale, 409, 'conflict');
  expect(err.details).toEqual([expect.objectContaining({ row: row.number, column: '版本' })]);
  expect(expectStatus(await h.api('GET', `/knowledge/${e.id}`, { token: people.supervisor }), 200).version).toBe(2);
});

test('a bad import row → 400 naming row and column, and nothing of the sheet is imported', async () => {
  const count = async () => expectStatus(await h.api('GET', '/knowledge?limit=1', { token: people.supervisor }), 200).total as number;
  const before = await count();
  const file = await sheetBuffer([
    ['问题', '答案', '分类', '关键词', '有效期起', '有效期止', '来源'],
    ['好的第一行', '答复一', '测试', '', shDay(), '', ''],
    ['日期倒了', '答复二', '测试', '', '2026-05-02', '2026-05-01', ''],
    [],
    ['没有答案', '', '测试', '', '2026/05/01', '', ''],
    ['好的最后一行', '答复四', '测试', '', shDay(), '', ''],
  ]);
  const err = expectApiError(await upload(file), 400, 'invalid_input', /未导入任何条目/);
  expect(err.details.map((p: Json) => [p.row, p.column])).toEqual([
    [3, '有效期止'],
    [5, '答案'],
    [5, '有效期起'],
  ]);
  expect(await count()).toBe(before);

  // An unknown 编号 is a bad row too: the good rows before it are rolled back.
  const unknownId = await sheetBuffer([
    ['编号', '问题', '答案', '分类', '有效期起'],
    ['', '应被回滚的新条目', '答复', '测试', shDay()],
    [999999, '不存在的条目', '答复', '测试', shDay()],
  ]);
  const missing = expectApiError(await upload(unknownId), 400, 'invalid_input');
  expect(missing.details).toEqual([expect.objectContaining({ row: 3, column: '编号' })]);
  expect(await count()).toBe(before);

  expectApiError(await upload(await sheetBuffer([['标题', '内容']])), 400, 'invalid_input', /问题/);
  expectApiError(await upload(Buffer.from('not a workbook')), 400, 'invalid_input', /XLSX/);
});

test('usage: a direct answer records the entry it used, once per case', async () => {
  const e = await create(entry({ question: '户口迁移需要什么材料', answer: '身份证、户口簿及迁入地证明。', keywords: ['户口'] }));
  const answered = await d.create({ type: 'consultation', title: '咨询户口迁移', answer: e.answer });
  expect(answered.stage).toBe('closed');

  const first = expectStatus(
    await h.api('POST', `/knowledge/${e.id}/uses`, { token: people.operator, body: { caseId: answered.id } }),
    201,
  );
  expect(first).toEqual({ entryId: e.id, caseId: answered.id, counted: true, usageCount: 1 });
  const again = expectStatus(
    await h.api('POST', `/knowledge/${e.id}/uses`, { token: people.operator, body: { caseId: answered.id } }),
    200,
  );
  expect(again).toMatchObject({ counted: false, usageCount: 1 });
  expect(expectStatus(await h.api('GET', `/knowledge/${e.id}`, { token: people.supervisor }), 200).usageCount).toBe(1);

  const another = await d.create({ type: 'consultation', title: '再次咨询户口迁移', answer: e.answer });
  expectStatus(await h.api('POST', `/knowledge/${e.id}/uses`, { token: people.operator, body: { caseId: another.id } }), 201);
  expect(expectStatus(await h.api('GET', `/knowledge/${e.id}`, { token: people.operator }), 200).usageCount).toBe(2);

  expectApiError(
    await h.api('POST', '/knowledge/999999/uses', { token: people.operator, body: { caseId: answered.id } }),
    404,
    'not_found',
  );
  const malformed = expectApiError(
    await h.api('POST', `/knowledge/${e.id}/uses`, { token: people.operator, body: { caseId: 'not-a-case' } }),
    400,
    'invalid_input',
  );
  expect(malformed.details).toEqual([expect.objectContaining({ field: 'caseId' })]);
  expectApiError(
    await h.api('POST', `/knowledge/${e.id}/uses`, { token: people.operator, body: { caseId: 'zzzzzzzzzzzzzzzz' } }),
    400,
    'invalid_input',
    /没有工单/,
  );
  const notAnswered = await d.create({ title: '没有直接答复的工单' });
  expectApiError(
    await h.api('POST', `/knowledge/${e.id}/uses`, { token: people.operator, body: { caseId: notAnswered.id } }),
    409,
    'conflict',
    /不是直接答复的工单/,
  );
  expect(expectStatus(await h.api('GET', `/knowledge/${e.id}`, { token: people.operator }), 200).usageCount).toBe(2);
});
