/**
 * The knowledge base (知识库) in a real browser (Debian's Chromium) against the real API, worker and dev server: a
 * supervisor adds an entry on the 知识库 page; an operator finds it on the intake form by typing words, takes its
 * answer for a consultation answered at once (直接答复); the supervisor then reads a usage count of 1 and the entry's
 * history. Screenshots go to test-results/console/.
 */
import { usePeopleInBrowsers } from '../support/browser';
import { useE2E } from '../e2e/harness';

const h = useE2E();
const { as } = usePeopleInBrowsers(() => h.startApp({ devLogin: true }));

const QUESTION = '小区路灯不亮怎么办';
const ANSWER = '小区内路灯由物业负责维修，请先联系物业；物业不处理的，可向县住建局反映。';
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

test('a supervisor adds an entry; an operator finds it at intake and answers with it; its usage count reads 1', async () => {
  const supervisor = await as(/钱督办/);
  const sp = supervisor.page;
  await sp.getByRole('menuitem', { name: '知识库' }).click();
  await sp.getByRole('button', { name: '新增条目' }).click();
  const dialog = sp.getByRole('dialog');
  await dialog.getByLabel('问题').fill(QUESTION);
  await dialog.getByLabel('答案').fill(ANSWER);
  await dialog.getByLabel('分类').fill('城市管理');
  await dialog.getByLabel('关键词').fill('路灯');
  await dialog.getByLabel('关键词').press('Enter');
  await dialog.getByLabel('有效期起').fill(today());
  await dialog.getByLabel('来源').fill('县住建局');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const table = sp.getByRole('table', { name: '知识库条目' });
  const row = table.getByRole('row').filter({ hasText: QUESTION });
  await row.waitFor();
  await supervisor.shot('knowledge-01-supervisor-added');

  const operator = await as(/李话务/);
  const op = operator.page;
  await op.getByRole('menuitem', { name: '登记诉求' }).click();
  await op.getByLabel('诉求类型').click();
  await op.getByTitle('咨询', { exact: true }).click();
  await op.getByLabel('诉求人姓名').fill('张三');
  await op.getByLabel('联系电话').fill('13812340000');
  await op.getByLabel('标题').fill('咨询小区路灯报修');
  await op.getByLabel('诉求内容').fill('小区路灯坏了，应该找谁修？');
  await op.getByLabel('查找知识库').fill('路灯');
  const found = op.getByRole('list', { name: '知识库条目' }).getByRole('listitem', { name: QUESTION });
  await found.getByRole('button', { name: '采用此答复' }).click();
  await found.getByText('已采用').waitFor();
  expect(await op.getByLabel('直接答复内容').inputValue()).toBe(ANSWER);
  await operator.shot('knowledge-02-operator-adopted');
  await op.getByRole('button', { name: '登记', exact: true }).click();
  await op.getByText('已直接答复，工单已办结。').waitFor();

  // The use is recorded after the receipt shows: the supervisor's list reads it once it is there.
  const headers = await table.getByRole('columnheader').allTextContents();
  const usage = row.getByRole('cell').nth(headers.indexOf('使用次数'));
  for (let i = 0; i < 20 && (await usage.textContent()) !== '1'; i++) {
    await sp.getByRole('button', { name: '查询', exact: true }).click();
    await sp.waitForTimeout(250);
  }
  expect(await usage.textContent()).toBe('1');
  await row.getByRole('button', { name: '记录' }).click();
  const history = sp.getByRole('dialog').getByRole('table', { name: '修改记录' });
  await history.getByRole('row').filter({ hasText: '钱督办' }).filter({ hasText: '新增' }).waitFor();
  await supervisor.shot('knowledge-03-supervisor-usage');
});
