/**
 * Billable actions (Temporal Cloud's unit of price) counted from real histories, whatever the workflow does: every
 * run of a workflow id (continue-as-new, or a later start of the same id) is fetched and counted by category.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;
type History = temporal.api.history.v1.IHistory;
/** The marker the SDK core records for each local activity result. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
/** Set by `patched()`; Temporal Cloud does not bill an upsert that sets only this. */
const CHANGE_VERSION = 'TemporalChangeVersion';

export interface Usage {
  /** Updates the bench sent (HTTP actions that answered 2xx). */
  updatesSent: number;
  /** Queries the bench caused (GET /cases/:id). */
  queries: number;
}

export interface Row {
  category: string;
  count: number;
  note: string;
  /** Shown, not part of the total. */
  billable: boolean;
}

export interface Count {
  rows: Row[];
  total: number;
  events: number;
  runs: number;
}

function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(String(value));
}

/** Describes the current run without decoding anything (memo and search attributes may be encrypted or typed). */
export function describeRaw(
  client: Client,
  workflowId: string,
): Promise<temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse> {
  return client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId } });
}

export function isRunning(d: temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse): boolean {
  return d.workflowExecutionInfo?.status === temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
}

/** The run ids of `workflowId`, oldest first: from visibility where the server has it, and from continue-as-new links. */
export async function runsOf(client: Client, workflowId: string): Promise<string[]> {
  const runs = new Map<string, number>();
  const { namespace } = client.options;
  try {
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await client.workflowService.listWorkflowExecutions({ namespace, query: `WorkflowId = '${workflowId}'`, nextPageToken });
      for (const w of page.executions ?? []) runs.set(w.execution!.runId!, num(w.startTime?.seconds) * 1000);
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
  } catch {
    // The time-skipping test server has no visibility queries: the chain below finds continue-as-new runs.
  }
  let runId: string | undefined = (await describeRaw(client, workflowId)).workflowExecutionInfo?.execution?.runId ?? undefined;
  while (runId) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const started: temporal.api.history.v1.IHistoryEvent | undefined = history.events?.[0];
    runs.set(runId, runs.get(runId) ?? num(started?.eventTime?.seconds) * 1000);
    const previous: string | null | undefined = started?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    runId = previous && !runs.has(previous) ? previous : undefined;
  }
  return [...runs].sort(([, a], [, b]) => a - b).map(([id]) => id);
}

export async function historiesOf(client: Client, workflowId: string): Promise<History[]> {
  const runs = await runsOf(client, workflowId);
  return Promise.all(runs.map((runId) => client.workflow.getHandle(workflowId, runId).fetchHistory()));
}

/**
 * Waits (describe, which is not billed) until the workflow's current run has closed, or has no workflow task and no
 * activity pending and its history has not grown for a while.
 */
export async function settled(client: Client, workflowId: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let quietPolls = 0;
  for (;;) {
    const d = await describeRaw(client, workflowId);
    if (!isRunning(d)) return;
    const length = num(d.workflowExecutionInfo?.historyLength);
    const busy = (d.pendingActivities ?? []).length > 0 || d.pendingWorkflowTask != null;
    quietPolls = !busy && length === last ? quietPolls + 1 : 0;
    if (quietPolls >= 2) return;
    last = length;
    if (Date.now() > deadline) throw new Error(`${workflowId} did not settle within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Billable actions in the histories of one workflow id, by category. */
export function countActions(histories: History[], usage: Usage): Count {
  const events = histories.flatMap((h) => h.events ?? []);
  const of = (type: number) => events.filter((e) => e.eventType === type);

  let retries = 0;
  let scheduled = 0;
  let markers = 0;
  let markerTasks = 0;
  for (const h of histories) {
    // Event ids are per run: retries and marker groups are counted within each.
    const inRun = h.events ?? [];
    const lastAttempt = new Map<number, number>();
    for (const e of inRun.filter((x) => x.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)) {
      const a = e.activityTaskStartedEventAttributes!;
      lastAttempt.set(num(a.scheduledEventId), Math.max(1, num(a.attempt)));
    }
    const sched = inRun.filter((x) => x.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    scheduled += sched.length;
    retries += sched.reduce((sum, e) => sum + (lastAttempt.get(num(e.eventId)) ?? 1) - 1, 0);
    const local = inRun.filter(
      (x) => x.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && x.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER,
    );
    markers += local.length;
    markerTasks += new Set(local.map((e) => num(e.markerRecordedEventAttributes!.workflowTaskCompletedEventId))).size;
  }

  const upserts = of(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
  const changeVersionOnly = upserts.filter((e) => {
    const keys = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
    return keys.length > 0 && keys.every((k) => k === CHANGE_VERSION);
  }).length;
  const accepted = of(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length;
  const timersStarted = of(EventType.EVENT_TYPE_TIMER_STARTED).length;
  const continued = of(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW).length;

  const rows: Row[] = [
    {
      category: 'workflow started',
      count: of(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).length,
      note: `${histories.length} run(s)${continued ? `, ${continued} continue-as-new` : ''}`,
      billable: true,
    },
    { category: 'activities', count: scheduled + retries, note: `${scheduled} scheduled + ${retries} retries`, billable: true },
    {
      category: 'local-activity workflow tasks',
      count: markerTasks,
      note: `${markers} markers in ${markerTasks} workflow tasks`,
      billable: true,
    },
    {
      category: 'timers started',
      count: timersStarted,
      note: `${of(EventType.EVENT_TYPE_TIMER_FIRED).length} fired, ${of(EventType.EVENT_TYPE_TIMER_CANCELED).length} cancelled`,
      billable: true,
    },
    {
      category: 'search-attribute upserts',
      count: upserts.length - changeVersionOnly,
      note: `${upserts.length} in history, ${changeVersionOnly} setting only ${CHANGE_VERSION} (not billed)`,
      billable: true,
    },
    { category: 'updates accepted', count: accepted, note: `${usage.updatesSent} sent by the bench`, billable: true },
    { category: 'signals', count: of(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length, note: '', billable: true },
    { category: 'queries (by the bench)', count: usage.queries, note: 'GET /cases/:id', billable: true },
    {
      category: 'workflow tasks completed',
      count: of(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length,
      note: 'not billed; for comparison',
      billable: false,
    },
  ];
  const total = rows.filter((r) => r.billable).reduce((sum, r) => sum + r.count, 0);
  return { rows, total, events: events.length, runs: histories.length };
}

export function printCount(title: string, c: Count): void {
  const width = Math.max(...c.rows.map((r) => r.category.length), 'total'.length);
  console.log(`\n${title}`);
  console.log(`  ${'category'.padEnd(width)}  actions  detail`);
  console.log(`  ${'-'.repeat(width)}  -------  ------`);
  for (const r of c.rows.filter((x) => x.billable)) console.log(`  ${r.category.padEnd(width)}  ${String(r.count).padStart(7)}  ${r.note}`);
  console.log(`  ${'-'.repeat(width)}  -------`);
  console.log(`  ${'total'.padEnd(width)}  ${String(c.total).padStart(7)}  (${c.events} events in ${c.runs} run(s))`);
  for (const r of c.rows.filter((x) => !x.billable))
    console.log(`  ${r.category.padEnd(width)}  ${String(r.count).padStart(7)}  ${r.note}`);
}
