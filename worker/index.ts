import { NativeConnection } from '@temporalio/worker';
import { connectClient } from '../temporal/client';
import { EncryptionCodec } from '../temporal/payload-codec';
import { ConfigError, loadConfig } from '../config';
import { loadCalendar } from '../config/calendar';
import { loadPayloadKeys } from '../config/keys';
import { loadLimits } from '../config/limits';
import { openDb } from '../db/pool';
import { caseSignaller, startCalendarSweep } from './calendar-sweep';
import { createWorker } from './create-worker';
import { notifierFrom } from './notifier-from-config';
import { configureLogging, log } from '../observability/logger';
import { startWorkerProbes, type WorkerProbes } from './probes';
import { installRuntime } from './telemetry';
import { ensureSpotCheckSchedule } from './spot-check-schedule';

/** Worker entry point (`npm run worker`; `npm start` runs it for you). */
async function main(): Promise<void> {
  const settings = loadConfig();
  configureLogging({ service: 'worker', level: settings.log.level, secrets: settings.logSecrets });
  const config = { ...settings.temporal, dataDir: settings.dataDir };
  // Before connecting: without keys (production) the worker must not start at all.
  const keys = loadPayloadKeys({ dataDir: config.dataDir, production: settings.production, ...settings.payloadKeys });
  const payloadCodec = new EncryptionCodec(keys);
  const db = openDb(settings.database.url, 'the worker');
  // Before anything starts the SDK's runtime: its entries as our JSON lines, its metrics exporter (telemetry.ts).
  const { workerPort, host } = settings.metrics;
  const { sdkMetricsUrl } = await installRuntime(log(), { sdkMetrics: workerPort !== undefined });
  const connection = await NativeConnection.connect({ address: config.address });
  // A plain client as well: the spot-check schedule is kept here.
  const client = await connectClient(config, payloadCodec);
  let probes: WorkerProbes | undefined;
  try {
    // Live at once; ready once the worker runs (bundling its workflows takes seconds). None when the port is off.
    if (workerPort !== undefined && sdkMetricsUrl !== undefined)
      probes = await startWorkerProbes({ host, port: workerPort, sdkMetricsUrl, client, db });
    if (probes) log().info(`metrics and health for a scraper on ${probes.url}/metrics, ${probes.url}/health/ready`);
    const notifier = notifierFrom(settings, { keys, db });
    const calendar = loadCalendar(settings.files.calendars);
    const limits = loadLimits(settings.files.limits);
    const worker = await createWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      notifier,
      calendar,
      limits,
      payloadCodec,
      db,
      temporal: { client, taskQueue: config.taskQueue },
      cachedCases: settings.worker.cachedCases,
    });
    probes?.setWorker(worker);
    await ensureSpotCheckSchedule(client, config.taskQueue, limits.spotCheck);
    const uncovered = [0, 1].map((ahead) => new Date().getUTCFullYear() + ahead).filter((y) => !calendar.isCovered(y));
    if (uncovered.length > 0)
      log().warn(
        `holiday schedule unknown for ${uncovered.join(', ')}: deadlines there fall back to Monday–Friday and are marked provisional (add a county calendar file: config/calendars/README.md)`,
      );
    log().info(
      `worker polling task queue '${config.taskQueue}' on ${config.address} (notifications: ${notifier.name}; spot-checks: every ${limits.spotCheck.period}; payloads encrypted with key '${keys.currentKeyId}' from ${keys.source})`,
    );
    // A year newly covered by the calendar reaches the open cases whose deadlines were provisional (calendar-sweep.ts).
    const sweep = startCalendarSweep({ db, calendar, signalCase: caseSignaller(client) }, (line, err) =>
      err === undefined ? log().info(line) : log().warn({ err }, line),
    );
    try {
      await worker.run(); // the SDK stops the worker gracefully on SIGINT/SIGTERM
    } finally {
      await sweep.stop();
    }
  } finally {
    await probes?.close();
    await client.connection.close();
    await connection.close();
    await db.end();
  }
}

main().catch((err) => {
  // A configuration problem is the operator's to fix: its message says what, a stack trace would only bury it.
  // Anything else is one redacted line and a few frames, as every other worker log line (no object dump).
  if (err instanceof ConfigError) log().fatal(err.message);
  else log().fatal({ err }, 'worker stopped');
  process.exit(1);
});
