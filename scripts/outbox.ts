/**
 * `npm run outbox -- show [--case ID | --ledger LZ-2026-000123] [--since DAY|INSTANT] [--template NAME] [--limit N] [--json]`
 * `npm run outbox -- encrypt`
 *
 * For operators: the notifications in the outbox (HUIYING_OUTBOX_DIR, default data/outbox), decrypted with the payload
 * keys (HUIYING_PAYLOAD_KEYS, or the development key file), newest last. The outbox holds citizens' names and phones,
 * so every `show` that prints any is one record in the audit log (`outbox.show`: who ran it on which machine, the
 * filter, the cases shown), written before anything is printed. `encrypt` encrypts, in place, the plaintext files
 * older versions wrote.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AUDIT_DIR, AuditLog } from '../api/audit';
import { OutboxNotifier, type OutboxRecord } from '../activities/outbox-notifier';
import { ConfigError, loadConfig } from '../config';
import { loadPayloadKeys } from '../config/keys';
import { describeForLog } from '../config/redaction';
import { loadUnitDirectory } from '../config/units';
import { isIsoDay } from '../domain/calendar';
import { NOTIFICATION_TEMPLATES } from '../domain/notifications';
import { REVIEW_LEVEL_LABELS, ROLE_LABELS } from '../domain/roles';
import type { UnitDirectory } from '../domain/units';

const USAGE = `usage: npm run outbox -- show [--case ID | --ledger LEDGER_NO] [--since 2026-12-01|ISO instant] [--template NAME] [--limit N] [--json]
       npm run outbox -- encrypt        encrypt the plaintext files of older versions in place`;
/** How many case ids one audit record lists; a larger show says how many more. */
const AUDIT_CASES_MAX = 1000;

interface ShowFilter {
  caseId?: string;
  ledgerNo?: string;
  since?: Date;
  template?: string;
  /** The newest this many (default 100). */
  limit: number;
}

class UsageError extends Error {}

function parseShow(argv: string[]): { filter: ShowFilter; json: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      case: { type: 'string' },
      ledger: { type: 'string' },
      since: { type: 'string' },
      template: { type: 'string' },
      limit: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
    },
  });
  const limit = Number(values.limit);
  if (!/^\d+$/.test(values.limit ?? '') || limit < 1) throw new UsageError(`--limit must be a whole number ≥ 1, got '${values.limit}'`);
  if (values.template !== undefined && !(NOTIFICATION_TEMPLATES as readonly string[]).includes(values.template))
    throw new UsageError(`--template must be one of ${NOTIFICATION_TEMPLATES.join(', ')}`);
  let since: Date | undefined;
  if (values.since !== undefined) {
    // A day is Asia/Shanghai's, as everywhere else in Huiying.
    since = isIsoDay(values.since) ? new Date(`${values.since}T00:00:00+08:00`) : new Date(values.since);
    if (Number.isNaN(since.getTime())) throw new UsageError(`--since takes a day (2026-12-01) or an ISO instant, got '${values.since}'`);
  }
  return {
    filter: { caseId: values.case, ledgerNo: values.ledger, since, template: values.template, limit },
    json: values.json ?? false,
  };
}

/** The newest `limit` notifications that pass the filter, oldest first. */
function select(records: OutboxRecord[], f: ShowFilter): OutboxRecord[] {
  const since = f.since?.toISOString();
  const matching = records.filter(
    (r) =>
      (f.ledgerNo === undefined || r.ledgerNo === f.ledgerNo) &&
      (f.template === undefined || r.template === f.template) &&
      (since === undefined || r.queuedAt >= since),
  );
  return matching.slice(-f.limit);
}

function recipientOf(r: OutboxRecord, units: UnitDirectory): string {
  switch (r.to.kind) {
    case 'citizen':
      return `${r.to.citizen.name} ${r.to.citizen.phone}`;
    case 'unit':
      return units.name(r.to.unit);
    case 'reviewers':
      return REVIEW_LEVEL_LABELS[r.to.level];
    case 'dispatchers':
      return ROLE_LABELS.dispatcher;
    case 'supervisors':
      return ROLE_LABELS.supervisor;
    case 'operators':
      return ROLE_LABELS.operator;
  }
}

/** Columns line up in a terminal: CJK characters take two cells. */
function cells(text: string): number {
  let n = 0;
  for (const ch of text)
    n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return n;
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - cells(text)));

function shanghaiTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function table(records: OutboxRecord[], units: UnitDirectory): string {
  const rows = records.map((r) => [shanghaiTime(r.queuedAt), r.ledgerNo, r.template, recipientOf(r, units), r.text]);
  const header = ['时间 time (+08:00)', '工单 ledger', '通知 template', '收件人 recipient', '内容 text'];
  const widths = header.slice(0, -1).map((h, i) => Math.max(cells(h), ...rows.map((row) => cells(row[i]))));
  const line = (row: string[]) => row.map((c, i) => (i < widths.length ? pad(c, widths[i]) : c)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

async function show(argv: string[]): Promise<void> {
  const { filter, json } = parseShow(argv);
  const config = loadConfig();
  const keys = loadPayloadKeys({ dataDir: config.dataDir, production: config.production, ...config.payloadKeys });
  const outbox = new OutboxNotifier(config.notifier.outbox.dir, keys);
  const { records, unreadable } = await outbox.readAll({ caseId: filter.caseId });
  const shown = select(records, filter);

  if (shown.length > 0) {
    // Before any personal data is printed: if the record cannot be written, nothing is shown.
    const cases = [...new Set(shown.map((r) => r.caseId))];
    const user = os.userInfo().username;
    await new AuditLog(path.join(config.dataDir, AUDIT_DIR)).record({
      action: 'outbox.show',
      actor: { id: `os:${user}`, name: user, roles: ['cli'] },
      ...(cases.length === 1 ? { caseId: cases[0], ledgerNo: shown[0].ledgerNo } : {}),
      filter: {
        ...(filter.caseId !== undefined ? { case: filter.caseId } : {}),
        ...(filter.ledgerNo !== undefined ? { ledger: filter.ledgerNo } : {}),
        ...(filter.since !== undefined ? { since: filter.since.toISOString() } : {}),
        ...(filter.template !== undefined ? { template: filter.template } : {}),
        limit: filter.limit,
      },
      endpoint: 'npm run outbox -- show',
      visibility: 'full',
      count: shown.length,
      ip: null,
      userAgent: null,
      details: {
        host: os.hostname(),
        cases: cases.slice(0, AUDIT_CASES_MAX),
        ...(cases.length > AUDIT_CASES_MAX ? { moreCases: cases.length - AUDIT_CASES_MAX } : {}),
      },
    });
  }

  if (json) console.log(JSON.stringify(shown, null, 2));
  else if (shown.length === 0) console.log(`没有符合条件的通知 / no notification matches (${config.notifier.outbox.dir})`);
  else console.log(`${table(shown, loadUnitDirectory(config.files.units))}\n${shown.length} / ${records.length} 条通知 notifications`);
  for (const u of unreadable) console.error(`无法读取 unreadable: ${u.file}: ${u.reason}`);
  if (unreadable.length > 0) process.exitCode = 1;
}

async function encrypt(argv: string[]): Promise<void> {
  if (argv.length > 0) throw new UsageError(`encrypt takes no options, got ${argv.join(' ')}`);
  const config = loadConfig();
  const keys = loadPayloadKeys({ dataDir: config.dataDir, production: config.production, ...config.payloadKeys });
  const r = await new OutboxNotifier(config.notifier.outbox.dir, keys).encryptPlaintext();
  console.log(
    `已加密 encrypted ${r.encrypted} plaintext files with key '${keys.currentKeyId}' in ${config.notifier.outbox.dir}` +
      (r.duplicates > 0 ? `; ${r.duplicates} were encrypted already (plaintext copy removed)` : ''),
  );
  for (const f of r.failed) console.error(`未加密 left as is: ${f.file}: ${f.reason}`);
  if (r.failed.length > 0) process.exitCode = 1;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'show') return show(rest);
  if (command === 'encrypt') return encrypt(rest);
  throw new UsageError(command === undefined ? 'a command is required' : `unknown command '${command}'`);
}

main().catch((err: unknown) => {
  if (err instanceof UsageError || (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  console.error(err instanceof ConfigError ? err.message : `outbox failed: ${describeForLog(err)}`);
  process.exit(1);
});
