import { z } from 'zod';
import { ListedCaseSchema } from './summary';

/** What an inbox item waits for from the caller (api/inbox.ts decides it per role). */
export const AwaitingSchema = z.enum(['assign', 'sign_for', 'rectify', 'review', 'callback', 'extension_decision', 'red_flag']);
export type Awaiting = z.infer<typeof AwaitingSchema>;

export const AWAITING_LABELS: Record<Awaiting, string> = {
  assign: '待交办',
  sign_for: '待签收',
  rectify: '办理中',
  review: '待审核',
  callback: '待回访',
  extension_decision: '延期待批',
  red_flag: '红牌督办',
};

export const InboxItemSchema = ListedCaseSchema.extend({
  awaiting: AwaitingSchema,
  /** Working days to `dueAt` (negative: late), on the county's calendar; null without a deadline. */
  workingDaysLeft: z.number().int().nullable(),
});
export type InboxItem = z.infer<typeof InboxItemSchema>;
