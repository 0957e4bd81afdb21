/**
 * Reruns test/unit/calendar.test.ts in child processes whose TZ is far from Shanghai. Setting process.env.TZ
 * inside a Jest worker is unreliable (the sandbox's env is a copy, and Date may already have been used), so
 * each zone gets a fresh Jest, and a probe child started with the same environment proves the zone takes effect.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const jestBin = require.resolve('jest/bin/jest');

interface JestJsonReport {
  numFailedTests: number;
  numPassedTests: number;
  testResults: { assertionResults: { title: string; status: string }[] }[];
}

// New York is west of UTC (where chinese-days' own helpers go wrong); Kiritimati is UTC+14, east of Shanghai.
test.each([
  ['America/New_York', 300],
  ['Pacific/Kiritimati', -840],
])('calendar tests pass under TZ=%s', (timeZone, offsetMinutes) => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TZ: timeZone,
  };
  delete env.JEST_WORKER_ID;
  // Proof that the zone takes effect in a child started with this environment (the jest child below gets the same).
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      'process.stdout.write(JSON.stringify([Intl.DateTimeFormat().resolvedOptions().timeZone, new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset()]))',
    ],
    { env, encoding: 'utf8' },
  );
  expect(JSON.parse(probe.stdout)).toEqual([timeZone, offsetMinutes]);
  const child = spawnSync(
    process.execPath,
    // The unit tests' own configuration: no globalSetup, no Temporal binaries, no workflow bundle.
    [jestBin, '--ci', '--json', '--config', 'jest.unit.config.js', '--runTestsByPath', 'test/unit/calendar.test.ts'],
    { cwd: root, env, encoding: 'utf8', timeout: 110_000 },
  );
  if (child.status !== 0) throw new Error(`jest under TZ=${timeZone} failed:\n${child.stderr}`);

  const report = JSON.parse(child.stdout) as JestJsonReport;
  const results = report.testResults.flatMap((file) => file.assertionResults);
  expect(report.numFailedTests).toBe(0);
  expect(report.numPassedTests).toBeGreaterThan(30);
  expect(results.every((r) => r.status === 'passed')).toBe(true);
});
