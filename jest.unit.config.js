/**
 * `npm run test:unit`: the tests that need no Temporal server (test/unit/), without the main configuration's
 * globalSetup (no Temporal binaries, no workflow bundle), so they run in seconds. `npm test` runs them too, with
 * everything else (jest.config.js covers all of test/).
 * @type {import('jest').Config}
 */
const { globalSetup: _setup, globalTeardown: _teardown, ...base } = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/unit'],
  testTimeout: 60_000,
};
