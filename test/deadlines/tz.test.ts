/**
 * The date-sensitive deadline files again, with the worker (and client) under TZ=America/New_York: west of UTC,
 * where a local-time slip shifts a Shanghai date by a day (chinese-days' own helpers do). The server keeps its own
 * clock and zone (UTC, see test/support/time-skipping.ts); workflow code and the deadline activity run in the
 * worker, which here is the child jest process.
 *
 * Setting TZ inside this jest process would not reliably take effect, so a fresh jest runs the files, plus
 * tz-rerun.check.ts, which proves the zone took effect there (its name keeps it out of the normal test run).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const jestBin = require.resolve('jest/bin/jest');
const FILES = ['test/deadlines/handling.test.ts', 'test/deadlines/stages.test.ts', 'test/deadlines/provisional.test.ts'];
const GUARD = 'test/deadlines/tz-rerun.check.ts';
const CHILD_TIMEOUT_MS = 280_000;

interface JestJsonReport {
  success: boolean;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
  testResults: { name: string; status: string; message: string; assertionResults: { title: string; status: string }[] }[];
}

/** Runs the files in a fresh jest; the JSON report goes to a file, as the SDK's native logger writes to stdout. */
async function runJest(env: NodeJS.ProcessEnv): Promise<{ code: number | null; report: string; output: string }> {
  const dir = await fs.mkdtemp(join(os.tmpdir(), 'huiying-tz-rerun-'));
  const reportFile = join(dir, 'report.json');
  const args = [
    jestBin,
    '--ci',
    '--runInBand',
    '--json',
    `--outputFile=${reportFile}`,
    '--runTestsByPath',
    ...FILES,
    GUARD,
    '--testMatch',
    '**/*.test.ts',
    '**/*.check.ts',
  ];
  try {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        process.execPath,
        args,
        { cwd: root, env, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, output: `${stdout}\n${stderr}` });
        },
      );
    });
    const report = await fs.readFile(reportFile, 'utf8').catch(() => '');
    return { code, report, output };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

test(
  'the deadline tests pass with the worker under TZ=America/New_York',
  async () => {
    const timeZone = 'America/New_York';
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TZ: timeZone,
      HUIYING_TEST_EXPECT_TZ: timeZone,
      // In October New York is on daylight time, UTC−4.
      HUIYING_TEST_EXPECT_OFFSET: '240',
    };
    delete env.JEST_WORKER_ID;
    const child = await runJest(env);

    let report: JestJsonReport;
    try {
      report = JSON.parse(child.report) as JestJsonReport;
    } catch {
      throw new Error(`jest under TZ=${timeZone} gave no JSON report (exit ${child.code}):\n${child.output.slice(-5000)}`);
    }
    const failures = report.testResults.filter((f) => f.status !== 'passed').map((f) => `${f.name}: ${f.message}`);
    if (failures.length > 0 || child.code !== 0)
      throw new Error(`jest under TZ=${timeZone} failed (exit ${child.code}):\n${failures.join('\n')}\n${child.output.slice(-3000)}`);

    expect(report).toMatchObject({ success: true, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numRuntimeErrorTestSuites: 0 });
    const byFile = new Map(report.testResults.map((f) => [f.name.slice(root.length + 1), f.assertionResults]));
    expect([...byFile.keys()].sort()).toEqual([...FILES, GUARD].sort());
    for (const [file, results] of byFile) {
      expect({ file, count: results.length > 0 }).toEqual({ file, count: true });
      expect({ file, statuses: [...new Set(results.map((r) => r.status))] }).toEqual({ file, statuses: ['passed'] });
    }
    expect(byFile.get(GUARD)!.map((r) => r.title)).toEqual(['this process runs in the time zone the TZ rerun asked for']);
  },
  CHILD_TIMEOUT_MS + 20_000,
);
