/** Ledger numbers (台账编号): prefix, year, six-digit sequence — readable, unique and ordered within a year. */
export function formatLedgerNo(prefix: string, year: number, no: number): string {
  return `${ledgerNoStem(prefix, year)}${String(no).padStart(6, '0')}`;
}

/** What every ledger number of `prefix` and `year` starts with (`LZ-2026-`); the sequence follows it. */
export function ledgerNoStem(prefix: string, year: number): string {
  return `${prefix}-${year}-`;
}

/** The year a case is registered in, counted in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiYear(instant: Date): number {
  return new Date(instant.getTime() + 8 * 3600_000).getUTCFullYear();
}
