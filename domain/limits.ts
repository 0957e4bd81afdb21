import { z } from 'zod';
import type { RequestType, Stage } from './case';

const workingDays = z.number().min(0).max(365);

/**
 * Time limits (DOMAIN.md "*default*" figures), all in working days unless named otherwise. A county
 * changes them with a JSON file (HUIYING_LIMITS_FILE) holding only the figures it wants to differ.
 */
export const TimeLimitsSchema = z.strictObject({
  /** Registration → assignment (派单). */
  assign: workingDays.default(0.5),
  /** Assignment → sign-for (签收); a unit may return the case only within this period. */
  signFor: workingDays.default(1),
  /** Assignment → result, by request type. */
  handling: z
    .strictObject({
      consultation: workingDays.default(2),
      help: workingDays.default(10),
      suggestion: workingDays.default(10),
      complaint: workingDays.default(15),
      report: workingDays.default(15),
    } satisfies Record<RequestType, z.ZodType>)
    .prefault({}),
  /** Urgent cases (紧急): calendar hours from assignment to result. */
  urgentHandlingHours: z.number().positive().max(24 * 30).default(24),
  /** Each review level (初审, 审核, 审发). */
  review: workingDays.default(1),
  /** Reply → call-back (回访). */
  callback: workingDays.default(1),
  /** Warning (预警) this long before each deadline. */
  warnBefore: workingDays.default(1),
  /** Red flag this long after a missed deadline. */
  redFlagAfter: workingDays.default(5),
  extension: z
    .strictObject({ maxCount: z.number().int().min(0).default(2), maxWorkingDays: workingDays.default(10) })
    .prefault({}),
  supervision: z
    .strictObject({
      /** "About to be overdue": due within this many working days. */
      dueSoon: workingDays.default(1),
      /** "Stalled": in one stage longer than this many working days. */
      stalled: z
        .strictObject({
          registered: workingDays.default(1),
          assigned: workingDays.default(2),
          rectifying: workingDays.default(10),
          reviewing: workingDays.default(2),
          replied: workingDays.default(2),
        } satisfies Record<Exclude<Stage, 'closed'>, z.ZodType>)
        .prefault({}),
    })
    .prefault({}),
});
export type TimeLimits = z.infer<typeof TimeLimitsSchema>;

export const DEFAULT_LIMITS: TimeLimits = TimeLimitsSchema.parse({});
