/**
 * Notification channels end to end: the worker's notifier built from configuration as `npm run worker` builds it
 * (worker/notifier-from-config.ts: a notification directory file, SMTP settings, the encrypted outbox), on a real dev
 * server with the real worker and API, and a real SMTP server. A case assigned to the housing bureau e-mails it; the
 * citizen's receipt stays in the outbox, encrypted; a unit whose address the server refuses for good gets the case's
 * `notify_failed` record instead of endless retries.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import { generatePayloadKey, parsePayloadKeys } from '../../config/keys';
import { messageIdOf } from '../../activities/email-notifier';
import { notifierFrom } from '../../worker/notifier-from-config';
import { outboxOf } from '../support/outbox';
import { HOUSING, people, TRANSPORT } from '../support/personas';
import { waitFor } from '../support/polling';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { drive, useE2E, type Json } from './harness';

const HOUSING_MAIL = 'zjj@lezhi.gov.cn';
const payloadKeys = parsePayloadKeys(`e2e-mail:${generatePayloadKey()}`);

let smtp: TestSmtpServer;
let directoryFile: string;
// Before the harness's beforeAll (hooks run in order): the worker's notifier needs the server and the file.
beforeAll(async () => {
  smtp = await startSmtpServer();
  directoryFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-directory-')), 'notifications.json');
  await fs.writeFile(
    directoryFile,
    JSON.stringify({
      units: { [HOUSING]: { email: [HOUSING_MAIL] }, [TRANSPORT]: { email: ['refuse-550@lezhi.gov.cn'] } },
      supervisors: { email: ['dbk@lezhi.gov.cn'] },
    }),
  );
});
afterAll(async () => {
  await smtp?.stop();
  if (directoryFile) await fs.rm(path.dirname(directoryFile), { recursive: true, force: true });
});

const h = useE2E({
  payloadKeys,
  notifier: (outbox, db) =>
    notifierFrom(
      loadConfig({
        HUIYING_OUTBOX_DIR: outbox.dir,
        HUIYING_NOTIFICATIONS_FILE: directoryFile,
        HUIYING_SMTP_HOST: smtp.host,
        HUIYING_SMTP_PORT: String(smtp.port),
        HUIYING_SMTP_FROM: '乐至县12345热线 <huiying@lezhi.gov.cn>',
        HUIYING_SMTP_CA_FILE: smtp.caFile,
      }),
      { keys: payloadKeys, db },
    ),
});
const d = drive(h);

test("a case assigned to the housing bureau reaches it by e-mail; the citizen's receipt stays in the encrypted outbox", async () => {
  const c = await d.create({ title: '小区路灯不亮', citizen: { name: '周九', phone: '13512340000' } });
  const id = c.id as string;
  const ledgerNo = c.ledgerNo as string;
  await d.assign(id, HOUSING);

  const assignedId = `${id}:`;
  const [mail] = await waitFor(
    'the assignment e-mail at the SMTP server',
    async () => smtp.messages.filter((m) => m.headers['x-huiying-notification']?.startsWith(assignedId)),
    (found) => found.length > 0,
  );
  const notificationId = mail.headers['x-huiying-notification'];
  expect(notificationId).toMatch(/:assigned$/);
  expect(mail.to).toEqual([HOUSING_MAIL]);
  expect(mail.secure).toBe(true);
  expect(mail.subject).toBe(`【交办】${ledgerNo}「小区路灯不亮」`);
  expect(mail.text).toContain(`【交办】${ledgerNo}「小区路灯不亮」已交办贵单位主办，请及时签收办理。`);
  expect(mail.text).not.toContain('13512340000'); // a unit's notice never names the citizen
  expect(mail.messageId).toBe(messageIdOf(notificationId, 'lezhi.gov.cn'));

  // The citizen's receipt went to the default channel, the outbox; the unit's notice did not.
  const outbox = await waitFor(
    'the receipt in the outbox',
    () => outboxOf(h, id),
    (o) => o.some((n) => n.template === 'receipt'),
  );
  expect(outbox.map((n) => n.template)).toEqual(['receipt']);
  const files = await fs.readdir(path.join(h.outbox.dir, id));
  const bytes = Buffer.concat(await Promise.all(files.map((f) => fs.readFile(path.join(h.outbox.dir, id, f)))));
  expect(bytes.includes(Buffer.from('13512340000'))).toBe(false);
  expect(bytes.includes(Buffer.from('周九'))).toBe(false);

  // The unit signs for it: its own notices are not repeated.
  await d.act(id, 'accept', people.housingHandler, { note: '已签收' });
  expect(smtp.messages.filter((m) => m.headers['x-huiying-notification'] === notificationId)).toHaveLength(1);
});

test('a unit address the SMTP server refuses for good (550): recorded on the case as notify_failed, the case carries on', async () => {
  const c = await d.create({ title: '公交站牌损坏' });
  const id = c.id as string;
  await d.assign(id, TRANSPORT);
  const state = await waitFor(
    'notify_failed on the case',
    () => d.get(id, people.supervisor),
    (s: Json) => (s.timeline as Json[]).some((e) => e.action === 'notify_failed'),
  );
  const failed = (state.timeline as Json[]).find((e) => e.action === 'notify_failed');
  expect(failed.note).toContain('550');
  expect(smtp.messages.filter((m) => m.headers['x-huiying-notification']?.startsWith(`${id}:`))).toEqual([]);
  await d.act(id, 'accept', people.transportHandler, { note: '已签收' });
});
