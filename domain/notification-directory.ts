/**
 * Which channel delivers each recipient's notifications: the county's notification directory
 * (HUIYING_NOTIFICATIONS_FILE, read by config/notification-directory.ts), e.g. the housing bureau by e-mail, the
 * supervisors to a mailing list, citizens through the SMS gateway; whoever it does not name gets the default channel
 * (HUIYING_NOTIFIER). The one place this is decided: the routing notifier (activities/routing-notifier.ts) only
 * carries it out.
 */
import { z } from 'zod';
import type { Recipient } from './notifications';

/** The outbox (encrypted files), the webhook (the county's SMS or message gateway), e-mail (SMTP). */
export const NOTIFICATION_CHANNELS = ['outbox', 'webhook', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** The channels that need no address of their own: the default, and what citizens may get. */
export const DefaultChannelSchema = z.enum(['outbox', 'webhook']);
export type DefaultChannel = z.infer<typeof DefaultChannelSchema>;

const EmailChannelSchema = z.object({ email: z.array(z.email()).min(1).max(50) }).strict();

/** One staff recipient's channel: a word, or e-mail to these addresses. */
const StaffChannelSchema = z.union([DefaultChannelSchema, EmailChannelSchema], {
  error: 'expected "outbox", "webhook" or {"email": ["address", …]}',
});

export const NotificationDirectorySchema = z
  .object({
    /** Citizens have no e-mail in a case: their messages go to the SMS gateway (webhook) or the outbox. */
    citizens: z.enum(['outbox', 'webhook'], { error: 'citizens get "outbox" or "webhook" (the SMS gateway); no e-mail' }).optional(),
    /** By unit code (domain/units.ts). */
    units: z.record(z.string(), StaffChannelSchema).optional(),
    /** By review level: "1" 初审, "2" 审核, "3" 审发. */
    reviewers: z.object({ '1': StaffChannelSchema, '2': StaffChannelSchema, '3': StaffChannelSchema }).partial().strict().optional(),
    dispatchers: StaffChannelSchema.optional(),
    supervisors: StaffChannelSchema.optional(),
    operators: StaffChannelSchema.optional(),
  })
  .strict();
export type NotificationDirectoryEntries = z.infer<typeof NotificationDirectorySchema>;

/** The county's entries and the channel of everyone they do not name. */
export interface NotificationDirectory {
  default: DefaultChannel;
  entries: NotificationDirectoryEntries;
}

/** Where one notification goes. */
export type Route = { channel: 'outbox' } | { channel: 'webhook' } | { channel: 'email'; to: string[] };

/** The route of a notification to `recipient`. */
export function routeFor(directory: NotificationDirectory, recipient: Recipient): Route {
  const entry = entryFor(directory.entries, recipient) ?? directory.default;
  return typeof entry === 'string' ? { channel: entry } : { channel: 'email', to: [...entry.email] };
}

/** Every channel the directory can route to, the default included: what the worker must be able to send through. */
export function channelsUsed(directory: NotificationDirectory): Set<NotificationChannel> {
  const { citizens, units = {}, reviewers = {}, dispatchers, supervisors, operators } = directory.entries;
  const entries = [citizens, ...Object.values(units), ...Object.values(reviewers), dispatchers, supervisors, operators];
  const used = new Set<NotificationChannel>([directory.default]);
  for (const e of entries) if (e !== undefined) used.add(typeof e === 'string' ? e : 'email');
  return used;
}

/** The unit codes the directory names (to be checked against the unit directory). */
export function unitsNamed(directory: NotificationDirectory): string[] {
  return Object.keys(directory.entries.units ?? {});
}

function entryFor(d: NotificationDirectoryEntries, r: Recipient): DefaultChannel | { email: string[] } | undefined {
  switch (r.kind) {
    case 'citizen':
      return d.citizens;
    case 'unit':
      return Object.hasOwn(d.units ?? {}, r.unit) ? d.units![r.unit] : undefined;
    case 'reviewers':
      return d.reviewers?.[String(r.level) as '1' | '2' | '3'];
    case 'dispatchers':
      return d.dispatchers;
    case 'supervisors':
      return d.supervisors;
    case 'operators':
      return d.operators;
  }
}
