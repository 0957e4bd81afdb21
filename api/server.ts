import type { Server } from 'node:http';
import { temporalConfig } from '../config/temporal';
import { createApp } from './app';
import { resolveJwtSecret } from './jwt-secret';
import { calendarFromEnv } from '../config/calendar';
import { limitsFromEnv } from '../config/limits';
import { connectClient } from '../temporal/client';
import { payloadCodecFromEnv } from '../config/keys';
import { unitDirectoryFromEnv } from '../config/units';

/** API entry point (`npm run api`; `npm start` runs it for you). */
async function main(): Promise<void> {
  const config = temporalConfig();
  const port = Number(process.env.PORT || 3000);
  const client = await connectClient(config, payloadCodecFromEnv({ dataDir: config.dataDir }));
  const app = createApp({
    client,
    taskQueue: config.taskQueue,
    jwtSecret: resolveJwtSecret({ dataDir: config.dataDir, createIfMissing: false }),
    units: unitDirectoryFromEnv(),
    ledgerPrefix: process.env.HUIYING_LEDGER_PREFIX || 'LZ',
    calendar: calendarFromEnv(),
    limits: limitsFromEnv(),
  });
  const server: Server = app.listen(port, '0.0.0.0', () => console.log(`API listening on http://localhost:${port}`));
  const stop = () => {
    server.close(() => void client.connection.close().then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
