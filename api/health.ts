import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Router } from 'express';
import type { Db } from '../db/pool';
import { databaseProbe, readinessCheck, temporalProbe } from '../observability/readiness';
import { authorize } from './auth';

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

/**
 * Liveness and readiness for an orchestrator, public as /health and before the rate limits (which count in the
 * database: a probe must not fail because of what it probes). `/health/live`: the process answers. `/health/ready`:
 * the read model's database and Temporal answer (200), or 503 naming which does not; answers are reused for a second
 * (observability/readiness.ts). `/health` still says whether a worker polls.
 */
export function healthRoutes(deps: { client: Client; db: Db }): Router {
  const ready = readinessCheck({ database: databaseProbe(deps.db), temporal: temporalProbe(deps.client) });
  const router = Router();
  router.get('/health/live', authorize('GET /health/live'), (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/health/ready', authorize('GET /health/ready'), async (_req, res) => {
    const readiness = await ready();
    res.status(readiness.ok ? 200 : 503).json(readiness);
  });
  return router;
}
