import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import {
  CHANNEL_LABELS,
  REQUEST_TYPE_LABELS,
  RequestTypeSchema,
  SATISFACTION_LABELS,
  STAGE_LABELS,
  StageSchema,
  type RequestType,
  type Stage,
} from '../domain/case';
import {
  addDays,
  completedOnTime,
  HOTLINE,
  HOTLINE_NAME,
  IsoDaySchema,
  isWholeMonth,
  resolvePeriod,
  shanghaiMidnight,
  type Period,
} from '../domain/metrics';
import type { UnitDirectory } from '../domain/units';
import { ApiError, invalidInput } from './errors';
import { parseFlags } from '../domain/search';
import type { ListedCase } from '../domain/summary';
import { ledgerCases } from '../db/ledger-queries';
import type { Db } from '../db/pool';

/**
 * The ledger (台账) as a spreadsheet, and the filter it shares with GET /stats: cases registered in a period of
 * Asia/Shanghai dates, optionally of one unit, stage and type. Rows come from the read model (case summaries, db/),
 * never from the workflows: no history is replayed and no personal data is read. None of
 * the columns carries the citizen's name or phone, and none may: the export leaves the system.
 */

export interface ReportFilter extends Period {
  /** A unit code of the directory, or `hotline` (direct answers). */
  unit?: string;
  stage?: Stage;
  type?: RequestType;
}

/** The query string of /ledger.* (and, without stage and type, of /stats), checked against the unit directory. */
export function reportQuerySchema(units: UnitDirectory) {
  return z.object({
    from: IsoDaySchema.optional(),
    to: IsoDaySchema.optional(),
    unit: z
      .string()
      .refine((code) => code === HOTLINE || units.has(code), { error: `not a unit of the directory (GET /units) nor '${HOTLINE}'` })
      .optional(),
    stage: StageSchema.optional(),
    type: RequestTypeSchema.optional(),
  });
}

export type ReportQuery = z.infer<ReturnType<typeof reportQuerySchema>>;

/** Parses the query (400 naming each bad field, e.g. `query.from`) and resolves the period's defaults. */
export function parseReportFilter(schema: z.ZodType<ReportQuery>, query: unknown, now = new Date()): ReportFilter {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw invalidInput(parsed.error, 'query');
  const { from, to, ...rest } = parsed.data;
  const period = resolvePeriod({ from, to }, now);
  if ('field' in period) {
    throw new ApiError('invalid_input', `invalid query: query.${period.field}`, [
      { field: `query.${period.field}`, message: period.message },
    ]);
  }
  const filter: ReportFilter = { ...period };
  for (const key of ['unit', 'stage', 'type'] as const) if (rest[key] !== undefined) Object.assign(filter, { [key]: rest[key] });
  return filter;
}

/** Registered in [from, to): the instants of the period's Shanghai midnights, compared with the case's registration time. */
export function periodInstants(p: Period): { from: Date; to: Date } {
  return { from: shanghaiMidnight(p.from), to: shanghaiMidnight(p.to) };
}

export const LEDGER_HEADERS = [
  '台账编号',
  '登记时间',
  '渠道',
  '类型',
  '标题',
  '责任单位',
  '环节',
  '办理时限',
  '办结时间',
  '是否按时',
  '满意度',
  '重办次数',
] as const;
export type LedgerRow = [string, string, string, string, string, string, string, string, string, string, string, number];

/** 'YYYY-MM-DD HH:mm' on the Shanghai wall clock, whatever the process time zone. */
export function shanghaiMinute(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** One ledger row. Nothing personal: ledger number, times, labels, the title, the unit. */
export function ledgerRow(c: ListedCase, units: UnitDirectory): LedgerRow {
  const flags = parseFlags(c.flags);
  const merged = flags.has('merged');
  const direct = flags.has('direct_answer');
  const onTime = completedOnTime(c);
  const stage = STAGE_LABELS[c.stage];
  return [
    c.ledgerNo,
    shanghaiMinute(c.registeredAt),
    CHANNEL_LABELS[c.channel],
    REQUEST_TYPE_LABELS[c.type],
    c.title ?? '',
    direct ? HOTLINE_NAME : c.unit ? units.name(c.unit) : '',
    merged ? `${stage}（并单）` : stage,
    shanghaiMinute(c.dueAt),
    shanghaiMinute(c.closedAt),
    onTime === null ? '—' : onTime ? '是' : '否',
    c.satisfaction ? SATISFACTION_LABELS[c.satisfaction] : '',
    c.reopenCount,
  ];
}

/**
 * The filter's cases in registration order (then ledger number), streamed from the read model in keyset batches:
 * memory holds one batch, not the period. The unit filter is the unit holding the case now; `hotline`: the direct answers.
 */
export function ledgerBatches(db: Db, f: ReportFilter): AsyncGenerator<ListedCase[]> {
  return ledgerCases(db, {
    ...periodInstants(f),
    holder: !f.unit ? undefined : f.unit === HOTLINE ? HOTLINE : { unit: f.unit },
    stage: f.stage,
    type: f.type,
  });
}

/** `ledger-2026-11.xlsx` for a calendar month, else `ledger-2026-11-03_2026-11-09.xlsx` (both dates included); the unit appended. */
export function ledgerFileName(f: ReportFilter, format: LedgerFormat): string {
  const last = addDays(f.to, -1);
  const span = isWholeMonth(f) ? f.from.slice(0, 7) : last === f.from ? f.from : `${f.from}_${last}`;
  return `ledger-${span}${f.unit ? `-${f.unit}` : ''}.${format}`;
}

export type LedgerFormat = 'xlsx' | 'csv';

export const LEDGER_CONTENT_TYPES: Record<LedgerFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** Writes rows as they come, counting them in `progress.rows`. Stops early when the client went away. */
export async function writeLedger(
  format: LedgerFormat,
  out: Writable,
  batches: AsyncIterable<ListedCase[]>,
  units: UnitDirectory,
  progress: { rows: number } = { rows: 0 },
): Promise<void> {
  await (format === 'xlsx' ? writeXlsx : writeCsv)(out, batches, units, progress);
}

/** Resolves when `out` closes: after the last byte, or when the client went away. Never rejects. */
const closeOf = (out: Writable): Promise<void> =>
  out.closed || out.destroyed ? Promise.resolve() : new Promise((resolve) => out.once('close', () => resolve()));

async function drained(out: Writable): Promise<void> {
  if (out.writableNeedDrain && !out.destroyed) await Promise.race([once(out, 'drain'), closeOf(out)]);
}

async function writeXlsx(
  out: Writable,
  batches: AsyncIterable<ListedCase[]>,
  units: UnitDirectory,
  progress: { rows: number },
): Promise<void> {
  // Streaming writer: each committed row goes through the zip straight to the response.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Huiying';
  const sheet = workbook.addWorksheet('台账', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = LEDGER_HEADERS.map((header, i) => ({ header, width: [16, 17, 11, 6, 40, 20, 12, 17, 17, 8, 9, 8][i] }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const batch of batches) {
    if (out.destroyed) break;
    for (const c of batch) {
      sheet.addRow(ledgerRow(c, units)).commit();
      progress.rows++;
    }
    await drained(out);
  }
  if (out.destroyed) return;
  sheet.commit();
  // The writer waits for the response's 'finish', which never comes if the client goes away meanwhile.
  await Promise.race([workbook.commit(), closeOf(out)]);
}

async function writeCsv(
  out: Writable,
  batches: AsyncIterable<ListedCase[]>,
  units: UnitDirectory,
  progress: { rows: number },
): Promise<void> {
  // The BOM tells Excel the file is UTF-8; CRLF line ends as RFC 4180 says.
  out.write(`\uFEFF${csvLine(LEDGER_HEADERS)}`);
  for await (const batch of batches) {
    if (out.destroyed) break;
    for (const c of batch) {
      out.write(csvLine(ledgerRow(c, units)));
      progress.rows++;
    }
    await drained(out);
  }
  out.end();
}

export function csvLine(fields: readonly (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/**
 * RFC 4180 quoting; and a text starting with = + - @ (or a tab or CR) gets a leading apostrophe, so that a
 * title a citizen typed cannot run as a formula when the file is opened in a spreadsheet (CSV injection).
 */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
