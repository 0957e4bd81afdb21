import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { TemporalConfig } from '../config/temporal';

/**
 * The API's client module: one connection, one client, closed with the server. Every payload it sends is
 * encrypted and every payload it reads decrypted by the payload codec (config/keys.ts), the same the worker uses;
 * the codec endpoint for the Web UI (routes/codec.ts) decodes with this client's codec too.
 */
export async function connectClient(
  config: Pick<TemporalConfig, 'address' | 'namespace' | 'dataDir'>,
  codec: PayloadCodec,
): Promise<Client> {
  const connection = await Connection.connect({ address: config.address });
  return new Client({ connection, namespace: config.namespace, dataConverter: { payloadCodecs: [codec] } });
}
