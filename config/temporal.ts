import path from 'node:path';

/** Settings shared by the worker and the API, from the environment (see README "Configuration"). */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  dataDir: string;
}

export const PROJECT_ROOT = path.resolve(__dirname, '..');

export function temporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  return {
    address: env.TEMPORAL_ADDRESS || 'localhost:7233',
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.HUIYING_TASK_QUEUE || 'huiying',
    dataDir: path.resolve(env.HUIYING_DATA_DIR || path.join(PROJECT_ROOT, 'data')),
  };
}
