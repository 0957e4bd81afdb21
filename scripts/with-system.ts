/**
 * What an operator's one-off command against a running system needs: the configuration, the read model's database
 * (migrated) and a Temporal client with the payload keys — opened, handed to `run`, and closed again.
 */
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { loadPayloadKeys } from '../config/keys';
import { embeddedUrl } from '../db/embedded';
import { migrate } from '../db/migrate';
import { createDb, type Db } from '../db/pool';
import { connectClient } from '../temporal/client';
import { EncryptionCodec } from '../temporal/payload-codec';

export type Config = ReturnType<typeof loadConfig>;

export async function withSystem(run: (system: { config: Config; client: Client; db: Db }) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const url = config.database.url ?? (await embeddedUrl(config.database.embedded!));
  await migrate(url);
  const keys = loadPayloadKeys({ dataDir: config.dataDir, production: config.production, ...config.payloadKeys });
  const client = await connectClient(config.temporal, new EncryptionCodec(keys));
  const db = createDb(url);
  try {
    await run({ config, client, db });
  } finally {
    await db.end();
    await client.connection.close();
  }
}
