/**
 * `npm run outbox -- show` and `encrypt`, run as operators run them (a child process with the configuration in its
 * environment): the notifications of one case, decrypted with a rotated keyring, filtered; every show that prints a
 * citizen is one audit record, written before anything is printed; old plaintext files encrypted in place.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AuditLog } from '../../api/audit';
import { OutboxNotifier } from '../../activities/outbox-notifier';
import { generatePayloadKey, parsePayloadKeys } from '../../config/keys';
import { PROJECT_ROOT } from '../../config/paths';
import type { Notification } from '../../domain/notifications';

const run = promisify(execFile);
const k1 = generatePayloadKey();
const k2 = generatePayloadKey();

let dataDir: string;
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-outbox-cli-'));
});
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

function outbox(keys: string): OutboxNotifier {
  return new OutboxNotifier(path.join(dataDir, 'outbox'), parsePayloadKeys(keys));
}

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, HUIYING_DATA_DIR: dataDir, HUIYING_PAYLOAD_KEYS: `k1:${k1},k2:${k2}` };
  try {
    const { stdout, stderr } = await run('npm', ['run', '-s', 'outbox', '--', ...args], { cwd: PROJECT_ROOT, env, timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const note = (caseId: string, ledgerNo: string, seq: number, template: Notification['template'], to: Notification['to'], text: string) => ({
  id: `${caseId}:${seq}:${template}`,
  caseId,
  ledgerNo,
  template,
  to,
  text,
});

const A = { id: 'case-cli-a', ledgerNo: 'LZ-2026-000501' };
const B = { id: 'case-cli-b', ledgerNo: 'LZ-2026-000502' };

test('show: a case decrypted (old and new key), filtered by ledger and template, audited before it is printed', async () => {
  // Written before the rotation (k1 alone) and after it (k2 current).
  await outbox(`k1:${k1}`).deliver(
    note(
      A.id,
      A.ledgerNo,
      0,
      'receipt',
      { kind: 'citizen', citizen: { name: '赵六', phone: '13711112222' } },
      `【12345】您的诉求已受理（编号${A.ledgerNo}）。`,
    ),
  );
  const rotated = outbox(`k1:${k1},k2:${k2}`);
  await rotated.deliver(
    note(
      A.id,
      A.ledgerNo,
      2,
      'assigned',
      { kind: 'unit', unit: 'housing-construction' },
      `【交办】${A.ledgerNo}「路灯」已交办贵单位主办。`,
    ),
  );
  await rotated.deliver(
    note(
      B.id,
      B.ledgerNo,
      0,
      'receipt',
      { kind: 'citizen', citizen: { name: '钱七', phone: '13933334444' } },
      `【12345】您的诉求已受理（编号${B.ledgerNo}）。`,
    ),
  );
  const raw = await fs.readFile(path.join(dataDir, 'outbox', A.id, `${A.id}_0_receipt.enc`));
  expect(raw.includes(Buffer.from('13711112222'))).toBe(false);

  const byCase = await cli('show', '--case', A.id);
  expect(byCase.code).toBe(0);
  const lines = byCase.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^时间 time .*工单 ledger .*收件人 recipient .*内容 text$/);
  expect(lines[1]).toMatch(new RegExp(`${A.ledgerNo}\\s+receipt\\s+赵六 13711112222\\s+【12345】您的诉求已受理`));
  expect(lines[2]).toMatch(new RegExp(`${A.ledgerNo}\\s+assigned\\s+县住建局\\s+【交办】`));
  expect(lines.at(-1)).toBe('2 / 2 条通知 notifications');
  expect(byCase.stdout).not.toContain('钱七');

  const audit = new AuditLog(path.join(dataDir, 'audit'));
  const [record] = await audit.query({ caseId: A.id });
  expect(record).toMatchObject({
    action: 'outbox.show',
    actor: { id: `os:${os.userInfo().username}`, roles: ['cli'] },
    caseId: A.id,
    ledgerNo: A.ledgerNo,
    filter: { case: A.id, limit: 100 },
    visibility: 'full',
    count: 2,
    details: { host: os.hostname(), cases: [A.id] },
  });
  expect(JSON.stringify(record)).not.toContain('13711112222');

  const byLedger = await cli('show', '--ledger', B.ledgerNo, '--template', 'receipt', '--json');
  expect(byLedger.code).toBe(0);
  expect(JSON.parse(byLedger.stdout)).toEqual([
    expect.objectContaining({ caseId: B.id, to: { kind: 'citizen', citizen: { name: '钱七', phone: '13933334444' } } }),
  ]);
  expect((await audit.query({ caseId: B.id }))[0]).toMatchObject({
    filter: { ledger: B.ledgerNo, template: 'receipt', limit: 100 },
    count: 1,
  });

  // Nothing shown, nothing to record.
  const before = (await audit.query()).length;
  const none = await cli('show', '--case', A.id, '--since', '2099-01-01');
  expect(none.stdout).toContain('no notification matches');
  expect((await audit.query()).length).toBe(before);

  const bad = await cli('show', '--limit', '0');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('usage: npm run outbox');
});

test('encrypt: the plaintext files of older versions, in place; show reads them either way', async () => {
  const C = { id: 'case-cli-legacy', ledgerNo: 'LZ-2026-000503' };
  const legacy = path.join(dataDir, 'outbox', C.id, `${C.id}_0_receipt.json`);
  await fs.mkdir(path.dirname(legacy), { recursive: true });
  const record = {
    ...note(
      C.id,
      C.ledgerNo,
      0,
      'receipt',
      { kind: 'citizen', citizen: { name: '孙八', phone: '13655556666' } },
      '【12345】您的诉求已受理。',
    ),
    queuedAt: '2026-11-01T00:00:00.000Z',
  };
  await fs.writeFile(legacy, JSON.stringify(record, null, 2));
  expect((await cli('show', '--case', C.id)).stdout).toContain('孙八 13655556666');

  const encrypted = await cli('encrypt');
  expect(encrypted.code).toBe(0);
  expect(encrypted.stdout).toContain("encrypted 1 plaintext files with key 'k2'");
  expect(await fs.readdir(path.dirname(legacy))).toEqual([`${C.id}_0_receipt.enc`]);
  expect((await fs.readFile(path.join(path.dirname(legacy), `${C.id}_0_receipt.enc`))).includes(Buffer.from('13655556666'))).toBe(false);
  expect(JSON.parse((await cli('show', '--case', C.id, '--json')).stdout)).toEqual([record]);
});
