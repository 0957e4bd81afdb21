import { z } from 'zod';
import * as labels from './labels';
import { ListedCaseSchema } from './summary';

/** What an inbox item waits for from the caller (api/inbox.ts decides it per role). */
export const AwaitingSchema = z.enum([
  'assign',
  'sign_for',
  'rectify',
  'review',
  'callback',
  'extension_decision',
  'red_flag',
  'return_decision',
  'appeal_decision',
  'contribute',
]);
export type Awaiting = z.infer<typeof AwaitingSchema>;

export const AWAITING_LABELS: Record<Awaiting, string> = labels.AWAITING_LABELS;

export const InboxItemSchema = ListedCaseSchema.extend({
  awaiting: AwaitingSchema,
  /** Working days to `dueAt` (negative: late), on the county's calendar; null without a deadline. */
  workingDaysLeft: z.number().int().nullable(),
  /** Units that returned the case (退单), each once: a dispatcher sees them before assigning again. */
  returnedBy: z.array(z.string()),
});
export type InboxItem = z.infer<typeof InboxItemSchema>;
