import type { Server } from 'node:http';
import { EncryptionCodec } from '../temporal/payload-codec';
import { loadCalendar } from '../config/calendar';
import { ConfigError, loadConfig } from '../config';
import { loadPayloadKeys } from '../config/keys';
import { loadLimits } from '../config/limits';
import { loadUnitDirectory } from '../config/units';
import { openDb } from '../db/pool';
import { createApp } from './app';
import { createBlobStore } from './blobs';
import { startIntakeSweeper } from './intake';
import { resolveJwtSecret } from './jwt-secret';
import { connectClient } from '../temporal/client';

/** API entry point (`npm run api`; `npm start` runs it for you). */
async function main(): Promise<void> {
  const config = loadConfig();
  const { dataDir } = config;
  const keys = loadPayloadKeys({ dataDir, production: config.production, ...config.payloadKeys });
  const db = openDb(config.database.url, 'the API');
  const blobs = createBlobStore(config.blobs, keys);
  console.log(`attachments: ${blobs.description}`);
  // A person waits on every call: Temporal's "over a limit" becomes a 503 at once, not after the SDK's 35 s of retries.
  const client = await connectClient(config.temporal, new EncryptionCodec(keys), { retries: 'interactive' });
  const app = createApp({
    client,
    db,
    taskQueue: config.temporal.taskQueue,
    jwtSecret: resolveJwtSecret({ secret: config.jwtSecret, dataDir, createIfMissing: false }),
    units: loadUnitDirectory(config.files.units),
    ledgerPrefix: config.api.ledgerPrefix,
    calendar: loadCalendar(config.files.calendars),
    limits: loadLimits(config.files.limits),
    blobs,
    attachmentLimits: config.attachments,
    dataDir,
    auth: config.auth,
    rateLimits: config.api.rateLimits,
    publicAccess: config.api.publicAccess,
    trustProxy: config.api.trustProxy,
    uiOrigins: config.api.uiOrigins,
    devLogin: config.api.devLogin,
    sso: config.api.sso,
    logSecrets: config.logSecrets,
  });
  // Starts the case of any intake whose API call failed after its ledger number was handed out (api/intake.ts).
  const stopSweeper = startIntakeSweeper({ client, db, taskQueue: config.temporal.taskQueue }, config.api.intakeSweep);
  const port = config.api.port;
  const server: Server = app.listen(port, '0.0.0.0', () => console.log(`API listening on http://localhost:${port}`));
  const stop = () => {
    server.close(() => void stopSweeper().then(() => Promise.all([client.connection.close(), db.end()]).then(() => process.exit(0))));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  // A configuration problem is the operator's to fix: its message says what, a stack trace would only bury it.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
