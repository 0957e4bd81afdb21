/**
 * Which years a calendar update made known, decided from the years covered before and now (calendar-sweep.ts acts on
 * it). Pure: the covered years come from `WorkingCalendar.coveredYears()`, the previous ones from the database.
 */

/** A calendar's name by the years it covers, e.g. '2004-2026,2031': what a case's provisional deadlines depend on. */
export function coverageVersion(years: readonly number[]): string {
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    runs.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return runs.join(',');
}

/**
 * Years covered now and not before, ascending. With nothing recorded before (the first start with this feature) every
 * covered year counts as new: the sweep then asks each open case with a provisional deadline once, and those whose
 * dates do not change record nothing. A year no longer covered (a county file removed) is nobody's to recompute.
 */
export function newlyCoveredYears(previous: readonly number[] | null, current: readonly number[]): number[] {
  const before = new Set(previous ?? []);
  return [...new Set(current)].filter((year) => !before.has(year)).sort((a, b) => a - b);
}
