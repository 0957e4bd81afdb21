/**
 * `npm run read-model:rebuild`: fills the read model (PostgreSQL) from Temporal, the source of truth. Run it beside
 * a running system (`npm start`, or a worker: running cases are read by query); it is safe while cases move.
 */
import { ConfigError } from '../config';
import { rebuildReadModel } from '../temporal/rebuild-read-model';
import { withSystem } from './with-system';

function main(): Promise<void> {
  return withSystem(async ({ config, client, db }) => {
    const started = Date.now();
    const report = await rebuildReadModel(client, db, { log: (line) => console.warn(line) });
    console.log(
      `read model rebuilt from ${config.temporal.address} (${config.temporal.namespace}): ${report.found} cases found, ` +
        `${report.written} rows written, ${report.skipped.length} skipped, in ${Date.now() - started} ms`,
    );
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
