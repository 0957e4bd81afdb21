/**
 * E-mail notifications against a real SMTP server (smtp-server on a free port, STARTTLS with its own certificate) and
 * the real read-model PostgreSQL that records what was sent: recipient, Chinese subject and body, the Message-ID
 * derived from the notification id; a retried (or concurrent) delivery sends once; 5xx refusals are permanent, 4xx and
 * connection faults temporary; the routing notifier sends a unit's notice by e-mail and a citizen's by the default.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EmailError, EmailNotifier, messageIdOf, type SmtpSettings } from '../../activities/email-notifier';
import { OutboxNotifier } from '../../activities/outbox-notifier';
import { emailAddressesFor, RoutingNotifier } from '../../activities/routing-notifier';
import { generatePayloadKey, parsePayloadKeys } from '../../config/keys';
import type { NotificationDirectory } from '../../domain/notification-directory';
import type { Notification } from '../../domain/notifications';
import { getFreePort } from '../../scripts/ports';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

const FROM = '乐至县12345热线 <huiying@lezhi.gov.cn>';
const HOUSING_MAIL = 'zjj@lezhi.gov.cn';

let smtp: TestSmtpServer;
let database: TestDatabase;
let tmp: string;
const notifiers: EmailNotifier[] = [];

beforeAll(async () => {
  [smtp, database] = await Promise.all([startSmtpServer(), createTestDatabase()]);
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-email-'));
});
afterAll(async () => {
  for (const n of notifiers) n.close();
  await Promise.all([smtp?.stop(), database?.drop(), tmp && fs.rm(tmp, { recursive: true, force: true })]);
});

const settings = (over: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: smtp.host,
  port: smtp.port,
  secure: 'starttls',
  from: FROM,
  caFile: smtp.caFile,
  ...over,
});

function emailTo(addresses: string[], over: Partial<SmtpSettings> = {}): EmailNotifier {
  const n = new EmailNotifier(settings(over), database.db, () => addresses);
  notifiers.push(n);
  return n;
}

let seq = 0;
function notification(over: Partial<Notification> = {}): Notification {
  seq += 1;
  const caseId = `case-mail-${seq}`;
  return {
    id: `${caseId}:2:assigned`,
    caseId,
    ledgerNo: `LZ-2026-${String(700 + seq).padStart(6, '0')}`,
    template: 'assigned',
    to: { kind: 'unit', unit: 'housing-construction' },
    text: `【交办】LZ-2026-${String(700 + seq).padStart(6, '0')}「小区路灯不亮」已交办贵单位主办，请及时签收办理。`,
    ...over,
  };
}

const received = (id: string) => smtp.messages.filter((m) => m.headers['x-huiying-notification'] === id);

test('a notice arrives over STARTTLS: recipient, Chinese subject and body (UTF-8), Message-ID from the notification id', async () => {
  const n = notification();
  await expect(emailTo([HOUSING_MAIL, 'zjj-leader@lezhi.gov.cn']).deliver(n)).resolves.toEqual({ delivered: true });

  const [mail] = received(n.id);
  expect(mail.to).toEqual([HOUSING_MAIL, 'zjj-leader@lezhi.gov.cn']);
  expect(mail.from).toBe('huiying@lezhi.gov.cn');
  expect(mail.headers.from).toBe('乐至县12345热线 <huiying@lezhi.gov.cn>');
  expect(mail.secure).toBe(true); // offered STARTTLS, so it was used (and the certificate checked against the CA file)
  expect(mail.subject).toBe(`【交办】${n.ledgerNo}「小区路灯不亮」`);
  expect(mail.text).toContain(n.text);
  expect(mail.text).toContain(`工单编号：${n.ledgerNo}`);
  expect(mail.headers['content-type']).toMatch(/charset=utf-8/i);
  expect(mail.messageId).toBe(messageIdOf(n.id, 'lezhi.gov.cn'));
  expect(mail.messageId).toMatch(/^<huiying\.case-mail-\d+_2_assigned\.[0-9a-f]{10}@lezhi\.gov\.cn>$/);
});

test('a retried delivery of the same id sends once; of concurrent deliveries one sends, the others wait for it', async () => {
  const mailer = emailTo([HOUSING_MAIL]);
  const n = notification();
  await expect(mailer.deliver(n)).resolves.toEqual({ delivered: true });
  await expect(mailer.deliver(n)).resolves.toEqual({ delivered: false });
  // Another process (a second worker) with its own transport: the database, not memory, says it was sent.
  await expect(emailTo([HOUSING_MAIL]).deliver(n)).resolves.toEqual({ delivered: false });
  expect(received(n.id)).toHaveLength(1);

  const m = notification();
  const results = await Promise.allSettled(Array.from({ length: 6 }, () => mailer.deliver(m)));
  const sent = results.filter((r) => r.status === 'fulfilled' && r.value.delivered);
  expect(sent).toHaveLength(1);
  for (const r of results.filter((x) => x.status === 'rejected')) {
    expect(r.reason).toBeInstanceOf(EmailError);
    expect((r.reason as EmailError).permanent).toBe(false); // retried later: finds it sent
  }
  await expect(mailer.deliver(m)).resolves.toEqual({ delivered: false });
  expect(received(m.id)).toHaveLength(1);
});

test('a claim left by an attempt that stopped mid-way is taken over after its lease: sent again, same Message-ID', async () => {
  const n = notification();
  // What a crash between the server's 250 and the record leaves: the attempt's claim, never marked sent.
  await database.db.query(
    `INSERT INTO email_deliveries (notification_id, message_id, state, claim, claimed_at) VALUES ($1, $2, 'sending', gen_random_uuid(), now())`,
    [n.id, messageIdOf(n.id, 'lezhi.gov.cn')],
  );
  const mailer = emailTo([HOUSING_MAIL]);
  await expect(mailer.deliver(n)).rejects.toMatchObject({ permanent: false, message: expect.stringContaining('another attempt') });
  await database.db.query(`UPDATE email_deliveries SET claimed_at = now() - interval '10 minutes' WHERE notification_id = $1`, [n.id]);
  await expect(mailer.deliver(n)).resolves.toEqual({ delivered: true });
  const { rows } = await database.db.query(`SELECT state, claims, response FROM email_deliveries WHERE notification_id = $1`, [n.id]);
  expect(rows[0]).toMatchObject({ state: 'sent', claims: 2 });
  expect(rows[0].response).toMatch(/^250/);
  expect(received(n.id).map((m) => m.messageId)).toEqual([messageIdOf(n.id, 'lezhi.gov.cn')]);
});

test('a 5xx refusal is permanent (not retried), a 4xx temporary; either way nothing is recorded as sent', async () => {
  const refused = notification();
  const permanent = await emailTo(['refuse-550@lezhi.gov.cn'])
    .deliver(refused)
    .catch((e: unknown) => e);
  expect(permanent).toBeInstanceOf(EmailError);
  expect(permanent).toMatchObject({ permanent: true, message: expect.stringContaining('550') });

  const deferred = notification();
  const temporary = await emailTo(['busy-451@lezhi.gov.cn'])
    .deliver(deferred)
    .catch((e: unknown) => e);
  expect(temporary).toMatchObject({ permanent: false, message: expect.stringContaining('451') });
  // The fault passed: the retry claims it at once (the failed attempt let go of its claim) and sends.
  await expect(emailTo([HOUSING_MAIL]).deliver(deferred)).resolves.toEqual({ delivered: true });

  const { rows } = await database.db.query(`SELECT notification_id FROM email_deliveries WHERE notification_id = $1`, [refused.id]);
  expect(rows).toEqual([]);
  expect(received(refused.id)).toEqual([]);
});

test('no server listening, or one that cannot do STARTTLS when it is required: temporary faults', async () => {
  const closedPort = await getFreePort();
  const down = await emailTo([HOUSING_MAIL], { port: closedPort })
    .deliver(notification())
    .catch((e: unknown) => e);
  expect(down).toMatchObject({ permanent: false });

  const plain = await startSmtpServer({ starttls: false });
  try {
    const n = notification();
    const refusedPlain = await emailTo([HOUSING_MAIL], { port: plain.port, secure: 'require-starttls' })
      .deliver(n)
      .catch((e: unknown) => e);
    expect(refusedPlain).toMatchObject({ permanent: false });
    expect(plain.messages).toEqual([]);
    // Not required: a server without STARTTLS gets the message in the clear.
    await expect(emailTo([HOUSING_MAIL], { port: plain.port }).deliver(n)).resolves.toEqual({ delivered: true });
    expect(plain.messages.map((m) => m.secure)).toEqual([false]);
  } finally {
    await plain.stop();
  }
});

test("routing: a unit's notice goes by e-mail to the directory's addresses, a citizen's receipt to the default outbox", async () => {
  const keys = parsePayloadKeys(`k1:${generatePayloadKey()}`);
  const outbox = new OutboxNotifier(path.join(tmp, 'outbox'), keys);
  const directory: NotificationDirectory = {
    default: 'outbox',
    entries: { units: { 'housing-construction': { email: [HOUSING_MAIL] } }, supervisors: { email: ['dbk@lezhi.gov.cn'] } },
  };
  const email = new EmailNotifier(settings(), database.db, emailAddressesFor(directory));
  notifiers.push(email);
  const routing = new RoutingNotifier(directory, { outbox, email });

  const toUnit = notification();
  const toOtherUnit = notification({ to: { kind: 'unit', unit: 'transport' } });
  const receipt = notification({
    id: 'case-route:0:receipt',
    caseId: 'case-route',
    template: 'receipt',
    to: { kind: 'citizen', citizen: { name: '李四', phone: '13812345678' } },
    text: '【12345】您的诉求已受理。',
  });
  for (const n of [toUnit, toOtherUnit, receipt]) await expect(routing.deliver(n)).resolves.toEqual({ delivered: true });

  expect(received(toUnit.id).map((m) => m.to)).toEqual([[HOUSING_MAIL]]);
  expect(received(toOtherUnit.id)).toEqual([]);
  expect(received(receipt.id)).toEqual([]);
  expect((await outbox.listCase(receipt.caseId)).map((r) => r.id)).toEqual([receipt.id]);
  expect((await outbox.listCase(toOtherUnit.caseId)).map((r) => r.id)).toEqual([toOtherUnit.id]);
  expect(await outbox.listCase(toUnit.caseId)).toEqual([]);
  // Again through the router: each channel's own at-most-once rule holds.
  for (const n of [toUnit, receipt]) await expect(routing.deliver(n)).resolves.toEqual({ delivered: false });
  expect(received(toUnit.id)).toHaveLength(1);
});
