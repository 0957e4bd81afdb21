import { z } from 'zod';
import { CaseStateSchema } from './case';
import type { WorkingCalendar } from './calendar';

/** How much of the citizen a caller sees (privacy.ts decides): in full, masked, or not at all. */
export const CitizenVisibilitySchema = z.enum(['full', 'masked', 'hidden']);

/**
 * A case as the API answers it (`GET /cases/:id` and every action): the workflow's state without the request hash,
 * the citizen as this caller may see them, and the running deadline lifted out. The console reads its type from here.
 */
export const CaseViewSchema = CaseStateSchema.omit({ requestHash: true }).extend({
  unitName: z.string().nullable(),
  /** The running deadline of the current stage, lifted out of `deadlines` for convenience. */
  dueAt: z.string().nullable(),
  dueAtProvisional: z.boolean(),
  overdue: z.boolean(),
  redFlag: z.boolean(),
  /** Working days from today to `dueAt` on the county's calendar; negative when late, null without a deadline. */
  workingDaysLeft: z.number().int().nullable(),
  citizenVisibility: CitizenVisibilitySchema,
});
export type CaseView = z.infer<typeof CaseViewSchema>;

/** Working days from `now` to `dueAt` (negative: late by that many), as lists and case pages show them. */
export function workingDaysLeft(calendar: WorkingCalendar, dueAt: string | null, now: Date): number | null {
  return dueAt ? calendar.workingDaysBetween(now, new Date(dueAt)) : null;
}
