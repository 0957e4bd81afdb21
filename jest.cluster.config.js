/**
 * `npm run test:cluster`: the end-to-end suite (test/e2e/) again, on one real Temporal cluster (the pinned server on
 * the run's PostgreSQL, started once by the global setup) instead of a dev server per file, each file in a namespace of
 * its own (test/support/test-temporal.ts); and the cluster's own tests (test/cluster/*.cluster-test.ts: two worker
 * processes with one killed under load, `npm start -- --cluster` itself), which `npm test` does not run.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/test/cluster/**/*.cluster-test.ts'],
  globalSetup: '<rootDir>/test/support/cluster-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/cluster-global-teardown.ts',
};
