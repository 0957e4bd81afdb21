import { z } from 'zod';
import * as labels from './labels';
import { DeadlineKeySchema, DeadlineSchema } from './deadline-schema';
import { ActorRefSchema, ReviewLevelSchema } from './roles';

export const CHANNELS = ['hotline', 'mailbox', 'online', 'window'] as const;
export const ChannelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof ChannelSchema>;
export const CHANNEL_LABELS: Record<Channel, string> = labels.CHANNEL_LABELS;

export const REQUEST_TYPES = ['consultation', 'help', 'suggestion', 'complaint', 'report'] as const;
export const RequestTypeSchema = z.enum(REQUEST_TYPES);
export type RequestType = z.infer<typeof RequestTypeSchema>;
export const REQUEST_TYPE_LABELS: Record<RequestType, string> = labels.REQUEST_TYPE_LABELS;

/** One loop, in order. `reviewing` carries a level (1, 2, 3) beside it. */
export const STAGES = ['registered', 'assigned', 'rectifying', 'reviewing', 'replied', 'deciding', 'closed'] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;
export const STAGE_LABELS: Record<Stage, string> = labels.STAGE_LABELS;
/** The stages a case can be open in, in the loop's order. */
export const OPEN_STAGES = STAGES.filter((s): s is Exclude<Stage, 'closed'> => s !== 'closed');
export type OpenStage = (typeof OPEN_STAGES)[number];

export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'] as const;
export const SatisfactionSchema = z.enum(SATISFACTIONS);
export type Satisfaction = z.infer<typeof SatisfactionSchema>;
export const SATISFACTION_LABELS: Record<Satisfaction, string> = labels.SATISFACTION_LABELS;

/** Mainland mobile or landline digits, optionally with area-code dash; kept loose on purpose. */
const phone = z.string().regex(/^\+?[0-9][0-9-]{4,19}$/, 'digits, optionally with + and dashes');

export const CitizenSchema = z.object({
  name: z.string().trim().min(1).max(50),
  phone,
});
export type Citizen = z.infer<typeof CitizenSchema>;

export const NewCaseSchema = z.object({
  channel: ChannelSchema,
  type: RequestTypeSchema,
  urgent: z.boolean().default(false),
  confidential: z.boolean().default(false),
  citizen: CitizenSchema,
  title: z.string().trim().min(1).max(200),
  content: z.string().trim().min(1).max(10_000),
  location: z.string().trim().max(500).optional(),
  category: z.string().trim().max(100).optional(),
  /** The unit a complaint or report is about: that unit's people must never learn who complained. */
  about: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .optional(),
  /** 直接答复: the operator answered a consultation on the phone; the case closes at once. */
  answer: z.string().trim().min(1).max(10_000).optional(),
});
export type NewCase = z.infer<typeof NewCaseSchema>;

export const TimelineEntrySchema = z.object({
  at: z.string(),
  by: ActorRefSchema,
  action: z.string(),
  note: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const ReviewDecisionSchema = z.enum(['approve', 'reject']);
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;

export const ReviewRecordSchema = z.object({
  level: ReviewLevelSchema,
  decision: ReviewDecisionSchema,
  by: ActorRefSchema,
  at: z.string(),
  comment: z.string().optional(),
});
export type ReviewRecord = z.infer<typeof ReviewRecordSchema>;

/** Rules fixed for a case when it is registered, so a later change of configuration does not rewrite them. */
export const CasePolicySchema = z.object({
  extension: z.object({ maxCount: z.number().int().min(0), maxWorkingDays: z.number().min(0) }),
  /** Reopenings (重办) after which a further dissatisfied call-back goes to a supervisor's decision. */
  maxReopens: z.number().int().min(0).default(2),
  /** Calendar days a closed case stays open to a spot-check (定期抽查) before it is archived. */
  spotCheckWindowDays: z.number().min(0).default(60),
  /**
   * A unit's return (退单) waits for a dispatcher's decision, and a refused unit may appeal to a supervisor. Cases
   * registered before this rule carry none: their returns go straight back, as they did.
   */
  returnsDecided: z.boolean().optional(),
});
export type CasePolicy = z.infer<typeof CasePolicySchema>;

/** A unit's request for more time (延期), awaiting a supervisor. */
export const ExtensionRequestSchema = z.object({
  workingDays: z.number().int(),
  reason: z.string(),
  by: ActorRefSchema,
  at: z.string(),
});
export type ExtensionRequest = z.infer<typeof ExtensionRequestSchema>;

/** 协办: a supporting unit beside the lead unit (主办), and what it contributed (null until it has). */
export const SupportingUnitSchema = z.object({
  unit: z.string(),
  contribution: z.object({ note: z.string(), by: ActorRefSchema, at: z.string() }).nullable(),
});
export type SupportingUnit = z.infer<typeof SupportingUnitSchema>;

/** A unit's return awaiting the dispatcher; its refusal (the unit keeps the case); the unit's appeal to a supervisor. */
export const ReturnRequestSchema = z.object({ unit: z.string(), reason: z.string(), by: ActorRefSchema, at: z.string() });
export type ReturnRequest = z.infer<typeof ReturnRequestSchema>;
export const ReturnRefusalSchema = z.object({ unit: z.string(), grounds: z.string(), by: ActorRefSchema, at: z.string() });
export type ReturnRefusal = z.infer<typeof ReturnRefusalSchema>;

export const CaseRefSchema = z.object({ id: z.string(), ledgerNo: z.string() });
export type CaseRef = z.infer<typeof CaseRefSchema>;

export const CaseOutcomeSchema = z.object({
  signedAt: z.string().nullable(),
  signedLate: z.boolean(),
  /** The first reply to the citizen (after sign-off, or a direct answer). */
  completedAt: z.string().nullable(),
  completedLate: z.boolean(),
  everOverdue: z.boolean(),
  everRedFlag: z.boolean(),
  /** From the call-back: did the citizen's problem get solved (解决), apart from satisfaction. */
  resolved: z.boolean().nullable(),
  directAnswer: z.boolean(),
});
export type CaseOutcome = z.infer<typeof CaseOutcomeSchema>;

export const SpotCheckSchema = z.object({
  /** The round that sampled the case, if any. */
  round: z.string().nullable(),
  result: z.enum(['passed', 'failed']).nullable(),
  at: z.string().nullable(),
  by: ActorRefSchema.nullable(),
  note: z.string().nullable(),
});
export type SpotCheck = z.infer<typeof SpotCheckSchema>;

/** Everything the case workflow holds; the API's view is this, masked for the caller. */
/** 无效工单: why a registered request is closed without handling (a prank, a silent call, a wrong number, a test). */
export const VOID_REASONS = ['prank', 'silent', 'wrong_number', 'test', 'other'] as const;
export const VoidReasonSchema = z.enum(VOID_REASONS);
export type VoidReason = z.infer<typeof VoidReasonSchema>;
export const VOID_REASON_LABELS: Record<VoidReason, string> = labels.VOID_REASON_LABELS;

export const VoidRequestSchema = z
  .object({ reason: VoidReasonSchema, note: z.string().trim().max(2000).optional() })
  // "Other" says what it was.
  .refine((v) => v.reason !== 'other' || !!v.note, { path: ['note'], error: 'say why when the reason is other' });

export const CaseStateSchema = NewCaseSchema.extend({
  id: z.string(),
  ledgerNo: z.string(),
  stage: StageSchema,
  /** How many changes the case has published (search attributes, read model); the read model keeps the highest. */
  version: z.number().int().min(0),
  registeredAt: z.string(),
  updatedAt: z.string(),
  registeredBy: ActorRefSchema,
  unit: z.string().nullable(),
  /** Units that returned this case in the current assignment cycle, so a dispatcher sees the history. */
  returnedBy: z.array(z.string()),
  reviewLevel: ReviewLevelSchema.nullable(),
  /** Rounds of review started; a rejection starts a new one at level 1. */
  reviewRound: z.number().int(),
  /** Decisions of the current round only; all rounds stay in the timeline. */
  reviews: z.array(ReviewRecordSchema),
  result: z.string().nullable(),
  submittedBy: ActorRefSchema.nullable(),
  reopenCount: z.number().int(),
  satisfaction: SatisfactionSchema.nullable(),
  closedAt: z.string().nullable(),
  requestHash: z.string().nullable(),
  /** When the current stage (or review level) began: supervisors look for cases stalled too long. */
  stageSince: z.string(),
  /** The deadlines started so far, by kind; the current stage's one is running (see deadlines.ts). */
  deadlines: z.partialRecord(DeadlineKeySchema, DeadlineSchema),
  extension: z.object({
    pending: ExtensionRequestSchema.nullable(),
    approvedCount: z.number().int(),
    approvedDays: z.number(),
  }),
  policy: CasePolicySchema,
  /** What the unit measures are computed from (see README "Unit metrics"). */
  outcome: CaseOutcomeSchema,
  /** 并单: this request was merged into another case, or others into this one. */
  mergedInto: CaseRefSchema.nullable(),
  mergedFrom: z.array(CaseRefSchema.extend({ at: z.string() })),
  /** 协办 units beside the lead unit `unit` (主办); absent on cases registered before co-handling existed. */
  supporting: z.array(SupportingUnitSchema).optional(),
  /** A return awaiting the dispatcher's decision (absent on cases registered before returns were decided). */
  returnRequest: ReturnRequestSchema.nullable().optional(),
  /** Returns the dispatcher refused in the current assignment: those units keep the case, and may appeal. */
  returnRefusals: z.array(ReturnRefusalSchema).optional(),
  /** A refused unit's appeal awaiting a supervisor, who names the unit that must handle the case. */
  appeal: ReturnRequestSchema.nullable().optional(),
  /** 无效工单: closed without handling. Absent on cases registered before voiding existed. */
  voided: z.object({ reason: VoidReasonSchema, note: z.string().nullable() }).nullable().optional(),
  spotCheck: SpotCheckSchema,
  /** Keyed hash of the citizen's phone, to find repeat requests without putting the phone in visibility. */
  citizenKey: z.string().nullable(),
  timeline: z.array(TimelineEntrySchema),
});
export type CaseState = z.infer<typeof CaseStateSchema>;

/** The case workflow's start input: the intake plus what the API fixed before starting it. */
export const CaseInputSchema = z.object({
  id: z.string(),
  ledgerNo: z.string(),
  request: NewCaseSchema,
  registeredBy: ActorRefSchema,
  /** Hash of the intake request, so reusing an Idempotency-Key for a different request is caught. */
  requestHash: z.string().optional(),
  policy: CasePolicySchema,
  /** When the operator registered it; the workflow's start time when absent. */
  registeredAt: z.string().optional(),
  /** Deadlines the API computed before the start (saves the workflow a round trip); computed by the workflow when absent. */
  deadlines: z.array(DeadlineSchema).optional(),
  citizenKey: z.string().optional(),
  /** 并单 at intake: a repeat of this open case; the new case starts closed, merged into it. */
  mergeInto: CaseRefSchema.optional(),
});
export type CaseInput = z.infer<typeof CaseInputSchema>;

/** What a case run starts from: a new case, or a closed one a spot-check round puts in its sample (a new run). */
export type CaseStart = CaseInput | { resume: CaseState; sample: string };
