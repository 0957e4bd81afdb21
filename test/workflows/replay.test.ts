/**
 * Replay tests: histories recorded from real runs must replay against the current workflow code without a
 * DeterminismViolationError. The committed fixture is the guard for cases already running in production: if a
 * change to workflows/ or domain/ alters the commands a recorded case produces, this test fails, and the change
 * needs `patched()` (or a new workflow type) instead.
 *
 * Two fixtures: `full-case-history.json` is a case of the first workflow version (`caseWorkflow`, case-v1.ts),
 * frozen since no new case starts on it; `case-v2-history.json` is the same scenario on `caseWorkflowV2`. Re-record
 * the current one only for a deliberate, compatible change of the recorded scenario:
 *   RECORD_HISTORY=1 npx jest test/workflows/replay --runInBand   # then commit test/workflows/fixtures/
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { loadWorkflowBundle } from '../support/bundle';
import {
  act,
  approveAllLevels,
  assignAndAccept,
  type CaseHandle,
  historyFromJson,
  historyToJson,
  startCase,
  testDataConverter,
  useTimeSkipping,
} from './helpers';
import { people } from '../support/personas';

const FIXTURE = path.join(__dirname, 'fixtures', 'full-case-history.json');
const FIXTURE_V2 = path.join(__dirname, 'fixtures', 'case-v2-history.json');
const RECORDING = process.env.RECORD_HISTORY === '1';

const h = useTimeSkipping();

/** A case through every branch the workflow has today: a level-2 rejection, then a dissatisfied call-back and reopen. */
async function runFullCase(): Promise<CaseHandle> {
  const { handle } = await startCase(h, { title: '回放用例：小区路灯', citizen: { name: '回放测试', phone: '13800000000' } });
  await assignAndAccept(handle, people.housingHandler);
  await act(handle, 'progress', people.housingHandler, { note: '现场查看' });
  await act(handle, 'submit', people.housingHandler, { result: '已处理' });
  await act(handle, 'review', people.reviewer1, { level: 1, decision: 'approve' });
  await act(handle, 'review', people.reviewer2, { level: 2, decision: 'reject', comment: '缺少照片' });
  await act(handle, 'progress', people.housingHandler, { note: '补拍照片' });
  await act(handle, 'submit', people.housingHandler, { result: '已处理，附照片' });
  await approveAllLevels(handle);
  await act(handle, 'callback', people.operator, { result: 'dissatisfied', note: '又坏了' });
  await act(handle, 'submit', people.housingHandler, { result: '更换线路' });
  await approveAllLevels(handle);
  await act(handle, 'callback', people.operator, { result: 'satisfied' });
  const final = await handle.result();
  expect(final).toMatchObject({ stage: 'closed', reopenCount: 1, reviewRound: 3 });
  return handle;
}

/** Always a decoded History: given JSON, the SDK would parse it with its `historyFromJSON` (see helpers.ts). */
function replay(history: temporal.api.history.v1.IHistory): Promise<void> {
  return Worker.runReplayHistory({ workflowBundle: loadWorkflowBundle(), dataConverter: testDataConverter }, history);
}

type History = temporal.api.history.v1.IHistory;

function eventName(e: temporal.api.history.v1.IHistoryEvent): string {
  return Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]) ?? '';
}

/** The update names accepted in a history, in order. */
function acceptedUpdates(history: History): string[] {
  return (history.events ?? [])
    .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)
    .filter((n): n is string => !!n);
}

describe('replaying recorded histories', () => {
  test('a freshly recorded history replays (and becomes the fixture with RECORD_HISTORY=1)', async () => {
    const handle = await runFullCase();
    const history = await handle.fetchHistory();
    await expect(replay(history)).resolves.toBeUndefined();
    // Through JSON, as the fixture is stored.
    await expect(replay(historyFromJson(JSON.parse(historyToJson(history))))).resolves.toBeUndefined();
    if (RECORDING) {
      fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
      fs.writeFileSync(FIXTURE_V2, historyToJson(history));
    }
  });

  test('the committed caseWorkflowV2 fixture replays: the same scenario in one run', async () => {
    if (!fs.existsSync(FIXTURE_V2)) throw new Error(`${FIXTURE_V2} is missing; record it with RECORD_HISTORY=1 and commit it`);
    const history = historyFromJson(JSON.parse(fs.readFileSync(FIXTURE_V2, 'utf8')));
    const events = history.events ?? [];
    expect(events[0].workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('caseWorkflowV2');
    expect(eventName(events.at(-1)!)).toBe('workflowExecutionCompletedEventAttributes');
    expect(acceptedUpdates(history)).toHaveLength(17);
    await expect(replay(history)).resolves.toBeUndefined();
  });

  test('the committed first-version fixture replays against the current workflow code', async () => {
    if (!fs.existsSync(FIXTURE)) {
      throw new Error(`${FIXTURE} is missing; record it with RECORD_HISTORY=1 and commit it`);
    }
    const history = historyFromJson(JSON.parse(fs.readFileSync(FIXTURE, 'utf8')));

    // The fixture is the full scenario, not a stub: completed, with a rejection round and a reopen.
    const events = history.events ?? [];
    expect(eventName(events[0])).toBe('workflowExecutionStartedEventAttributes');
    expect(events[0].workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('caseWorkflow');
    expect(eventName(events.at(-1)!)).toBe('workflowExecutionCompletedEventAttributes');
    expect(acceptedUpdates(history)).toEqual([
      'assign',
      'accept',
      'progress',
      'submit',
      'review',
      'review',
      'progress',
      'submit',
      'review',
      'review',
      'review',
      'callback',
      'submit',
      'review',
      'review',
      'review',
      'callback',
    ]);
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes).length).toBeGreaterThanOrEqual(12);

    await expect(replay(history)).resolves.toBeUndefined();
  });

  test('the fixtures are tracked by git, so replay guards what was committed', () => {
    if (RECORDING) return;
    let tracked: boolean;
    try {
      for (const f of [FIXTURE, FIXTURE_V2]) execFileSync('git', ['ls-files', '--error-unmatch', f], { cwd: __dirname, stdio: 'ignore' });
      tracked = true;
    } catch (err) {
      // No git, or not a work tree (e.g. an exported tarball): nothing to check.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || !isGitWorkTree()) return;
      tracked = false;
    }
    expect(tracked).toBe(true);
  });

  test('replay does catch a history the code would not produce', async () => {
    // Rename the activity of the first notification: the code schedules `notify`, the history says otherwise.
    const raw = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    const scheduled = raw.events.find((e: Record<string, unknown>) => e.activityTaskScheduledEventAttributes);
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'notifyBySomethingElse';
    await expect(replay(historyFromJson(raw))).rejects.toThrow(DeterminismViolationError);
  });
});

function isGitWorkTree(): boolean {
  try {
    return execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: __dirname, encoding: 'utf8' }).trim() === 'true';
  } catch {
    return false;
  }
}
