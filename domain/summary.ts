import { z } from 'zod';
import { ChannelSchema, RequestTypeSchema, SatisfactionSchema, StageSchema, type CaseState } from './case';
import { spotCheckUntil } from './archive';
import { currentDeadline } from './deadlines';
import { ReviewLevelSchema } from './roles';
import { hasProvisionalDeadline, PROVISIONAL_DEADLINE_FLAG } from './recalendar';
import { flagsOf } from './search';

/**
 * What lists, inboxes, the supervisors' view, metrics and the ledger show of a case: its summary, recorded in the
 * read model (db/) after every committed change. No personal data: no name, phone or content; `citizenKey` is the
 * keyed hash of the phone that finds repeat requests, never shown.
 */
export const CaseSummarySchema = z.object({
  id: z.string(),
  /** Grows with every recorded change: the read model never replaces a newer summary with an older one. */
  version: z.number().int().min(0),
  ledgerNo: z.string(),
  stage: StageSchema,
  type: RequestTypeSchema,
  channel: ChannelSchema,
  unit: z.string().nullable(),
  urgent: z.boolean(),
  reviewLevel: ReviewLevelSchema.nullable(),
  reopenCount: z.number().int(),
  registeredAt: z.string(),
  stageSince: z.string(),
  /** The running deadline's due time; null when the stage has none. */
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  redFlag: z.boolean(),
  /** The markers of domain/search.ts (`parseFlags` reads them). */
  flags: z.array(z.string()),
  satisfaction: SatisfactionSchema.nullable(),
  closedAt: z.string().nullable(),
  title: z.string(),
  citizenKey: z.string().nullable(),
  /**
   * Its workflow run has ended: on the first version after the spot-check window, on the current one when the case
   * closed (a spot-check sample may still start a next run until `spotCheckUntil`).
   */
  archived: z.boolean(),
  /** Until when a closed case may still be drawn into a spot-check sample; null when it cannot (domain/archive.ts). */
  spotCheckUntil: z.string().nullable(),
});
export type CaseSummary = z.infer<typeof CaseSummarySchema>;

export function summaryOf(state: CaseState, archived = false): CaseSummary {
  const deadline = currentDeadline(state);
  return {
    id: state.id,
    version: state.version,
    ledgerNo: state.ledgerNo,
    stage: state.stage,
    type: state.type,
    channel: state.channel,
    unit: state.unit,
    urgent: state.urgent,
    reviewLevel: state.reviewLevel,
    reopenCount: state.reopenCount,
    registeredAt: state.registeredAt,
    stageSince: state.stageSince,
    dueAt: deadline?.dueAt ?? null,
    overdue: deadline?.overdue ?? false,
    redFlag: deadline?.redFlag ?? false,
    // The read model's own marker (not in visibility): the calendar sweep finds the cases to tell by it.
    flags: [...flagsOf(state, deadline?.provisional ?? false), ...(hasProvisionalDeadline(state) ? [PROVISIONAL_DEADLINE_FLAG] : [])],
    satisfaction: state.satisfaction,
    closedAt: state.closedAt,
    title: state.title,
    citizenKey: state.citizenKey,
    archived,
    spotCheckUntil: spotCheckUntil(state),
  };
}

/**
 * A case as lists, inboxes, the supervisors' view and the ledger show it: the summary without the version and the
 * citizen key (internal: the read model's write rule, the repeat finder), and `status` as the API has always
 * answered it (from the days lists came from Temporal visibility): 'RUNNING' until the case is archived.
 */
export const ListedCaseSchema = CaseSummarySchema.omit({ version: true, citizenKey: true, archived: true, spotCheckUntil: true }).extend({
  status: z.enum(['RUNNING', 'COMPLETED']),
});
export type ListedCase = z.infer<typeof ListedCaseSchema>;

export function listedCase(summary: CaseSummary): ListedCase {
  const { version: _version, citizenKey: _citizenKey, archived, spotCheckUntil: _until, ...rest } = summary;
  return { ...rest, status: archived ? 'COMPLETED' : 'RUNNING' };
}
