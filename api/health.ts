import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export interface Health {
  ok: boolean;
  api: 'ok';
  temporal: 'ok' | string;
  worker: 'ok' | string;
}

/** Healthy when Temporal answers and a worker has polled the task queue within the last minute. */
export async function checkHealth(client: Client, taskQueue: string): Promise<Health> {
  let temporalStatus = 'ok';
  let workerStatus = 'ok';
  try {
    await client.workflowService.getSystemInfo({});
    const described = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    const recent = (described.pollers ?? []).some((p) => {
      const seconds = Number(p.lastAccessTime?.seconds ?? 0);
      return Date.now() / 1000 - seconds < 60;
    });
    if (!recent) workerStatus = `no worker polling task queue '${taskQueue}'`;
  } catch (err) {
    temporalStatus = `unreachable: ${(err as Error).message}`;
    workerStatus = 'unknown';
  }
  return { ok: temporalStatus === 'ok' && workerStatus === 'ok', api: 'ok', temporal: temporalStatus, worker: workerStatus };
}
