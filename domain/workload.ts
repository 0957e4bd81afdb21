import { z } from 'zod';
import { OPEN_STAGES, type OpenStage } from './case';

const Count = z.number().int().min(0);

/** One unit's open cases (or, with `unit` null, those not assigned to any unit yet). */
export const WorkloadRowSchema = z.object({
  unit: z.string().nullable(),
  /** The unit's Chinese name from the directory; 未交办 for cases without a unit. */
  name: z.string(),
  byStage: z.record(z.enum(OPEN_STAGES), Count),
  total: Count,
  overdue: Count,
  redFlags: Count,
});
export type WorkloadRow = z.infer<typeof WorkloadRowSchema>;

/** The answer of GET /supervision/workload: open cases by unit × stage, as of `asOf`: unassigned cases first, then the most loaded unit. */
export const WorkloadSchema = z.object({
  asOf: z.string(),
  stages: z.array(z.enum(OPEN_STAGES)),
  rows: z.array(WorkloadRowSchema),
  totals: WorkloadRowSchema.omit({ unit: true, name: true }),
});
export type Workload = z.infer<typeof WorkloadSchema>;

/** One group the database counted: open cases of one unit in one stage. */
export interface WorkloadCount {
  unit: string | null;
  stage: OpenStage;
  count: number;
  overdue: number;
  redFlags: number;
}

const emptyCounts = () => ({
  byStage: Object.fromEntries(OPEN_STAGES.map((s) => [s, 0])) as Record<OpenStage, number>,
  total: 0,
  overdue: 0,
  redFlags: 0,
});

/** Folds the database's groups into the table: one row per unit, every stage present, most open cases first. */
export function workloadTable(counts: WorkloadCount[], unitName: (code: string) => string, asOf: Date): Workload {
  const rows = new Map<string | null, WorkloadRow>();
  const totals = emptyCounts();
  for (const c of counts) {
    let row = rows.get(c.unit);
    if (!row) {
      row = { unit: c.unit, name: c.unit === null ? '未交办' : unitName(c.unit), ...emptyCounts() };
      rows.set(c.unit, row);
    }
    for (const target of [row, totals]) {
      target.byStage[c.stage] += c.count;
      target.total += c.count;
      target.overdue += c.overdue;
      target.redFlags += c.redFlags;
    }
  }
  // Cases waiting for a unit head the table (the dispatcher's share); then the most loaded unit first.
  const sorted = [...rows.values()].sort(
    (a, b) => Number(a.unit !== null) - Number(b.unit !== null) || b.total - a.total || a.name.localeCompare(b.name, 'zh-CN'),
  );
  return { asOf: asOf.toISOString(), stages: [...OPEN_STAGES], rows: sorted, totals };
}
