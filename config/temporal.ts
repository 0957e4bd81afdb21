import type { Config } from './schema';

/** What a Temporal client needs (api/temporal-client.ts): `Config.temporal` and the data dir. */
export type TemporalConfig = Config['temporal'] & { dataDir: string };
