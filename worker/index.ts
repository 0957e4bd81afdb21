import { NativeConnection } from '@temporalio/worker';
import { temporalConfig } from './config';
import { createWorker } from './create-worker';
import { notifierFromEnv } from './notifier-from-env';

/** Worker entry point (`npm run worker`; `npm start` runs it for you). */
async function main(): Promise<void> {
  const config = temporalConfig();
  const connection = await NativeConnection.connect({ address: config.address });
  try {
    const notifier = notifierFromEnv(config.dataDir);
    const worker = await createWorker({ connection, namespace: config.namespace, taskQueue: config.taskQueue, notifier });
    console.log(`worker polling task queue '${config.taskQueue}' on ${config.address} (notifications: ${notifier.name})`);
    await worker.run(); // the SDK stops the worker gracefully on SIGINT/SIGTERM
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
