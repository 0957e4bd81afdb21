import { z } from 'zod';
import { CitizenSchema } from './case';
import { ReviewLevelSchema } from './roles';

export const RecipientSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('citizen'), citizen: CitizenSchema }),
  z.object({ kind: z.literal('unit'), unit: z.string() }),
  z.object({ kind: z.literal('reviewers'), level: ReviewLevelSchema }),
  z.object({ kind: z.literal('dispatchers') }),
  z.object({ kind: z.literal('supervisors') }),
  z.object({ kind: z.literal('operators') }),
]);
export type Recipient = z.infer<typeof RecipientSchema>;

export const NOTIFICATION_TEMPLATES = [
  'receipt',
  'assigned',
  'returned',
  'review_requested',
  'review_rejected',
  'answer',
  'reopened',
  'warning',
  'chase_up',
  'overdue',
  'red_flag',
  'extension_requested',
  'extension_decided',
  'urged',
  'decision_needed',
  'merged',
  'spot_check_failed',
  'reassigned',
  'return_decided',
  'appealed',
  'appeal_decided',
  'support_requested',
  'support_given',
] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

export const NotificationSchema = z.object({
  /** Stable across retries and replays: the adapters deliver each id at most once. */
  id: z.string(),
  caseId: z.string(),
  ledgerNo: z.string(),
  template: z.enum(NOTIFICATION_TEMPLATES),
  to: RecipientSchema,
  text: z.string(),
});
export type Notification = z.infer<typeof NotificationSchema>;
