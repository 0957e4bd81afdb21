import type { Server } from 'node:http';
import { EncryptionCodec } from '../temporal/payload-codec';
import { loadCalendar } from '../config/calendar';
import { ConfigError, loadConfig } from '../config';
import { loadPayloadKeys } from '../config/keys';
import { loadLimits } from '../config/limits';
import { loadUnitDirectory } from '../config/units';
import { openDb } from '../db/pool';
import { configureLogging, log } from '../observability/logger';
import { startListener, type Listener } from '../observability/listener';
import { createApp } from './app';
import { createBlobStore } from './blobs';
import { startIntakeSweeper } from './intake';
import { resolveJwtSecret } from './jwt-secret';
import { createApiMetrics, metricsPage, type ApiMetrics } from './metrics';
import { connectClient } from '../temporal/client';

/** API entry point (`npm run api`; `npm start` runs it for you). */
async function main(): Promise<void> {
  const config = loadConfig();
  configureLogging({ service: 'api', level: config.log.level, secrets: config.logSecrets });
  const { dataDir } = config;
  const keys = loadPayloadKeys({ dataDir, production: config.production, ...config.payloadKeys });
  const db = openDb(config.database.url, 'the API');
  const blobs = createBlobStore(config.blobs, keys);
  log().info(`attachments: ${blobs.description}`);
  // A person waits on every call: Temporal's "over a limit" becomes a 503 at once, not after the SDK's 35 s of retries.
  const client = await connectClient(config.temporal, new EncryptionCodec(keys), { retries: 'interactive' });
  const metrics = createApiMetrics({ db });
  const metricsListener = await serveMetrics(metrics, config.metrics);
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
    metrics,
  });
  // Starts the case of any intake whose API call failed after its ledger number was handed out (api/intake.ts).
  const stopSweeper = startIntakeSweeper({ client, db, taskQueue: config.temporal.taskQueue }, config.api.intakeSweep);
  const port = config.api.port;
  const server: Server = app.listen(port, '0.0.0.0', () => log().info(`API listening on http://localhost:${port}`));
  const stop = () => {
    void metricsListener?.close();
    server.close(() => void stopSweeper().then(() => Promise.all([client.connection.close(), db.end()]).then(() => process.exit(0))));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The metrics listener for a scraper (HUIYING_METRICS_HOST, HUIYING_METRICS_PORT), unless its port is off. */
async function serveMetrics(metrics: ApiMetrics, settings: { host: string; apiPort?: number }): Promise<Listener | undefined> {
  if (settings.apiPort === undefined) return undefined;
  const listener = await startListener({
    host: settings.host,
    port: settings.apiPort,
    variable: 'HUIYING_METRICS_PORT',
    pages: { '/metrics': metricsPage(metrics) },
  });
  log().info({ url: `${listener.url}/metrics` }, `metrics for a scraper on ${listener.url}/metrics`);
  return listener;
}

main().catch((err) => {
  // A configuration problem is the operator's to fix: its message says what, a stack trace would only bury it.
  if (err instanceof ConfigError) log().fatal(err.message);
  else log().fatal({ err }, 'the API did not start');
  process.exit(1);
});
