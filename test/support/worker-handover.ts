/**
 * Who ran the cases' workflow tasks, read from their histories: each WorkflowTaskStarted names its worker
 * (`<pid>@<host>`, the SDK's default identity). Around a killed worker this says whether both workers shared the work
 * before the kill, which tasks the dead worker took down with it (timed out: never started elsewhere, or started and
 * never completed), and how long each such case waited, from the kill, for another worker to start its next task.
 * A task can even be handed to the dead worker after its death (its last poll is still open on the server's side): it
 * is started in its name and times out like the others.
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;

export interface Handover {
  /** Workflow tasks started by each worker identity before the kill. */
  before: Map<string, number>;
  /** The same after the kill. */
  after: Map<string, number>;
  /** Workflow tasks completed by each worker identity after the kill. */
  completedAfter: Map<string, number>;
  /** Cases whose task timed out after the kill (lost with the dead worker), and how long each waited from the kill. */
  stranded: { caseId: string; waitedMs: number }[];
}

export async function handoverOf(client: Client, caseIds: readonly string[], killedAt: number): Promise<Handover> {
  const before = new Map<string, number>();
  const after = new Map<string, number>();
  const completedAfter = new Map<string, number>();
  const stranded: Handover['stranded'] = [];
  for (const caseId of caseIds) {
    const history = await client.workflow.getHandle(`case-${caseId}`).fetchHistory();
    const events = history.events ?? [];
    let timedOutAfterKill = false;
    let waitedMs: number | undefined;
    for (const e of events) {
      const at = tsToMs(e.eventTime);
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        const identity = e.workflowTaskStartedEventAttributes?.identity ?? '?';
        const counts = at < killedAt ? before : after;
        counts.set(identity, (counts.get(identity) ?? 0) + 1);
        if (timedOutAfterKill && waitedMs === undefined) waitedMs = at - killedAt;
      }
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && at >= killedAt) {
        const identity = e.workflowTaskCompletedEventAttributes?.identity ?? '?';
        completedAfter.set(identity, (completedAfter.get(identity) ?? 0) + 1);
      }
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT && at >= killedAt) timedOutAfterKill = true;
    }
    if (timedOutAfterKill) stranded.push({ caseId, waitedMs: waitedMs ?? NaN });
  }
  return { before, after, completedAfter, stranded };
}
