/**
 * The county's notification directory: who gets which channel (domain/notification-directory.ts), and the file's
 * checks at start (config/notification-directory.ts) with one message naming the file and each bad entry.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import { loadNotificationDirectory } from '../../config/notification-directory';
import { channelsUsed, routeFor, type NotificationDirectory } from '../../domain/notification-directory';
import { DEFAULT_UNITS } from '../../domain/units';

const UNIT_CODES = DEFAULT_UNITS.map((u) => u.code);
const citizen = { kind: 'citizen' as const, citizen: { name: '李四', phone: '13812345678' } };

const directory: NotificationDirectory = {
  default: 'outbox',
  entries: {
    citizens: 'webhook',
    units: { 'housing-construction': { email: ['zjj@lezhi.gov.cn'] }, transport: 'outbox' },
    reviewers: { '3': { email: ['shenfa@lezhi.gov.cn'] } },
    supervisors: { email: ['dbk@lezhi.gov.cn', 'dbk2@lezhi.gov.cn'] },
  },
};

test('each recipient gets the channel the directory names, everyone else the default', () => {
  expect(routeFor(directory, citizen)).toEqual({ channel: 'webhook' });
  expect(routeFor(directory, { kind: 'unit', unit: 'housing-construction' })).toEqual({ channel: 'email', to: ['zjj@lezhi.gov.cn'] });
  expect(routeFor(directory, { kind: 'unit', unit: 'transport' })).toEqual({ channel: 'outbox' });
  expect(routeFor(directory, { kind: 'unit', unit: 'health' })).toEqual({ channel: 'outbox' });
  expect(routeFor(directory, { kind: 'unit', unit: 'constructor' })).toEqual({ channel: 'outbox' }); // no prototype lookups
  expect(routeFor(directory, { kind: 'reviewers', level: 3 })).toEqual({ channel: 'email', to: ['shenfa@lezhi.gov.cn'] });
  expect(routeFor(directory, { kind: 'reviewers', level: 1 })).toEqual({ channel: 'outbox' });
  expect(routeFor(directory, { kind: 'supervisors' })).toEqual({ channel: 'email', to: ['dbk@lezhi.gov.cn', 'dbk2@lezhi.gov.cn'] });
  expect(routeFor(directory, { kind: 'dispatchers' })).toEqual({ channel: 'outbox' });
  expect(routeFor({ default: 'webhook', entries: {} }, { kind: 'operators' })).toEqual({ channel: 'webhook' });
  expect([...channelsUsed(directory)].sort()).toEqual(['email', 'outbox', 'webhook']);
  expect([...channelsUsed({ default: 'outbox', entries: {} })]).toEqual(['outbox']);
});

describe('the file (HUIYING_NOTIFICATIONS_FILE)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiying-directory-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const fileWith = (content: unknown) => {
    const file = path.join(dir, `directory-${++n}.json`);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const smtpEnv = { HUIYING_SMTP_HOST: 'smtp.lezhi.gov.cn', HUIYING_SMTP_FROM: '乐至县12345热线 <huiying@lezhi.gov.cn>' };
  const load = (content: unknown, env: Record<string, string> = smtpEnv) =>
    loadNotificationDirectory(loadConfig({ ...env, HUIYING_NOTIFICATIONS_FILE: fileWith(content) }).notifier, UNIT_CODES);

  test('unset: everyone gets HUIYING_NOTIFIER', () => {
    expect(
      loadNotificationDirectory(
        loadConfig({ HUIYING_NOTIFIER: 'webhook', HUIYING_WEBHOOK_URL: 'https://sms.example/send' }).notifier,
        UNIT_CODES,
      ),
    ).toEqual({
      default: 'webhook',
      entries: {},
    });
  });

  test('a valid file is taken as written, with HUIYING_NOTIFIER as the default', () => {
    const entries = { units: { 'housing-construction': { email: ['zjj@lezhi.gov.cn'] } }, supervisors: { email: ['dbk@lezhi.gov.cn'] } };
    expect(load(entries)).toEqual({ default: 'outbox', entries });
  });

  test('each bad entry is named', () => {
    const message = (content: unknown, env?: Record<string, string>) => {
      try {
        load(content, env);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('no error');
    };
    expect(message({ units: { 'housing-construction': { email: ['zjj.lezhi.gov.cn'] } } })).toMatch(
      /HUIYING_NOTIFICATIONS_FILE .*directory-\d+\.json is invalid: units\.housing-construction\.email\.0: Invalid email/,
    );
    expect(message({ units: { 'housing-constructon': 'outbox' } })).toMatch(/units\.housing-constructon: no such unit/);
    expect(message({ citizens: { email: ['someone@example.com'] } })).toMatch(/citizens: citizens get "outbox" or "webhook"/);
    expect(message({ supervisors: 'sms' })).toMatch(/supervisors: expected "outbox", "webhook" or \{"email"/);
    expect(message({ reviewers: { '4': 'outbox' } })).toMatch(/reviewers: Unrecognized key: "4"/);
    expect(message({ citizen: 'webhook' })).toMatch(/Unrecognized key: "citizen"/);
    expect(message('{ not json')).toMatch(/is invalid: not JSON/);
    expect(message({ citizens: 'webhook', dispatchers: { email: ['pd@lezhi.gov.cn'] } }, {})).toMatch(
      /uses webhook, but HUIYING_WEBHOOK_URL is not set; uses email, but HUIYING_SMTP_HOST is not set/,
    );
  });
});

test('SMTP settings: defaults, the port following the TLS mode, companions required', () => {
  const smtp = loadConfig({ HUIYING_SMTP_HOST: 'smtp.lezhi.gov.cn', HUIYING_SMTP_FROM: 'huiying@lezhi.gov.cn' }).notifier.smtp;
  expect(smtp).toEqual({ host: 'smtp.lezhi.gov.cn', port: 587, secure: 'starttls', from: 'huiying@lezhi.gov.cn' });
  const implicit = loadConfig({
    HUIYING_SMTP_HOST: 'smtp.lezhi.gov.cn',
    HUIYING_SMTP_FROM: '回应 <huiying@lezhi.gov.cn>',
    HUIYING_SMTP_SECURE: 'implicit',
    HUIYING_SMTP_USER: 'huiying',
    HUIYING_SMTP_PASSWORD: ' s3cret ',
  }).notifier.smtp;
  expect(implicit).toMatchObject({ port: 465, secure: 'implicit', user: 'huiying', password: ' s3cret ' });
  expect(() => loadConfig({ HUIYING_SMTP_HOST: 'smtp.lezhi.gov.cn' })).toThrow(/HUIYING_SMTP_FROM: required with HUIYING_SMTP_HOST/);
  expect(() => loadConfig({ HUIYING_SMTP_HOST: 'h', HUIYING_SMTP_FROM: 'nobody' })).toThrow(
    /HUIYING_SMTP_FROM: expected an e-mail address/,
  );
  expect(() => loadConfig({ HUIYING_SMTP_HOST: 'h', HUIYING_SMTP_FROM: 'a@b.cn', HUIYING_SMTP_USER: 'u' })).toThrow(
    /HUIYING_SMTP_PASSWORD: HUIYING_SMTP_USER and HUIYING_SMTP_PASSWORD go together/,
  );
  expect(() => loadConfig({ HUIYING_SMTP_SECURE: 'ssl' })).toThrow(
    /HUIYING_SMTP_SECURE: expected one of starttls, require-starttls, implicit/,
  );
  // The password is a secret: never in the log.
  expect(
    loadConfig({ HUIYING_SMTP_HOST: 'h', HUIYING_SMTP_FROM: 'a@b.cn', HUIYING_SMTP_USER: 'u', HUIYING_SMTP_PASSWORD: 'p'.repeat(20) })
      .logSecrets,
  ).toContain('p'.repeat(20));
});
