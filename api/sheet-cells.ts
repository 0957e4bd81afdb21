import type ExcelJS from 'exceljs';

/**
 * A cell as the text a person sees: rich text joined, a formula's result, a date as `date` writes it (a date typed
 * into Excel is a wall-clock time stored as UTC, so each sheet says how much of it it means).
 */
export function cellText(value: ExcelJS.CellValue, date: (d: Date) => string): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return date(value);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue, date);
    return '';
  }
  return String(value).trim();
}

/** Which column of the sheet's first row holds each known header (`headers`: key → header text). */
export function columnsByHeader<K extends string>(
  sheet: ExcelJS.Worksheet,
  headers: Readonly<Record<K, string>>,
  date: (d: Date) => string,
): Partial<Record<K, number>> {
  const byHeader = new Map(Object.entries(headers).map(([key, header]) => [header as string, key as K]));
  const columns: Partial<Record<K, number>> = {};
  sheet.getRow(1).eachCell((cell, col) => {
    const key = byHeader.get(cellText(cell.value, date));
    if (key) columns[key] = col;
  });
  return columns;
}
