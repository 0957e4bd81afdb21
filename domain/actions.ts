import { z } from 'zod';
import { ReviewDecisionSchema, SatisfactionSchema } from './case';
import { ReviewLevelSchema } from './roles';

/** Case ids as the API makes them (see api/ids.ts): 16 characters of Crockford base32. */
export const CaseIdSchema = z.string().regex(/^[0-9a-z]{16}$/, 'a case id');

/**
 * The actions people take on a case. Each body schema is what the API validates and what the workflow
 * update receives; `kind` names the update, the route and the timeline action alike.
 */
export const ActionBodies = {
  assign: z.object({ unit: z.string().min(1), note: z.string().trim().max(2000).optional() }),
  accept: z.object({ note: z.string().trim().max(2000).optional() }),
  return: z.object({ reason: z.string().trim().min(1).max(2000) }),
  progress: z.object({ note: z.string().trim().min(1).max(5000) }),
  submit: z.object({ result: z.string().trim().min(1).max(10_000) }),
  review: z
    .object({
      level: ReviewLevelSchema,
      decision: ReviewDecisionSchema,
      comment: z.string().trim().max(2000).optional(),
    })
    // A rejection goes back to the unit "with the reviewer's comments" (DOMAIN.md): it must say why.
    .refine((b) => b.decision !== 'reject' || !!b.comment, { path: ['comment'], message: 'a rejection needs a comment for the unit' }),
  callback: z.object({
    result: SatisfactionSchema,
    /** Whether the problem itself got solved (解决), asked apart from satisfaction. */
    resolved: z.boolean().optional(),
    note: z.string().trim().max(2000).optional(),
  }),
  extension: z.object({ workingDays: z.number().int().min(1).max(60), reason: z.string().trim().min(1).max(2000) }),
  extensionDecision: z.object({ approve: z.boolean(), note: z.string().trim().max(2000).optional() }),
  urge: z.object({ note: z.string().trim().min(1).max(2000) }),
  answer: z.object({ answer: z.string().trim().min(1).max(10_000) }),
  decision: z.object({ action: z.enum(['reopen', 'close']), note: z.string().trim().min(1).max(2000) }),
  spotCheck: z.object({ passed: z.boolean(), note: z.string().trim().min(1).max(2000) }),
  /** Sent by the API after it looked the target up (the route takes only `{into}`). */
  merge: z.object({ into: CaseIdSchema, intoLedgerNo: z.string().min(1) }),
  /** The other half of a merge, on the case merged into; only the API sends it. */
  absorb: z.object({ id: CaseIdSchema, ledgerNo: z.string().min(1) }),
} as const;

/** What POST /cases/:id/merge takes: the API looks up the rest before it merges. */
export const MergeRequestSchema = z.object({ into: CaseIdSchema });

/** Every action with a public route; `absorb` is only ever sent by the API itself, as half of a merge. */
export const ROUTED_ACTIONS = (Object.keys(ActionBodies) as (keyof typeof ActionBodies)[]).filter((k) => k !== 'absorb');

/** The body each public route validates: the action's own, except merge. */
export function routeBody(kind: keyof typeof ActionBodies): z.ZodType {
  return kind === 'merge' ? MergeRequestSchema : ActionBodies[kind];
}

export type ActionKind = keyof typeof ActionBodies;
export const ACTION_KINDS = Object.keys(ActionBodies) as ActionKind[];
export type ActionBody<K extends ActionKind> = z.infer<(typeof ActionBodies)[K]>;
export type CaseAction = { [K in ActionKind]: { kind: K } & ActionBody<K> }[ActionKind];

/** Where each action is posted, under /cases/:id/. */
export const ACTION_PATHS: Record<ActionKind, string> = {
  assign: 'assign',
  accept: 'accept',
  return: 'return',
  progress: 'progress',
  submit: 'submit',
  review: 'review',
  callback: 'callback',
  extension: 'extension',
  extensionDecision: 'extension/decision',
  urge: 'urge',
  answer: 'answer',
  decision: 'decision',
  spotCheck: 'spot-check',
  merge: 'merge',
  absorb: 'absorb',
};

export const ACTION_LABELS: Record<ActionKind | 'register', string> = {
  register: '登记受理',
  assign: '交办',
  accept: '签收',
  return: '退单',
  progress: '办理进展',
  submit: '提交办理结果',
  review: '审核',
  callback: '回访',
  extension: '申请延期',
  extensionDecision: '延期审批',
  urge: '督办',
  answer: '直接答复',
  decision: '督办决定',
  spotCheck: '抽查',
  merge: '并单',
  absorb: '并入',
};
