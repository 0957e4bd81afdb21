import { z } from 'zod';
import * as labels from './labels';
import { ListedCaseSchema } from './summary';

/** Why the supervisors' view lists a case (api/supervision.ts classifies). */
export const STUCK_REASONS = ['overdue', 'due_soon', 'stalled'] as const;
export const StuckReasonSchema = z.enum(STUCK_REASONS);
export type StuckReason = z.infer<typeof StuckReasonSchema>;

export const STUCK_REASON_LABELS: Record<StuckReason, string> = labels.STUCK_REASON_LABELS;

export const StuckCaseSchema = ListedCaseSchema.extend({
  reasons: z.array(StuckReasonSchema),
  /** How late the running deadline is, when it is: whole working days and hours past `dueAt`. */
  late: z.object({ workingDays: z.number().int(), hours: z.number().int() }).nullable(),
  /** Working days spent in the current stage so far. */
  inStageWorkingDays: z.number().int().nullable(),
});
export type StuckCase = z.infer<typeof StuckCaseSchema>;

/** The answer of GET /supervision/stuck (the route answers exactly this; the OpenAPI document and the console read it). */
export const StuckPageSchema = z.object({
  items: z.array(StuckCaseSchema),
  /** The next page's `pageToken`; null on the last page. */
  nextPageToken: z.string().nullable(),
  /** Stuck cases in the whole view (every page), as of `asOf`. */
  total: z.number().int(),
  /** Of those, how many have each reason (a case may have two: overdue and stalled). */
  byReason: z.object({ overdue: z.number().int(), due_soon: z.number().int(), stalled: z.number().int() }),
  /** The instant the view was classified at: the first page's, carried by the page token to the next ones. */
  asOf: z.string(),
});
export type StuckPage = z.infer<typeof StuckPageSchema>;
