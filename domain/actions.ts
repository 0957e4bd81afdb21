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
  review: z.object({
    level: ReviewLevelSchema,
    decision: ReviewDecisionSchema,
    comment: z.string().trim().max(2000).optional(),
  }),
  callback: z.object({ result: SatisfactionSchema, note: z.string().trim().max(2000).optional() }),
} as const;

export type ActionKind = keyof typeof ActionBodies;
export const ACTION_KINDS = Object.keys(ActionBodies) as ActionKind[];
export type ActionBody<K extends ActionKind> = z.infer<(typeof ActionBodies)[K]>;
export type CaseAction = { [K in ActionKind]: { kind: K } & ActionBody<K> }[ActionKind];

export const ACTION_LABELS: Record<ActionKind | 'register', string> = {
  register: '登记受理',
  assign: '交办',
  accept: '签收',
  return: '退单',
  progress: '办理进展',
  submit: '提交办理结果',
  review: '审核',
  callback: '回访',
};
