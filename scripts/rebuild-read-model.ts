/**
 * `npm run read-model:rebuild`: fills the read model (PostgreSQL) from Temporal, the source of truth. Run it beside
 * a running system (`npm start`, or a worker: running cases are read by query); it is safe while cases move.
 */
import { ConfigError, loadConfig } from '../config';
import { loadPayloadKeys } from '../config/keys';
import { embeddedUrl } from '../db/embedded';
import { migrate } from '../db/migrate';
import { createDb } from '../db/pool';
import { connectClient } from '../temporal/client';
import { EncryptionCodec } from '../temporal/payload-codec';
import { rebuildReadModel } from '../temporal/rebuild-read-model';

async function main(): Promise<void> {
  const config = loadConfig();
  const url = config.database.url ?? (await embeddedUrl(config.database.embedded!));
  await migrate(url);
  const keys = loadPayloadKeys({ dataDir: config.dataDir, production: config.production, ...config.payloadKeys });
  const client = await connectClient(config.temporal, new EncryptionCodec(keys));
  const db = createDb(url);
  try {
    const started = Date.now();
    const report = await rebuildReadModel(client, db, { log: (line) => console.warn(line) });
    console.log(
      `read model rebuilt from ${config.temporal.address} (${config.temporal.namespace}): ${report.found} cases found, ` +
        `${report.written} rows written, ${report.skipped.length} skipped, in ${Date.now() - started} ms`,
    );
  } finally {
    await db.end();
    await client.connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
