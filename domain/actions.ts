import { z } from 'zod';
import { ReviewDecisionSchema, SatisfactionSchema, VoidRequestSchema, type Stage } from './case';
import { ReviewLevelSchema, type Role } from './roles';

/** Case ids as the API makes them (see api/ids.ts): 16 characters of Crockford base32. */
export const CaseIdSchema = z.string().regex(/^[0-9a-z]{16}$/, 'a case id');

/** 协办: up to this many supporting units beside the lead unit. */
export const MAX_SUPPORTING_UNITS = 5;
const SupportingSchema = z
  .array(z.string().min(1))
  .max(MAX_SUPPORTING_UNITS)
  .refine((units) => new Set(units).size === units.length, { error: 'each supporting unit once' })
  .optional();

/** What POST /cases/:id/merge takes: the API looks up the rest before it merges. */
export const MergeRequestSchema = z.object({ into: CaseIdSchema });

/** Everything the project knows about one action, in one place; every other table is derived from these. */
export interface ActionSpec {
  /** What the workflow update receives (and, unless `routeBody` says otherwise, what the route validates). */
  body: z.ZodType;
  /** What the public route validates when the API completes the body itself before it sends the update. */
  routeBody?: z.ZodType;
  /** Where the action is posted, under /cases/:id/. */
  path: string;
  /** The action's name in the timeline, for people. */
  label: string;
  /** The one role that may take it; unit and level checks follow in rules.ts. */
  role: Role;
  /** Only handlers of the case's own unit may take it (its supporting units' instead, with `supportingUnits`). */
  unitBound: boolean;
  /** Bound to the case's supporting units (协办), not its lead unit. */
  supportingUnits?: boolean;
  /** The stages it may be taken in: with `transition` in rules.ts, the whole state machine of the loop. */
  stages: readonly Stage[];
  /** Whether the API serves a route for it; an unrouted action is only ever sent by the API itself. */
  routed: boolean;
}

/**
 * The actions people take on a case. The key names the update, the timeline action and the body component alike;
 * the API's routes and authorization rows, the OpenAPI document and the workflow's validators all read this.
 */
export const ACTIONS = {
  assign: {
    body: z
      .object({ unit: z.string().min(1), supporting: SupportingSchema, note: z.string().trim().max(2000).optional() })
      .refine((b) => !b.supporting?.includes(b.unit), { path: ['supporting'], error: 'the lead unit is not also a supporting unit' }),
    path: 'assign',
    label: '交办',
    role: 'dispatcher',
    unitBound: false,
    stages: ['registered'],
    routed: true,
  },
  reassign: {
    body: z.object({ unit: z.string().min(1), reason: z.string().trim().min(1).max(2000) }),
    path: 'reassign',
    label: '改派',
    role: 'dispatcher',
    unitBound: false,
    // Before anything is submitted: a result under review belongs to the unit that wrote it.
    stages: ['assigned', 'rectifying'],
    routed: true,
  },
  accept: {
    body: z.object({ note: z.string().trim().max(2000).optional() }),
    path: 'accept',
    label: '签收',
    role: 'handler',
    unitBound: true,
    stages: ['assigned'],
    routed: true,
  },
  return: {
    body: z.object({ reason: z.string().trim().min(1).max(2000) }),
    path: 'return',
    label: '退单',
    role: 'handler',
    unitBound: true,
    stages: ['assigned'],
    routed: true,
  },
  returnDecision: {
    body: z
      .object({
        accept: z.boolean(),
        /** Accepting, the dispatcher may assign the case to another unit at once. */
        unit: z.string().min(1).optional(),
        note: z.string().trim().max(2000).optional(),
      })
      // A refusal keeps the case with the unit: it must say why, since the unit may appeal against it.
      .refine((b) => b.accept || !!b.note, { path: ['note'], error: 'a refusal needs grounds for the unit' })
      .refine((b) => b.accept || b.unit === undefined, { path: ['unit'], error: 'only an accepted return is re-assigned' }),
    path: 'return/decision',
    label: '退单审核',
    role: 'dispatcher',
    unitBound: false,
    stages: ['assigned'],
    routed: true,
  },
  appeal: {
    body: z.object({ reason: z.string().trim().min(1).max(2000) }),
    path: 'appeal',
    label: '退单申诉',
    role: 'handler',
    unitBound: true,
    stages: ['assigned'],
    routed: true,
  },
  appealDecision: {
    body: z.object({ unit: z.string().min(1), note: z.string().trim().min(1).max(2000) }),
    path: 'appeal/decision',
    label: '申诉裁决',
    role: 'supervisor',
    unitBound: false,
    stages: ['assigned'],
    routed: true,
  },
  contribute: {
    body: z.object({ note: z.string().trim().min(1).max(5000) }),
    path: 'contribute',
    label: '协办意见',
    role: 'handler',
    unitBound: true,
    supportingUnits: true,
    stages: ['assigned', 'rectifying'],
    routed: true,
  },
  progress: {
    body: z.object({ note: z.string().trim().min(1).max(5000) }),
    path: 'progress',
    label: '办理进展',
    role: 'handler',
    unitBound: true,
    stages: ['rectifying'],
    routed: true,
  },
  submit: {
    body: z.object({ result: z.string().trim().min(1).max(10_000) }),
    path: 'submit',
    label: '提交办理结果',
    role: 'handler',
    unitBound: true,
    stages: ['rectifying'],
    routed: true,
  },
  review: {
    body: z
      .object({
        level: ReviewLevelSchema,
        decision: ReviewDecisionSchema,
        comment: z.string().trim().max(2000).optional(),
      })
      // A rejection goes back to the unit "with the reviewer's comments" (DOMAIN.md): it must say why.
      .refine((b) => b.decision !== 'reject' || !!b.comment, { path: ['comment'], error: 'a rejection needs a comment for the unit' }),
    path: 'review',
    label: '审核',
    role: 'reviewer',
    unitBound: false,
    stages: ['reviewing'],
    routed: true,
  },
  callback: {
    body: z.object({
      result: SatisfactionSchema,
      /** Whether the problem itself got solved (解决), asked apart from satisfaction. */
      resolved: z.boolean().optional(),
      note: z.string().trim().max(2000).optional(),
    }),
    path: 'callback',
    label: '回访',
    role: 'operator',
    unitBound: false,
    stages: ['replied'],
    routed: true,
  },
  extension: {
    body: z.object({ workingDays: z.number().int().min(1).max(60), reason: z.string().trim().min(1).max(2000) }),
    path: 'extension',
    label: '申请延期',
    role: 'handler',
    unitBound: true,
    stages: ['rectifying'],
    routed: true,
  },
  extensionDecision: {
    body: z.object({ approve: z.boolean(), note: z.string().trim().max(2000).optional() }),
    path: 'extension/decision',
    label: '延期审批',
    role: 'supervisor',
    unitBound: false,
    stages: ['assigned', 'rectifying', 'reviewing', 'replied'],
    routed: true,
  },
  urge: {
    body: z.object({ note: z.string().trim().min(1).max(2000) }),
    path: 'urge',
    label: '督办',
    role: 'supervisor',
    unitBound: false,
    stages: ['assigned', 'rectifying'],
    routed: true,
  },
  answer: {
    body: z.object({ answer: z.string().trim().min(1).max(10_000) }),
    path: 'answer',
    label: '直接答复',
    role: 'operator',
    unitBound: false,
    stages: ['registered'],
    routed: true,
  },
  void: {
    body: VoidRequestSchema,
    path: 'void',
    label: '无效工单',
    role: 'operator',
    unitBound: false,
    stages: ['registered'],
    routed: true,
  },
  decision: {
    body: z.object({ action: z.enum(['reopen', 'close']), note: z.string().trim().min(1).max(2000) }),
    path: 'decision',
    label: '督办决定',
    role: 'supervisor',
    unitBound: false,
    stages: ['deciding'],
    routed: true,
  },
  spotCheck: {
    body: z.object({ passed: z.boolean(), note: z.string().trim().min(1).max(2000) }),
    path: 'spot-check',
    label: '抽查',
    role: 'supervisor',
    unitBound: false,
    stages: ['closed'],
    routed: true,
  },
  merge: {
    /** Sent by the API after it looked the target up (the route takes only `{into}`). */
    body: z.object({ into: CaseIdSchema, intoLedgerNo: z.string().min(1) }),
    routeBody: MergeRequestSchema,
    path: 'merge',
    label: '并单',
    role: 'operator',
    unitBound: false,
    stages: ['registered'],
    routed: true,
  },
  absorb: {
    /** The other half of a merge, on the case merged into; only the API sends it. */
    body: z.object({ id: CaseIdSchema, ledgerNo: z.string().min(1) }),
    path: 'absorb',
    label: '并入',
    role: 'operator',
    unitBound: false,
    stages: ['registered', 'assigned', 'rectifying', 'reviewing', 'replied', 'deciding'],
    routed: false,
  },
} as const satisfies Record<string, ActionSpec>;

export type ActionKind = keyof typeof ACTIONS;
export const ACTION_KINDS = Object.keys(ACTIONS) as ActionKind[];
export type ActionBody<K extends ActionKind> = z.infer<(typeof ACTIONS)[K]['body']>;
export type CaseAction = { [K in ActionKind]: { kind: K } & ActionBody<K> }[ActionKind];

/** The actions with a public route. */
export type RoutedKind = { [K in ActionKind]: (typeof ACTIONS)[K]['routed'] extends true ? K : never }[ActionKind];
export const ROUTED_ACTIONS = ACTION_KINDS.filter((k): k is RoutedKind => ACTIONS[k].routed);

/** The body a public route validates: the action's own, unless the record names another. */
export function routeBody(kind: ActionKind): z.ZodType {
  const spec: ActionSpec = ACTIONS[kind];
  return spec.routeBody ?? spec.body;
}

/** Labels of timeline entries that are not actions on a case (an action's label is in ACTIONS). */
export const EVENT_LABELS = {
  register: '登记受理',
  /** A closed case of the county's old ledger brought in (domain/historical-ledger.ts). */
  import: '历史台账导入',
} as const;
