/**
 * The console in a real browser (Debian's Chromium): the whole loop by the people who do it, each in a browser of
 * their own, against the real API, worker and Temporal dev server; a rejection and a second round; a handler who
 * never sees the citizen's phone; a refusal said in Chinese. Screenshots go to test-results/console/.
 */
import { quietFor, usePeopleInBrowsers, type PersonPage } from '../support/browser';
import { drive, useE2E } from '../e2e/harness';
import { HOUSING, people, TRANSPORT } from '../support/personas';

const h = useE2E();
const { as, baseUrl } = usePeopleInBrowsers(() => h.startApp({ devLogin: true }));

const PHONE = '13812345678';

/** The operator registers a request through the form and reads the ledger number off the receipt. */
async function register(operator: PersonPage, title: string): Promise<{ id: string; ledgerNo: string }> {
  const { page } = operator;
  await page.getByRole('menuitem', { name: '登记诉求' }).click();
  await page.getByLabel('诉求人姓名').fill('张三');
  await page.getByLabel('联系电话').fill(PHONE);
  await page.getByLabel('标题').fill(title);
  await page.getByLabel('诉求内容').fill('小区路灯坏了两周，晚上出行不安全。');
  await page.getByRole('button', { name: '登记', exact: true }).click();
  const receipt = page.getByText(/登记成功，台账编号 /);
  await receipt.waitFor();
  const ledgerNo = /台账编号 (\S+)/.exec((await receipt.textContent()) ?? '')![1];
  await page.getByRole('link', { name: '查看工单' }).click();
  await page.waitForURL(/#\/cases\//);
  const id = /#\/cases\/([0-9a-z]+)/.exec(page.url())![1];
  return { id, ledgerNo };
}

/** Opens the case from this person's inbox (it must be there: the inbox refreshes by itself). */
async function openFromInbox(person: PersonPage, ledgerNo: string): Promise<void> {
  const { page } = person;
  await page.getByRole('menuitem', { name: '我的待办' }).click();
  await page.getByRole('link', { name: ledgerNo }).click({ timeout: 30_000 });
  await page.getByRole('heading', { name: new RegExp(ledgerNo) }).waitFor();
}

/** Presses an action's button, fills its dialog, confirms, and waits for the stage it leads to. */
async function act(person: PersonPage, button: string, fill: Record<string, string> = {}, then?: string): Promise<void> {
  const { page } = person;
  await page.getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog');
  // Every action but 签收 asks for something in a dialog first.
  if (button !== '签收') {
    // A click on the confirm button while the dialog still zooms in can be lost (CI saw one): wait until it has opened.
    await page.locator('.ant-modal.ant-zoom-appear').waitFor({ state: 'detached' });
    for (const [label, value] of Object.entries(fill)) await dialog.getByLabel(label).fill(value);
    await dialog.getByRole('button', { name: `确认${button}` }).click();
    await dialog.waitFor({ state: 'hidden' });
  }
  if (then) await page.getByText(then, { exact: true }).first().waitFor();
}

async function assign(dispatcher: PersonPage, ledgerNo: string, unit: string): Promise<void> {
  await openFromInbox(dispatcher, ledgerNo);
  const { page } = dispatcher;
  await page.getByRole('button', { name: '交办', exact: true }).click();
  const dialog = page.getByRole('dialog');
  // Keyboard first: type part of the Chinese name, Enter takes the first unit it finds.
  await dialog.getByLabel('承办单位').fill(unit.slice(1, 3));
  await dialog.getByLabel('承办单位').press('Enter');
  await dialog.getByTitle(unit, { exact: true }).waitFor();
  await dialog.getByRole('button', { name: '确认交办' }).click();
  await page.getByText('已交办', { exact: true }).first().waitFor();
}

test('the whole loop by its people, each in a browser of their own: 登记 → 交办 → 签收 → 提交 → 初审/审核/审发 → 回访', async () => {
  const operator = await as(/李话务/);
  const { ledgerNo } = await register(operator, '小区路灯不亮（整轮）');
  await operator.shot('01-operator-registered');

  const dispatcher = await as(/赵派单/);
  await assign(dispatcher, ledgerNo, '县住建局');
  await dispatcher.shot('02-dispatcher-assigned');

  const handler = await as(/县住建局承办人/);
  await openFromInbox(handler, ledgerNo);
  await act(handler, '签收', {}, '整改中');
  await act(handler, '提交', { 办理结果: '已更换路灯灯泡并检修线路。' }, '审核中');
  await handler.shot('03-handler-submitted');

  for (const [who, level] of [
    [/孙初审/, 1],
    [/周审核/, 2],
    [/吴审发/, 3],
  ] as const) {
    const reviewer = await as(who);
    await openFromInbox(reviewer, ledgerNo);
    await act(reviewer, '通过', { 审核意见: `第${level}级同意` });
    await reviewer.shot(`04-reviewer-${level}-approved`);
  }

  await openFromInbox(operator, ledgerNo);
  await operator.page.getByText('已回复', { exact: true }).first().waitFor();
  await operator.page.getByRole('button', { name: '回访', exact: true }).click();
  const dialog = operator.page.getByRole('dialog');
  await dialog.getByRole('radio', { name: '满意', exact: true }).check();
  await dialog.getByRole('button', { name: '确认回访' }).click();
  await operator.page.getByText('已办结', { exact: true }).first().waitFor();
  // The timeline in Chinese, each step named, with the unit's name, never its code.
  const timeline = operator.page.getByLabel('办理过程', { exact: true });
  for (const step of ['登记受理', '交办', '签收', '提交办理结果', '审核', '回访'])
    await timeline.getByText(step, { exact: true }).first().waitFor();
  expect(await operator.page.textContent('body')).not.toContain('housing-construction');
  await operator.shot('05-operator-closed');
});

test('a rejection at 审核 sends the case back to the unit with the comment, and a second round goes through', async () => {
  const operator = await as(/李话务/);
  const { ledgerNo } = await register(operator, '小区路灯不亮（退回）');
  const dispatcher = await as(/赵派单/);
  await assign(dispatcher, ledgerNo, '县交通运输局');
  const handler = await as(/县交通运输局承办人/);
  await openFromInbox(handler, ledgerNo);
  await act(handler, '签收', {}, '整改中');
  await act(handler, '提交', { 办理结果: '已报修。' }, '审核中');

  const first = await as(/孙初审/);
  await openFromInbox(first, ledgerNo);
  await act(first, '通过');
  const second = await as(/周审核/);
  await openFromInbox(second, ledgerNo);
  // A rejection needs a comment: the dialog says so in Chinese next to the field, and nothing is sent.
  await second.page.getByRole('button', { name: '退回', exact: true }).click();
  await second.page.locator('.ant-modal.ant-zoom-appear').waitFor({ state: 'detached' });
  await second.page.getByRole('dialog').getByRole('button', { name: '确认退回' }).click();
  await second.page.getByText('退回必须填写意见').waitFor();
  await second.page.getByRole('dialog').getByLabel('退回意见').fill('只报修未修复，请落实整改。');
  await second.page.getByRole('dialog').getByRole('button', { name: '确认退回' }).click();
  await second.page.getByText('整改中', { exact: true }).first().waitFor();

  await handler.page.reload();
  await handler.page.getByText('只报修未修复，请落实整改。').first().waitFor();
  await act(handler, '提交', { 办理结果: '已修复并回访确认。' }, '审核中');
  for (const who of [/孙初审/, /周审核/, /吴审发/]) {
    const reviewer = await as(who);
    await openFromInbox(reviewer, ledgerNo);
    await act(reviewer, '通过');
  }
  await operator.page.reload();
  await operator.page.getByText('已回复', { exact: true }).first().waitFor();
  await operator.page.getByText(/第 2 轮审核/).waitFor();
  await operator.shot('06-second-round-replied');
});

test("a handler never sees the citizen's phone, anywhere on the page; a confidential case hides the citizen entirely", async () => {
  const operator = await as(/李话务/);
  const { ledgerNo } = await register(operator, '小区路灯不亮（遮蔽）');
  const dispatcher = await as(/赵派单/);
  await assign(dispatcher, ledgerNo, '县卫健局');
  const handler = await as(/县卫健局承办人/);
  await openFromInbox(handler, ledgerNo);
  await handler.page.getByText('138****5678').waitFor();
  expect(await handler.page.content()).not.toContain(PHONE);

  // Confidential, registered through the API: the unit's handler sees neither name nor phone.
  const res = await h.api('POST', '/cases', {
    token: people.operator,
    body: {
      channel: 'hotline',
      type: 'complaint',
      confidential: true,
      citizen: { name: '王保密', phone: '13900001111' },
      title: '保密投诉',
      content: '反映卫健局窗口态度问题。',
      about: 'health',
    },
  });
  expect(res.status).toBe(201);
  const id = (res.body as { id: string }).id;
  await h.api('POST', `/cases/${id}/assign`, { token: people.dispatcher, body: { unit: 'health' } });
  await handler.page.goto(`${baseUrl()}/#/cases/${id}`);
  await handler.page.getByRole('heading', { name: /保密投诉/ }).waitFor();
  const html = await handler.page.content();
  expect(html).not.toContain('13900001111');
  expect(html).not.toContain('王保密');
  await handler.page.getByText('（保密，不予显示）').first().waitFor();
  await handler.shot('07-handler-confidential');
});

test('a refusal is said in Chinese next to the action: assigning a case someone else assigned meanwhile', async () => {
  const operator = await as(/李话务/);
  const { id, ledgerNo } = await register(operator, '小区路灯不亮（冲突）');
  const dispatcher = await as(/赵派单/);
  await openFromInbox(dispatcher, ledgerNo);
  // Another dispatcher assigns it first, through the API.
  const other = await h.api('POST', `/cases/${id}/assign`, { token: people.dispatcher, body: { unit: 'transport' } });
  expect(other.status).toBe(200);
  await dispatcher.page.getByRole('button', { name: '交办', exact: true }).click();
  const dialog = dispatcher.page.getByRole('dialog');
  await dialog.getByLabel('承办单位').fill('住建');
  await dialog.getByLabel('承办单位').press('Enter');
  await dialog.getByRole('button', { name: '确认交办' }).click();
  await dialog.getByRole('alert').getByText('该工单当前为「已交办」，不能进行此操作').waitFor();
  await dispatcher.shot('08-refusal-in-chinese');
});

test('the supervisor dashboard finds an overdue case and opens it; the metrics of the month are there', async () => {
  const { ledgerNo } = await h.startBackdatedCase(new Date(Date.now() - 6 * 86_400_000), { title: '久拖未交办的诉求' });
  // A case a unit holds this month, so that its metrics have something to count.
  await drive(h).assign((await drive(h).create({ title: '本月已交办的诉求' })).id as string, HOUSING);
  const supervisor = await as(/钱督办/);
  await supervisor.page.getByRole('menuitem', { name: '督办工作台' }).click();
  const stuck = supervisor.page.getByRole('table', { name: '超期、临期与滞留工单' });
  const row = stuck.getByRole('row').filter({ hasText: ledgerNo });
  await row.getByText('超期', { exact: true }).waitFor({ timeout: 30_000 });
  await supervisor.page.getByRole('table', { name: '单位考核' }).waitFor();
  // Open cases by unit × stage: the backdated case waits for a unit, on the 未交办 row under 已登记.
  const workload = supervisor.page.getByRole('table', { name: '在办工单分布' });
  await workload.getByRole('row').filter({ hasText: '未交办' }).waitFor();
  await workload.getByRole('columnheader', { name: '已登记' }).waitFor();
  // The charts come in their own chunk (ECharts), by unit and over the last six months.
  // (A rate with no case to count yet this month says so instead of drawing an empty chart.)
  await supervisor.page.getByRole('img', { name: '全县近6个月考核指标趋势' }).waitFor();
  const byUnit = (rate: string) =>
    supervisor.page.getByRole('img', { name: `本月各单位${rate}` }).or(supervisor.page.getByText(`本月暂无可计算${rate}的工单。`));
  await byUnit('按时办结率').waitFor();
  await supervisor.page.getByLabel('选择指标').getByText('退回率', { exact: true }).click();
  // The unit holding a case this month has a return rate (0 of 1): a bar to draw.
  await supervisor.page.getByRole('img', { name: '本月各单位退回率' }).waitFor();
  await supervisor.shot('09-supervisor-dashboard');
  await row.getByRole('link', { name: ledgerNo }).click();
  await supervisor.page.getByRole('heading', { name: new RegExp(ledgerNo) }).waitFor();
  await supervisor.page.getByText(/已超期 \d+ 个工作日/).waitFor();
  // That view showed the citizen unmasked: the audit log says who, which case, when.
  await supervisor.page.getByRole('menuitem', { name: '审计日志' }).click();
  const audit = supervisor.page.getByRole('table', { name: '审计日志' });
  await audit.getByRole('row').filter({ hasText: ledgerNo }).getByText('查看未遮蔽的诉求人信息').waitFor();
  await supervisor.page.getByRole('menuitem', { name: '定期抽查' }).click();
  await supervisor.page.getByRole('table', { name: '抽查样本' }).waitFor();
});

test("before registering, the operator sees the caller's other open cases (possible 并单)", async () => {
  const operator = await as(/李话务/);
  const first = await register(operator, '楼下餐馆油烟扰民');
  const { page } = operator;
  await page.getByRole('menuitem', { name: '登记诉求' }).click();
  await page.getByLabel('联系电话').fill('138-1234-5678');
  const others = page.getByRole('list', { name: '该号码的未办结工单' });
  await others.getByRole('link', { name: first.ledgerNo }).waitFor({ timeout: 30_000 });
  await page
    .getByRole('status')
    .getByText(/该号码另有 \d+ 件未办结工单/)
    .waitFor();
  await operator.shot('12-operator-caller-open-cases');
  // Another number: the list goes.
  await page.getByLabel('联系电话').fill('13900001111');
  await others.waitFor({ state: 'detached' });
});

test("工单查询 finds cases by words, by ledger number and by the caller's phone; a handler has no phone field", async () => {
  const flood = await drive(h).create({ title: '桥下涵洞积水严重', citizen: { name: '钱某', phone: '13600001234' } });
  const operator = await as(/李话务/);
  const { page } = operator;
  await page.getByRole('menuitem', { name: '工单查询' }).click();
  const results = page.getByRole('table', { name: '查询结果' });
  await page.getByLabel('台账编号或关键词').fill('涵洞 积水');
  await page.getByLabel('台账编号或关键词').press('Enter');
  await results.getByRole('link', { name: flood.ledgerNo as string }).waitFor({ timeout: 30_000 });
  await page.getByLabel('台账编号或关键词').fill(flood.ledgerNo as string);
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await results.getByRole('row').filter({ hasText: '桥下涵洞积水严重' }).waitFor();
  await page.getByLabel('台账编号或关键词').fill('');
  await page.getByLabel('来电号码').fill('136-0000-1234');
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await results.getByRole('link', { name: flood.ledgerNo as string }).waitFor();
  await operator.shot('13-operator-lookup');

  const handler = await as(/县住建局承办人/);
  await handler.page.getByRole('menuitem', { name: '工单查询' }).click();
  await handler.page.getByLabel('台账编号或关键词').waitFor();
  expect(await handler.page.getByLabel('来电号码').count()).toBe(0);
});

test('a supporting unit (协办) finds the case in its inbox and gives its contribution, which the case page shows', async () => {
  const c = await drive(h).create({ title: '协办：路边违建' });
  await drive(h).act(c.id as string, 'assign', people.dispatcher, { unit: HOUSING, supporting: [TRANSPORT] });
  const transport = await as(/县交通运输局承办人/);
  const row = transport.page.getByRole('row').filter({ hasText: c.ledgerNo as string });
  await row.getByText('待协办').waitFor({ timeout: 30_000 });
  await row.getByRole('link', { name: c.ledgerNo as string }).click();
  await act(transport, '提交协办意见', { 协办意见: '已核实道路红线范围' });
  await transport.page.getByText('县交通运输局：已核实道路红线范围').first().waitFor();
  await transport.shot('14-supporting-unit-contributed');
  // Its part is done: nothing more to press for it.
  expect(await transport.page.getByRole('button', { name: '提交协办意见' }).count()).toBe(0);
  expect(await transport.page.getByRole('button', { name: '签收', exact: true }).count()).toBe(0);
});

test('a session that ends mid-form asks to sign in again over the page and keeps what was typed, also across a reload', async () => {
  const operator = await as(/李话务/);
  const { page } = operator;
  await page.getByRole('menuitem', { name: '登记诉求' }).click();
  await page.getByLabel('诉求人姓名').fill('赵六');
  await page.getByLabel('联系电话').fill('13700002222');
  await page.getByLabel('标题').fill('路口信号灯故障（会话过期）');
  await page.reload();
  await page.getByLabel('标题').waitFor();
  expect(await page.getByLabel('标题').inputValue()).toBe('路口信号灯故障（会话过期）');
  await page.getByLabel('诉求内容').fill('早高峰信号灯全红。');
  // The form's own lookups (the caller's other cases, the knowledge panel) start a moment after typing or the reload;
  // one meeting the refused token below would open the dialog before the click (the machine's load decides): let them
  // finish first, so that sending the form is what meets it.
  await quietFor(page, /\/(knowledge|cases)\?/, 1_500);
  // The token is refused from now on (as when it expires or the key changes).
  await page.evaluate(() => {
    // In the page (this file is compiled without the DOM's types).
    const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } })
      .sessionStorage;
    const session = JSON.parse(store.getItem('huiying.session')!) as { token: string };
    store.setItem('huiying.session', JSON.stringify({ ...session, token: `${session.token}x` }));
  });
  await page.getByRole('button', { name: '登记', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: '登录已过期' });
  await dialog.waitFor();
  await operator.shot('10-session-expired');
  await dialog.getByRole('button', { name: /李话务/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect(await page.getByLabel('诉求内容').inputValue()).toBe('早高峰信号灯全红。');
  // Keyboard: Enter in a field sends the form.
  await page.getByLabel('标题').press('Enter');
  await page.getByText(/登记成功，台账编号 /).waitFor();
});

test("the dispatcher finds a unit's return in the inbox (退单待审), reads the grounds, accepts it and re-assigns at once", async () => {
  const res = await h.api('POST', '/cases', {
    token: people.operator,
    body: {
      channel: 'hotline',
      type: 'complaint',
      citizen: { name: '钱七', phone: '13600003333' },
      title: '占道经营（退单）',
      content: '路口占道经营。',
    },
  });
  const { id, ledgerNo } = res.body as { id: string; ledgerNo: string };
  expect((await h.api('POST', `/cases/${id}/assign`, { token: people.dispatcher, body: { unit: 'transport' } })).status).toBe(200);
  const back = await h.api('POST', `/cases/${id}/return`, {
    token: people.transportHandler,
    body: { reason: '不属于交通运输局职责，应由市场监管局处理。' },
  });
  expect(back.status).toBe(200);

  // The return waits for the dispatcher's decision, in the inbox.
  const dispatcher = await as(/赵派单/);
  const row = dispatcher.page.getByRole('row').filter({ hasText: ledgerNo });
  await row.getByText('退单待审').waitFor({ timeout: 30_000 });
  await row.getByRole('link', { name: ledgerNo }).click();
  await dispatcher.page.getByText('不属于交通运输局职责，应由市场监管局处理。').waitFor();
  await dispatcher.shot('11-dispatcher-returned');
  // Accepted and re-assigned in one decision.
  await dispatcher.page.getByRole('button', { name: '同意退单', exact: true }).click();
  const dialog = dispatcher.page.getByRole('dialog');
  await dialog.getByLabel('改派至单位（可不选，退回待交办）').fill('市场监管');
  await dialog.getByLabel('改派至单位（可不选，退回待交办）').press('Enter');
  await dialog.getByRole('button', { name: '确认同意退单' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await dispatcher.page.getByText('已交办', { exact: true }).first().waitFor();
  await dispatcher.page.getByText(/同意退单，改派至 县市场监管局/).waitFor();
});
