import ExcelJS from 'exceljs';
import {
  KEYWORD_SEPARATOR,
  KNOWLEDGE_COLUMNS,
  KNOWLEDGE_IMPORT_FIELDS,
  KnowledgeInputSchema,
  splitKeywords,
  type KnowledgeEntry,
} from '../domain/knowledge';
import { importProblem, type ImportRow } from '../db/knowledge-queries';
import { ApiError } from './errors';
import { cellText as sheetCellText, columnsByHeader } from './sheet-cells';

/**
 * The knowledge base as a spreadsheet with Chinese headers (知识库.xlsx): what GET /knowledge.xlsx writes,
 * POST /knowledge/import reads back. Every row of an import is checked before anything is written, and all bad cells
 * are named at once (row as the sheet numbers it, column by its header), so a maintainer fixes the sheet in one go.
 */

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The largest workbook an import takes (the raw body), and the most rows. */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 5000;
/** How many bad cells one refusal lists. */
const MAX_PROBLEMS = 100;

type Column = keyof typeof KNOWLEDGE_COLUMNS;
const EXPORT_ORDER: Column[] = [
  'id',
  'version',
  'question',
  'answer',
  'category',
  'keywords',
  'validFrom',
  'validTo',
  'source',
  'usageCount',
];
const REQUIRED: Column[] = ['question', 'answer', 'category', 'validFrom'];

export async function knowledgeWorkbook(entries: readonly KnowledgeEntry[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('知识库');
  sheet.columns = EXPORT_ORDER.map((key) => ({
    header: KNOWLEDGE_COLUMNS[key],
    key,
    width: { question: 40, answer: 60, keywords: 24, source: 24 }[key as string] ?? 12,
  }));
  sheet.getRow(1).font = { bold: true };
  for (const e of entries) {
    sheet.addRow({ ...e, keywords: e.keywords.join(KEYWORD_SEPARATOR), validTo: e.validTo ?? '' });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A date typed into Excel is a wall-clock day stored as midnight UTC. */
const day = (d: Date) => d.toISOString().slice(0, 10);
const cellText = (value: ExcelJS.CellValue) => sheetCellText(value, day);

const invalid = (message: string, problems: ReturnType<typeof importProblem>[]) => new ApiError('invalid_input', message, problems);

/** Which column of the sheet holds each known header; a missing required one → 400 naming it. */
function headerColumns(sheet: ExcelJS.Worksheet): Partial<Record<Column, number>> {
  const columns = columnsByHeader<Column>(sheet, KNOWLEDGE_COLUMNS, day);
  const missing = REQUIRED.filter((key) => columns[key] === undefined);
  if (missing.length > 0) {
    throw invalid(
      `the first row must name the columns ${REQUIRED.map((k) => KNOWLEDGE_COLUMNS[k]).join(' ')}; missing: ${missing.map((k) => KNOWLEDGE_COLUMNS[k]).join(' ')}`,
      missing.map((k) => importProblem(1, KNOWLEDGE_COLUMNS[k], 'missing column')),
    );
  }
  return columns;
}

const WHOLE = /^[1-9][0-9]{0,12}$/;

/** The rows of an uploaded workbook (its first sheet), each checked; 400 naming every bad cell otherwise. */
export async function readKnowledgeSheet(body: unknown): Promise<ImportRow[]> {
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw invalid(`请以请求内容发送工作簿（content-type ${XLSX_TYPE}）`, [importProblem(0, '(body)', 'no workbook')]);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
  } catch {
    throw invalid('请求内容不是 XLSX 工作簿', [importProblem(0, '(body)', 'not an XLSX workbook')]);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw invalid('工作簿中没有工作表', [importProblem(0, '(body)', 'no sheet')]);
  const columns = headerColumns(sheet);
  if (sheet.rowCount - 1 > IMPORT_MAX_ROWS) {
    throw invalid(`每次导入至多 ${IMPORT_MAX_ROWS} 行`, [importProblem(sheet.rowCount, '(body)', 'too many rows')]);
  }

  const rows: ImportRow[] = [];
  const problems: ReturnType<typeof importProblem>[] = [];
  const seenIds = new Map<number, number>();
  for (let n = 2; n <= sheet.rowCount; n++) {
    const row = sheet.getRow(n);
    const text = (key: Column) => (columns[key] === undefined ? '' : cellText(row.getCell(columns[key]).value));
    if (Object.keys(columns).every((key) => text(key as Column) === '')) continue; // a blank line
    const raw = Object.fromEntries(KNOWLEDGE_IMPORT_FIELDS.map((key) => [key, text(key)]));
    const parsed = KnowledgeInputSchema.safeParse({
      ...raw,
      keywords: splitKeywords(raw.keywords),
      validTo: raw.validTo === '' ? null : raw.validTo,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(importProblem(n, KNOWLEDGE_COLUMNS[issue.path[0] as Column], issue.message));
    }
    const id = whole(n, 'id', text('id'), problems);
    const version = whole(n, 'version', text('version'), problems);
    if (id !== undefined) {
      const earlier = seenIds.get(id);
      if (earlier !== undefined) problems.push(importProblem(n, KNOWLEDGE_COLUMNS.id, `the same entry as row ${earlier}`));
      seenIds.set(id, n);
    }
    if (parsed.success)
      rows.push({ row: n, input: parsed.data, ...(id === undefined ? {} : { id }), ...(version === undefined ? {} : { version }) });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    throw invalid(`以下行有误，未导入任何条目：${shown.map((p) => p.field).join('、')}`, shown);
  }
  return rows;
}

/** 编号 and 版本: empty, or a whole number. */
function whole(row: number, key: 'id' | 'version', cell: string, problems: ReturnType<typeof importProblem>[]): number | undefined {
  if (cell === '') return undefined;
  if (WHOLE.test(cell)) return Number(cell);
  problems.push(importProblem(row, KNOWLEDGE_COLUMNS[key], 'expected a whole number'));
  return undefined;
}
