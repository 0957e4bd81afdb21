/** Ledger numbers (台账编号): prefix, year, six-digit sequence — readable, unique and ordered within a year. */
export function formatLedgerNo(prefix: string, year: number, no: number): string {
  return `${prefix}-${year}-${String(no).padStart(6, '0')}`;
}

/** The year a case is registered in, counted in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiYear(instant: Date): number {
  return new Date(instant.getTime() + 8 * 3600_000).getUTCFullYear();
}
