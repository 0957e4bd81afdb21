import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import {
  CHANNELS,
  REQUEST_TYPES,
  SATISFACTIONS,
  STAGES,
  type Channel,
  type RequestType,
  type Satisfaction,
  type Stage,
} from '../domain/case';
import { NO_UNIT } from '../domain/search';
import { keys } from './search-attributes';

/** A case as visibility knows it: search attributes only, no history replayed, no personal data. */
export interface CaseSummary {
  id: string;
  ledgerNo: string;
  stage: Stage;
  type: RequestType;
  channel: Channel;
  unit: string | null;
  urgent: boolean;
  reviewLevel: number | null;
  reopenCount: number;
  registeredAt: string;
  stageSince: string | null;
  dueAt: string | null;
  overdue: boolean;
  redFlag: boolean;
  flags: string[];
  /**
   * The latest call-back's result; null before any (`HuiyingSatisfaction` 'none'). This and the next two are
   * always set by `summarize`; optional only so that summaries built by hand elsewhere need not name them.
   */
  satisfaction?: Satisfaction | null;
  closedAt?: string | null;
  /** From the memo `{title}` the API sets at registration (memo values pass through the payload codec); '' when absent. */
  title?: string;
  status: string;
}

const VISIBILITY_TIMEOUT_MS = 15_000;

export interface Page<T> {
  items: T[];
  nextPageToken: string | null;
}

export async function listCaseSummaries(client: Client, query: string, pageSize: number, pageToken?: string): Promise<Page<CaseSummary>> {
  const response = await client.withDeadline(Date.now() + VISIBILITY_TIMEOUT_MS, () =>
    client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query,
      pageSize,
      nextPageToken: pageToken ? Buffer.from(pageToken, 'base64url') : undefined,
    }),
  );
  const items = await Promise.all((response.executions ?? []).map((raw) => summarize(client, raw)));
  const token =
    response.nextPageToken && response.nextPageToken.length > 0 ? Buffer.from(response.nextPageToken).toString('base64url') : null;
  return { items, nextPageToken: token };
}

/** All pages of a query, up to `limit` items (a safety net: these views are meant to be short). */
export async function listAllCaseSummaries(client: Client, query: string, limit = 2000): Promise<CaseSummary[]> {
  const all: CaseSummary[] = [];
  let token: string | undefined;
  do {
    const page = await listCaseSummaries(client, query, Math.min(500, limit - all.length), token);
    all.push(...page.items);
    token = page.nextPageToken ?? undefined;
  } while (token && all.length < limit);
  return all;
}

type RawExecution = Parameters<typeof executionInfoFromRaw>[0];

async function summarize(client: Client, raw: RawExecution): Promise<CaseSummary> {
  const info = await executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, client.options.namespace);
  const sa = info.typedSearchAttributes;
  const unit = sa.get(keys.HuiyingUnit);
  const level = sa.get(keys.HuiyingReviewLevel) ?? 0;
  const satisfaction = sa.get(keys.HuiyingSatisfaction);
  const title = info.memo?.title;
  return {
    id: info.workflowId.replace(/^case-/, ''),
    ledgerNo: sa.get(keys.HuiyingLedgerNo) ?? '',
    stage: oneOfOr(STAGES, sa.get(keys.HuiyingStage), 'registered'),
    type: oneOfOr(REQUEST_TYPES, sa.get(keys.HuiyingType), 'consultation'),
    channel: oneOfOr(CHANNELS, sa.get(keys.HuiyingChannel), 'hotline'),
    unit: unit && unit !== NO_UNIT ? unit : null,
    urgent: sa.get(keys.HuiyingUrgent) ?? false,
    reviewLevel: level > 0 ? level : null,
    reopenCount: sa.get(keys.HuiyingReopenCount) ?? 0,
    registeredAt: info.startTime.toISOString(),
    stageSince: sa.get(keys.HuiyingStageSince)?.toISOString() ?? null,
    dueAt: sa.get(keys.HuiyingDueAt)?.toISOString() ?? null,
    overdue: sa.get(keys.HuiyingOverdue) ?? false,
    redFlag: sa.get(keys.HuiyingRedFlag) ?? false,
    flags: sa.get(keys.HuiyingFlags) ?? [],
    satisfaction: oneOfOr<Satisfaction | null>(SATISFACTIONS, satisfaction, null),
    closedAt: sa.get(keys.HuiyingClosedAt)?.toISOString() ?? null,
    title: typeof title === 'string' ? title : '',
    status: info.status.name,
  };
}

/**
 * A search attribute read back as the domain type it was written from. Every case is started with all of them set
 * (temporal/start-case.ts), so the fallback only covers a workflow started some other way.
 */
function oneOfOr<T extends string | null>(values: readonly string[], value: string | undefined, fallback: T): T {
  return value !== undefined && values.includes(value) ? (value as T) : fallback;
}
