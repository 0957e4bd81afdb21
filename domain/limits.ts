import { z } from 'zod';
import type { CasePolicy, RequestType, Stage } from './case';

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
  urgentHandlingHours: z
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
  /** Each review level (初审, 审核, 审发). */
  review: workingDays.default(1),
  /** Reply → call-back (回访). */
  callback: workingDays.default(1),
  /** Warning (预警) this long before each deadline. */
  warnBefore: workingDays.default(1),
  /** Red flag this long after a missed deadline. */
  redFlagAfter: workingDays.default(5),
  /** Reopenings (重办) after which a further dissatisfied call-back goes to a supervisor's decision. */
  maxReopens: z.number().int().min(0).default(2),
  /** 定期抽查: how often a round runs, what share of the period's closed cases it samples (at least `min`). */
  spotCheck: z
    .strictObject({
      period: z.enum(['day', 'week', 'month']).default('month'),
      rate: z.number().min(0).max(1).default(0.05),
      min: z.number().int().min(0).default(1),
      /** Calendar days a closed case stays open to a spot-check, then it is archived. */
      windowDays: z.number().min(0).max(3650).default(60),
    })
    .prefault({}),
  /** 并单: a new request from the same phone, of the same type, whose text is this similar to an open case's. */
  merge: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Similarity of title + content, 0–1 (Jaccard over character bigrams). */
      minSimilarity: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
  extension: z.strictObject({ maxCount: z.number().int().min(0).default(2), maxWorkingDays: workingDays.default(10) }).prefault({}),
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
          deciding: workingDays.default(2),
        } satisfies Record<Exclude<Stage, 'closed'>, z.ZodType>)
        .prefault({}),
    })
    .prefault({}),
});
export type TimeLimits = z.infer<typeof TimeLimitsSchema>;

export const DEFAULT_LIMITS: TimeLimits = TimeLimitsSchema.parse({});

/** The rules fixed into a case when it is registered (a later configuration change applies to new cases). */
export function policyFrom(limits: TimeLimits): CasePolicy {
  return {
    extension: limits.extension,
    maxReopens: limits.maxReopens,
    spotCheckWindowDays: limits.spotCheck.windowDays,
    returnsDecided: true,
  };
}
