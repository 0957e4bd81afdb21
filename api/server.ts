import type { Server } from 'node:http';
import { temporalConfig } from '../worker/config';
import { createApp } from './app';
import { resolveJwtSecret } from './jwt-secret';
import { connectClient } from './temporal-client';
import { unitDirectoryFromEnv } from './unit-directory';

/** API entry point (`npm run api`; `npm start` runs it for you). */
async function main(): Promise<void> {
  const config = temporalConfig();
  const port = Number(process.env.PORT || 3000);
  const client = await connectClient(config);
  const app = createApp({
    client,
    taskQueue: config.taskQueue,
    jwtSecret: resolveJwtSecret({ dataDir: config.dataDir, createIfMissing: false }),
    units: unitDirectoryFromEnv(),
    ledgerPrefix: process.env.HUIYING_LEDGER_PREFIX || 'LZ',
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
