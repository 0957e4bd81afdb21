import { Client, Connection } from '@temporalio/client';
import type { TemporalConfig } from '../config/temporal';

/** The API's client module: one connection, one client, closed with the server. */
export async function connectClient(config: Pick<TemporalConfig, 'address' | 'namespace'>): Promise<Client> {
  const connection = await Connection.connect({ address: config.address });
  return new Client({ connection, namespace: config.namespace });
}
