/**
 * Attachments (附件) in a real browser (Debian's Chromium) against the real API, worker and dev server: the operator
 * chooses a photo on the intake form and it is on the case right after 登记; the unit's handler sees it, adds a PDF as
 * 整改材料 with 上传附件, and downloads it through the API byte for byte. Screenshots go to test-results/console/.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { encryptedBlobStore } from '../../api/blobs/encrypted';
import { BLOB_ENVELOPE, EnvelopeCipher } from '../../temporal/envelope';
import { LocalBlobStore } from '../../api/blobs/local';
import { generatePayloadKey, parsePayloadKeys } from '../../config/keys';
import { usePeopleInBrowsers } from '../support/browser';
import { pdf, png } from '../support/files';
import { people } from '../support/personas';
import { drive, useE2E } from '../e2e/harness';

const h = useE2E();
const d = drive(h);
let blobDir: string;
const { as } = usePeopleInBrowsers(async () => {
  blobDir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-blobs-console-'));
  const blobs = encryptedBlobStore(
    new LocalBlobStore(blobDir),
    new EnvelopeCipher(parsePayloadKeys(`c1:${generatePayloadKey()}`), BLOB_ENVELOPE),
  );
  return h.startApp({ devLogin: true, blobs });
});
afterAll(async () => {
  if (blobDir) await fs.rm(blobDir, { recursive: true, force: true });
});

test('a photo chosen at intake is on the case after 登记; the unit adds 整改材料 and downloads it', async () => {
  const photo = png(12, 9, [40, 120, 220]);
  const operator = await as(/李话务/);
  const op = operator.page;
  await op.getByRole('menuitem', { name: '登记诉求' }).click();
  await op.getByLabel('诉求人姓名').fill('张三');
  await op.getByLabel('联系电话').fill('13812340001');
  await op.getByLabel('标题').fill('路边井盖缺失');
  await op.getByLabel('诉求内容').fill('天池街道某路口井盖缺失，有安全隐患，附现场照片。');
  const chooser = op.waitForEvent('filechooser');
  await op.getByRole('button', { name: '选择附件' }).click();
  await (await chooser).setFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: photo });
  await op.getByText('现场照片.png').waitFor();
  await operator.shot('attachments-01-intake-chosen');
  await op.getByRole('button', { name: '登记', exact: true }).click();
  await op.getByText('已上传 1 个附件').waitFor();
  await op.getByRole('link', { name: '查看工单' }).click();
  const files = op.getByRole('table', { name: '附件列表' });
  await files.getByRole('row').filter({ hasText: '现场照片.png' }).filter({ hasText: '诉求材料' }).waitFor();
  await operator.shot('attachments-02-case-with-photo');
  const caseId = /\/cases\/([0-9a-z]{16})/.exec(op.url())?.[1] ?? `(no case id in ${op.url()})`;
  const ledgerNo = (await op.getByRole('heading', { level: 1 }).textContent())?.split(' ')[0] ?? '';

  await d.assignAndAccept(caseId, people.housingHandler);
  const handler = await as(/县住建局承办人/);
  const hp = handler.page;
  // From the inbox, where the case now waits for the unit (it refreshes by itself).
  await hp.getByRole('menuitem', { name: '我的待办' }).click();
  await hp.getByRole('link', { name: ledgerNo }).click({ timeout: 30_000 });
  const theirFiles = hp.getByRole('table', { name: '附件列表' });
  await theirFiles.getByRole('row').filter({ hasText: '现场照片.png' }).waitFor();
  // The unit adds its kinds only: 整改材料 first.
  await hp.getByLabel('材料类别').click();
  await hp.getByTitle('办理结果材料').waitFor();
  expect(await hp.getByTitle('诉求材料').count()).toBe(0);
  await hp.getByLabel('材料类别').press('Escape');
  await hp.getByTitle('整改材料').first().waitFor();
  const report = pdf('Well cover replaced');
  const upload = hp.waitForEvent('filechooser');
  await hp.getByRole('button', { name: '上传附件' }).click();
  await (await upload).setFiles({ name: '整改报告.pdf', mimeType: 'application/pdf', buffer: report });
  await theirFiles.getByRole('row').filter({ hasText: '整改报告.pdf' }).filter({ hasText: '整改材料' }).waitFor();
  await handler.shot('attachments-03-unit-uploaded');

  const downloaded = hp.waitForEvent('download');
  await hp.getByRole('button', { name: '下载 整改报告.pdf' }).click();
  const file = await (await downloaded).path();
  expect((await fs.readFile(file)).equals(report)).toBe(true);
});
