/**
 * The county's old ledger as a spreadsheet (旧台账.xlsx): the first sheet, headers in its first row
 * (`HISTORICAL_LEDGER_COLUMNS`), one closed case per row. Read for `npm run ledger:import`, written for its template
 * and by `npm run demo`. Every row is checked before anything is imported, and every bad cell is named at once.
 */
import ExcelJS from 'exceljs';
import { cellText as sheetCellText, columnsByHeader } from '../api/sheet-cells';
import {
  HISTORICAL_LEDGER_COLUMNS,
  REQUIRED_COLUMNS,
  historicalCaseOf,
  type HistoricalCase,
  type HistoricalColumn,
  type RowCells,
} from '../domain/historical-ledger';
import { CHANNEL_LABELS, REQUEST_TYPE_LABELS, SATISFACTION_LABELS } from '../domain/case';
import type { Unit } from '../domain/units';

export interface SheetProblem {
  /** As the sheet numbers it (the headers are row 1). */
  row: number;
  column: string;
  message: string;
}

const COLUMNS = Object.keys(HISTORICAL_LEDGER_COLUMNS) as HistoricalColumn[];

/** The rows of the workbook's first sheet as old-ledger cases, or every problem (nothing is read half). */
export async function readHistoricalSheet(
  bytes: Buffer,
  units: readonly Unit[],
  now: Date,
): Promise<{ records: HistoricalCase[]; problems: SheetProblem[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return { records: [], problems: [{ row: 0, column: '(file)', message: '不是 XLSX 工作簿' }] };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { records: [], problems: [{ row: 0, column: '(file)', message: '工作簿中没有工作表' }] };
  const at = columnsByHeader<HistoricalColumn>(sheet, HISTORICAL_LEDGER_COLUMNS, dateTime);
  const missing = REQUIRED_COLUMNS.filter((c) => at[c] === undefined);
  if (missing.length > 0) {
    return { records: [], problems: missing.map((c) => ({ row: 1, column: HISTORICAL_LEDGER_COLUMNS[c], message: '缺少此列' })) };
  }
  const records: HistoricalCase[] = [];
  const problems: SheetProblem[] = [];
  const seen = new Map<string, number>();
  for (let n = 2; n <= sheet.rowCount; n++) {
    const row = sheet.getRow(n);
    const cells: RowCells = Object.fromEntries(
      COLUMNS.filter((c) => at[c] !== undefined).map((c) => [c, cellText(row.getCell(at[c]!).value)]),
    );
    if (Object.values(cells).every((v) => v === '')) continue; // a blank line
    const read = historicalCaseOf(cells, units, now);
    if (read.problems) {
      problems.push(...read.problems.map((p) => ({ row: n, column: HISTORICAL_LEDGER_COLUMNS[p.column], message: p.message })));
      continue;
    }
    const first = seen.get(read.record.ledgerNo);
    if (first !== undefined) {
      problems.push({ row: n, column: HISTORICAL_LEDGER_COLUMNS.ledgerNo, message: `与第 ${first} 行重复` });
      continue;
    }
    seen.set(read.record.ledgerNo, n);
    records.push(read.record);
  }
  return problems.length > 0 ? { records: [], problems } : { records, problems };
}

/** A workbook of these cases (none: the empty template), as the import reads it back. */
export async function historicalWorkbook(records: readonly HistoricalCase[], units: readonly Unit[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('旧台账');
  sheet.columns = COLUMNS.map((key) => ({
    header: HISTORICAL_LEDGER_COLUMNS[key],
    key,
    width: { title: 24, content: 40, result: 40, location: 20, unit: 16, registeredAt: 18, closedAt: 18 }[key as string] ?? 12,
  }));
  sheet.getRow(1).font = { bold: true };
  const unitName = (code: string) => units.find((u) => u.code === code)?.name ?? code;
  for (const r of records) {
    sheet.addRow({
      ledgerNo: r.ledgerNo,
      registeredAt: shanghaiText(r.registeredAt),
      channel: CHANNEL_LABELS[r.channel],
      type: REQUEST_TYPE_LABELS[r.type],
      name: r.citizen.name,
      phone: r.citizen.phone,
      title: r.title,
      content: r.content,
      location: r.location ?? '',
      unit: unitName(r.unit),
      result: r.result,
      closedAt: shanghaiText(r.closedAt),
      onTime: r.onTime ? '是' : '否',
      satisfaction: r.satisfaction ? SATISFACTION_LABELS[r.satisfaction] : '',
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** An instant as Shanghai's wall clock, `2026-11-03 09:30`. */
function shanghaiText(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** A date or time typed into Excel is a wall-clock time stored as UTC. */
const dateTime = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
const cellText = (value: ExcelJS.CellValue) => sheetCellText(value, dateTime);
