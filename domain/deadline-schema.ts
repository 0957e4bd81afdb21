import { z } from 'zod';

/** One deadline per kind of wait; the current stage decides which one is running. */
export const DEADLINE_KEYS = ['assign', 'signFor', 'handling', 'review', 'callback'] as const;
export const DeadlineKeySchema = z.enum(DEADLINE_KEYS);
export type DeadlineKey = z.infer<typeof DeadlineKeySchema>;

export const DEADLINE_LABELS: Record<DeadlineKey, string> = {
  assign: '派单',
  signFor: '签收',
  handling: '办理',
  review: '审核',
  callback: '回访',
};

export const DeadlineSchema = z.object({
  key: DeadlineKeySchema,
  /** When the clock started (or, for an extension, the due date it extended). */
  from: z.string(),
  dueAt: z.string(),
  /** The warning (预警) time; null when the deadline is too close to its start for a warning to help. */
  warnAt: z.string().nullable(),
  redFlagAt: z.string(),
  /** True when a day in a year the calendar does not cover yet was needed: the dates may move. */
  provisional: z.boolean(),
  /**
   * Set on a handling deadline extended (延期), or started in a case that already had extensions: when its clock first
   * started and the working days extensions added in all, so a calendar update can compute it again (recalendar.ts).
   */
  origin: z.string().optional(),
  extendedBy: z.number().optional(),
  warned: z.boolean(),
  overdue: z.boolean(),
  redFlag: z.boolean(),
});
export type Deadline = z.infer<typeof DeadlineSchema>;
