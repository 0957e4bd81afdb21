import { NativeConnection } from '@temporalio/worker';
import { connectClient } from '../temporal/client';
import { EncryptionCodec } from '../temporal/payload-codec';
import { calendarFromEnv } from '../config/calendar';
import { payloadKeysFromEnv } from '../config/keys';
import { limitsFromEnv } from '../config/limits';
import { temporalConfig } from '../config/temporal';
import { createWorker } from './create-worker';
import { notifierFromEnv } from './notifier-from-env';
import { ensureSpotCheckSchedule } from './spot-check-schedule';

/** Worker entry point (`npm run worker`; `npm start` runs it for you). */
async function main(): Promise<void> {
  const config = temporalConfig();
  // Before connecting: without keys (production) the worker must not start at all.
  const keys = payloadKeysFromEnv({ dataDir: config.dataDir });
  const payloadCodec = new EncryptionCodec(keys);
  const connection = await NativeConnection.connect({ address: config.address });
  // A plain client as well: activities query visibility, and the spot-check schedule is kept here.
  const client = await connectClient(config, payloadCodec);
  try {
    const notifier = notifierFromEnv(config.dataDir);
    const calendar = calendarFromEnv();
    const limits = limitsFromEnv();
    const worker = await createWorker({ connection, namespace: config.namespace, taskQueue: config.taskQueue, notifier, calendar, limits, client, payloadCodec });
    await ensureSpotCheckSchedule(client, config.taskQueue, limits.spotCheck);
    const uncovered = [0, 1].map((ahead) => new Date().getUTCFullYear() + ahead).filter((y) => !calendar.isCovered(y));
    if (uncovered.length > 0) console.warn(`holiday schedule unknown for ${uncovered.join(', ')}: deadlines there fall back to Monday–Friday and are marked provisional (add a county calendar file: config/calendars/README.md)`);
    console.log(`worker polling task queue '${config.taskQueue}' on ${config.address} (notifications: ${notifier.name}; spot-checks: every ${limits.spotCheck.period}; payloads encrypted with key '${keys.currentKeyId}' from ${keys.source})`);
    await worker.run(); // the SDK stops the worker gracefully on SIGINT/SIGTERM
  } finally {
    await client.connection.close();
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
