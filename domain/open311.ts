/**
 * Cases as Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) shows them to other platforms: the request
 * types as services, each case as a service request whose id is its ledger number. Pure mappings; the routes are
 * api/routes/open311.ts, the intake mapping open311-intake.ts.
 *
 * What a request shows is what the public status view shows (public-view.ts): no person, free text redacted as for
 * someone from whom the citizen is hidden, and none at all for a protected case.
 */
import { z } from 'zod';
import { REQUEST_TYPE_LABELS, REQUEST_TYPES, RequestTypeSchema, STAGE_LABELS, type CaseState, type RequestType, type Stage } from './case';
import { isProtected, redactText } from './privacy';
import { publicNotes } from './public-view';

/** The GeoReport v2 service list entry; every service is answered at once (`realtime`) and asks for no attributes. */
export const Open311ServiceSchema = z.object({
  service_code: RequestTypeSchema,
  service_name: z.string(),
  description: z.string(),
  metadata: z.literal(false),
  type: z.literal('realtime'),
  keywords: z.string(),
  group: z.string(),
});
export type Open311Service = z.infer<typeof Open311ServiceSchema>;

const SERVICE_TEXT: Record<RequestType, { description: string; keywords: string }> = {
  consultation: { description: '政策、办事流程等咨询', keywords: '咨询,政策,办事指南' },
  help: { description: '生活中遇到困难需要帮助', keywords: '求助,困难,帮助' },
  suggestion: { description: '对政府工作和公共服务的意见建议', keywords: '建议,意见' },
  complaint: { description: '对公共服务、市政设施、物业等问题的投诉', keywords: '投诉,路灯,噪音,物业,市政' },
  report: { description: '对违法违规行为的举报（举报人信息严格保密）', keywords: '举报,违法,违规' },
};

export const OPEN311_GROUP = '12345政务服务便民热线';

/** The request types, each a service; `service_code` is the type's code. */
export const OPEN311_SERVICES: readonly Open311Service[] = REQUEST_TYPES.map((type) => ({
  service_code: type,
  service_name: REQUEST_TYPE_LABELS[type],
  ...SERVICE_TEXT[type],
  metadata: false,
  type: 'realtime',
  group: OPEN311_GROUP,
}));

export const Open311StatusSchema = z.enum(['open', 'closed']);

export const Open311RequestSchema = z.object({
  service_request_id: z.string(),
  status: Open311StatusSchema,
  status_notes: z.string(),
  service_name: z.string(),
  service_code: RequestTypeSchema,
  /** The citizen's request, redacted; absent for a protected case, and in lists (the read model does not hold it). */
  description: z.string().optional(),
  agency_responsible: z.string().optional(),
  requested_datetime: z.string(),
  updated_datetime: z.string(),
  /** The handling deadline (办理时限); absent before assignment, and in lists unless the case is being handled. */
  expected_datetime: z.string().optional(),
  address: z.string().optional(),
});
export type Open311Request = z.infer<typeof Open311RequestSchema>;

/** GeoReport's error body: a list of `{code, description}`, the code being the HTTP status. */
export const Open311ErrorSchema = z.array(z.object({ code: z.number().int(), description: z.string() }));

/** ISO 8601 with the county's offset (`2026-03-02T09:00:00+08:00`), as GeoReport's examples give local times. */
export function shanghaiDateTime(iso: string): string {
  const local = new Date(Date.parse(iso) + 8 * 3_600_000).toISOString();
  // Milliseconds only when there are some, so the instant stays exact.
  return `${local.endsWith('.000Z') ? local.slice(0, 19) : local.slice(0, 23)}+08:00`;
}

const statusOf = (stage: Stage) => (stage === 'closed' ? 'closed' : 'open');

/** A case read from its workflow: everything a single request (`requests/:id.json`) shows. */
export function open311Request(state: CaseState, unitName: (code: string) => string): Open311Request {
  const limited = isProtected(state);
  const hidden = (text: string) => redactText(text, state.citizen, 'hidden');
  const unit = state.unit === null ? null : unitName(state.unit);
  // The latest note that says what was done (the answer, once there is one), not the receipt nor the citizen's own
  // call-back verdict; a protected case's notes say nothing.
  const notes = limited ? [] : publicNotes(state, unit, limited);
  const last = [...notes].reverse().find((n) => n.text !== undefined && n.kind !== 'registered' && n.kind !== 'callback');
  const handlingDue = state.deadlines.handling?.dueAt;
  return {
    service_request_id: state.ledgerNo,
    status: statusOf(state.stage),
    status_notes: last?.text ? `${STAGE_LABELS[state.stage]}：${last.text}` : STAGE_LABELS[state.stage],
    service_name: REQUEST_TYPE_LABELS[state.type],
    service_code: state.type,
    ...(limited ? {} : { description: hidden(state.content) }),
    ...(unit === null ? {} : { agency_responsible: unit }),
    requested_datetime: shanghaiDateTime(state.registeredAt),
    updated_datetime: shanghaiDateTime(state.updatedAt),
    ...(handlingDue ? { expected_datetime: shanghaiDateTime(handlingDue) } : {}),
    ...(limited || !state.location ? {} : { address: hidden(state.location) }),
  };
}

/** What a list row of the read model holds (db/open311-queries.ts). */
export interface Open311Row {
  ledgerNo: string;
  stage: Stage;
  type: RequestType;
  unit: string | null;
  registeredAt: string;
  /** When the read model last recorded a change. */
  recordedAt: string;
  /** The running deadline: the handling one while the case is being handled (`rectifying`). */
  dueAt: string | null;
}

/**
 * A case as a list (`requests.json`) shows it, from the read model alone: a list must not cost a workflow query per
 * case. The read model holds no free text and not whether a case is protected, so a list carries no description or
 * address, and the handling deadline only while it is the running one.
 */
export function open311ListedRequest(row: Open311Row, unitName: (code: string) => string): Open311Request {
  return {
    service_request_id: row.ledgerNo,
    status: statusOf(row.stage),
    status_notes: STAGE_LABELS[row.stage],
    service_name: REQUEST_TYPE_LABELS[row.type],
    service_code: row.type,
    ...(row.unit === null ? {} : { agency_responsible: unitName(row.unit) }),
    requested_datetime: shanghaiDateTime(row.registeredAt),
    updated_datetime: shanghaiDateTime(row.recordedAt),
    ...(row.stage === 'rectifying' && row.dueAt ? { expected_datetime: shanghaiDateTime(row.dueAt) } : {}),
  };
}

const commaList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1));

const dateTime = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00+08:00` : s));

/**
 * `GET requests.json`'s filters. Other parameters (`jurisdiction_id`, `api_key`, a client's own) are ignored, as
 * GeoReport clients send them freely. Without ids or dates, the last 90 days (the standard's default).
 */
export const Open311ListQuerySchema = z.object({
  service_request_id: commaList(z.string().min(1).max(40)).optional(),
  service_code: commaList(RequestTypeSchema).optional(),
  start_date: dateTime.optional(),
  end_date: dateTime.optional(),
  status: commaList(Open311StatusSchema).optional(),
});
export type Open311ListQuery = z.infer<typeof Open311ListQuerySchema>;

/** The standard's default window and the most requests one answer holds. */
export const OPEN311_DEFAULT_DAYS = 90;
export const OPEN311_MAX_REQUESTS = 1000;
