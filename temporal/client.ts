import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { dataConverter } from './data-converter';

export interface ClientSettings {
  address: string;
  namespace: string;
}

/**
 * One connection, one client, closed by whoever opened it (the API on shutdown, the worker after `run`). Every
 * payload it sends is encrypted and every payload it reads decrypted by `codec`, the same the worker uses; the
 * codec endpoint for the Web UI (api/routes/codec.ts) decodes with this client's codec too.
 */
export async function connectClient(settings: ClientSettings, codec: PayloadCodec): Promise<Client> {
  const connection = await Connection.connect({ address: settings.address });
  return new Client({ connection, namespace: settings.namespace, dataConverter: dataConverter(codec) });
}
