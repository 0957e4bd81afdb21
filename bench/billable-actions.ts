/**
 * How many billable actions (Temporal Cloud's unit of price) one case costs. Runs cases on a time-skipping test
 * server with a real worker, fetches each history and counts, by category:
 *
 *   workflow started          1 per run
 *   activities                each activity task scheduled, plus its retries (the started event's attempt − 1)
 *   local activities          markers grouped by workflow task: all recorded in one task bill as one action
 *   timers                    each timer started (a `condition` with a timeout is one)
 *   search-attribute upserts  each UpsertWorkflowSearchAttributes event
 *   updates                   each update accepted (a refused one is billed too, but never reaches history;
 *                             this script sends none that are refused, and prints what it sent as a check)
 *   queries                   counted here, as the script makes them
 *
 * Case 1 is the happy path (register → assign → accept → submit → 3 approvals → satisfied). Case 2 is assigned,
 * accepted and left alone until overdue and red-flagged. Prints figures, asserts nothing.
 *
 *   npx tsx bench/billable-actions.ts      (or npm run bench:actions)
 */
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { CaseState } from '../domain/case';
import { searchAttributesOf, skipTo } from '../test/deadlines/helpers';
import { HOUSING, levelReviewers, people } from '../test/support/personas';
import { act, getCase, startCase, startHarness, type CaseHandle, type Harness } from '../test/workflows/helpers';

const EventType = temporal.api.enums.v1.EventType;
/** The marker the SDK core records for each local activity result. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
/** A Monday morning in Shanghai with no holiday near, so the figures do not depend on the day the script runs. */
const START_AT = '2026-11-09T01:55:00Z';
const FIRST_CASE_AT = '2026-11-09T02:00:00Z';

interface Usage {
  updatesSent: number;
  queries: number;
}

interface Row {
  category: string;
  count: number;
  note: string;
}

function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(String(value));
}

/** Billable actions in one history, by category. */
function countActions(history: temporal.api.history.v1.IHistory, usage: Usage): { rows: Row[]; events: number } {
  const events = history.events ?? [];
  const of = (type: number) => events.filter((e) => e.eventType === type);

  const lastAttempt = new Map<number, number>();
  for (const e of of(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)) {
    const a = e.activityTaskStartedEventAttributes!;
    lastAttempt.set(num(a.scheduledEventId), Math.max(1, num(a.attempt)));
  }
  const scheduled = of(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  const retries = scheduled.reduce((sum, e) => sum + (lastAttempt.get(num(e.eventId)) ?? 1) - 1, 0);

  const markers = of(EventType.EVENT_TYPE_MARKER_RECORDED).filter(
    (e) => e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER,
  );
  const markerTasks = new Set(markers.map((e) => num(e.markerRecordedEventAttributes!.workflowTaskCompletedEventId)));

  const accepted = of(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length;
  const rows: Row[] = [
    { category: 'workflow started', count: of(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).length, note: '' },
    { category: 'activities (notify)', count: scheduled.length + retries, note: `${scheduled.length} scheduled + ${retries} retries` },
    {
      category: 'local activities (planDeadlines, recordCase)',
      count: markerTasks.size,
      note: `${markers.length} markers in ${markerTasks.size} workflow tasks`,
    },
    {
      category: 'timers',
      count: of(EventType.EVENT_TYPE_TIMER_STARTED).length,
      note: `${of(EventType.EVENT_TYPE_TIMER_FIRED).length} fired, ${of(EventType.EVENT_TYPE_TIMER_CANCELED).length} cancelled`,
    },
    { category: 'search-attribute upserts', count: of(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES).length, note: '' },
    { category: 'updates', count: accepted, note: `${accepted} accepted in history; ${usage.updatesSent} sent by the script` },
    { category: 'signals', count: of(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length, note: '' },
    { category: 'queries (by the script)', count: usage.queries, note: '' },
  ];
  return { rows, events: events.length };
}

function printTable(title: string, rows: Row[], events: number): number {
  const total = rows.reduce((sum, r) => sum + r.count, 0);
  const width = Math.max(...rows.map((r) => r.category.length), 'total'.length);
  console.log(`\n${title}`);
  console.log(`  ${'category'.padEnd(width)}  actions  detail`);
  console.log(`  ${'-'.repeat(width)}  -------  ------`);
  for (const r of rows) console.log(`  ${r.category.padEnd(width)}  ${String(r.count).padStart(7)}  ${r.note}`);
  console.log(`  ${'-'.repeat(width)}  -------`);
  console.log(`  ${'total'.padEnd(width)}  ${String(total).padStart(7)}  (history: ${events} events)`);
  return total;
}

/** Waits (describe, which is not billed) until the run is in the given state with no activity in flight. */
async function settled(handle: WorkflowHandle, done: (sa: Record<string, unknown>, status: string) => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const d = await handle.describe();
    const sa = await searchAttributesOf(handle as CaseHandle);
    if (done(sa, d.status.name) && (d.raw.pendingActivities ?? []).length === 0) return;
    if (Date.now() > deadline) throw new Error(`${handle.workflowId} did not settle: ${d.status.name} ${JSON.stringify(sa)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function happyPath(h: Harness): Promise<number> {
  const usage: Usage = { updatesSent: 0, queries: 0 };
  const step = async <T>(p: Promise<T>): Promise<T> => {
    usage.updatesSent += 1;
    return p;
  };
  const { handle } = await startCase(h, { type: 'complaint', title: '计费基准：楼道灯不亮' });
  await step(act(handle, 'assign', people.dispatcher, { unit: HOUSING }));
  await step(act(handle, 'accept', people.housingHandler, {}));
  await step(act(handle, 'submit', people.housingHandler, { result: '已更换楼道灯' }));
  for (const level of [1, 2, 3] as const) await step(act(handle, 'review', levelReviewers[level], { level, decision: 'approve' }));
  await step(act(handle, 'callback', people.operator, { result: 'satisfied' }));
  // Not handle.result(): in this environment it unlocks time skipping. A closed case stays open to a
  // spot-check for 60 days (one more timer), then is archived.
  await settled(handle, (sa) => sa.HuiyingStage === 'closed');
  const { closedAt } = await getCase(handle);
  await skipTo(h, new Date(Date.parse(closedAt!) + 61 * 86_400_000).toISOString());
  await settled(handle, (_sa, status) => status === 'COMPLETED');
  usage.queries += 1;
  const final: CaseState = await getCase(handle);
  const { rows, events } = countActions(await handle.fetchHistory(), usage);
  return printTable(`Case 1: happy path, ${final.stage} (register → assign → accept → submit → 3 approvals → satisfied)`, rows, events);
}

async function leftUntilRedFlag(h: Harness): Promise<number> {
  const usage: Usage = { updatesSent: 0, queries: 0 };
  const { handle } = await startCase(h, { type: 'complaint', title: '计费基准：无人办理' });
  await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
  const accepted = await act(handle, 'accept', people.housingHandler, {});
  usage.updatesSent += 2;
  const { redFlagAt } = accepted.deadlines.handling!;
  await skipTo(h, new Date(Date.parse(redFlagAt) + 60_000).toISOString());
  await settled(handle, (sa) => sa.HuiyingRedFlag === true);
  usage.queries += 1;
  const state = await getCase(handle);
  const milestones = state.timeline
    .filter((e) => e.by.id === 'system')
    .map((e) => e.action)
    .join(', ');
  const { rows, events } = countActions(await handle.fetchHistory(), usage);
  return printTable(`Case 2: assigned, accepted, then left alone (still running; ${milestones})`, rows, events);
}

async function main(): Promise<void> {
  process.stderr.write('bundling workflows ...\n');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '..', 'workflows', 'index.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => process.stderr.write(`${m}\n`), log() {} },
  });
  const h = await startHarness({ startAt: START_AT, workflowBundle: { code } });
  try {
    await skipTo(h, FIRST_CASE_AT);
    console.log(`Billable actions per case (time-skipping server, clock from ${START_AT}, default limits)`);
    const first = await happyPath(h);
    const second = await leftUntilRedFlag(h);
    console.log(`\nSummary: happy path ${first} actions; overdue + red flag case ${second} actions so far.`);
  } finally {
    await h.teardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
