import { z } from 'zod';
import { ReviewDecisionSchema, SatisfactionSchema } from './case';
import { ReviewLevelSchema } from './roles';

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
  callback: z.object({ result: SatisfactionSchema, note: z.string().trim().max(2000).optional() }),
  extension: z.object({ workingDays: z.number().int().min(1).max(60), reason: z.string().trim().min(1).max(2000) }),
  extensionDecision: z.object({ approve: z.boolean(), note: z.string().trim().max(2000).optional() }),
  urge: z.object({ note: z.string().trim().min(1).max(2000) }),
} as const;

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
};
