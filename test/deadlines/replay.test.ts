/**
 * Replay of a full deadline run: a complaint extended, warned, overdue, then closed, recorded from a real run on
 * real dates (clock starts Mon 2026-09-28, libfaketime) and replayed against the current workflow code. The
 * deadlines come from the planDeadlines local activity, whose results the history carries as markers, and the
 * milestones from timers: a replay must produce exactly those commands again.
 *
 * Dates (2026 schedule, counted by hand): assigned Mon Sep 28 10:00 → due Fri Oct 23 10:00; +4 working days
 * (Oct 26, 27, 28, 29) → due Thu Oct 29 10:00, warning Wed Oct 28 10:00.
 */
import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { loadWorkflowBundle } from '../support/bundle';
import {
  act,
  approveAllLevels,
  assignAndAccept,
  getCase,
  historyFromJson,
  historyToJson,
  startCase,
  testDataConverter,
  useTimeSkipping,
} from '../workflows/helpers';
import { entries, shanghai, skipTo } from './helpers';
import { people } from '../support/personas';
import { eventually } from '../support/polling';

const h = useTimeSkipping({ startAt: '2026-09-28T01:50:00Z' });

function replay(history: temporal.api.history.v1.IHistory): Promise<void> {
  return Worker.runReplayHistory({ workflowBundle: loadWorkflowBundle(), dataConverter: testDataConverter }, history);
}

function eventKinds(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).map(
    (e) => Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]) ?? '',
  );
}

test('a run with an extension, a warning and overdue replays against the current code', async () => {
  await skipTo(h, '2026-09-28T02:00:00Z');
  const { handle } = await startCase(h, { type: 'complaint', title: '回放用例：噪音扰民' });
  await assignAndAccept(handle, people.housingHandler);
  await act(handle, 'extension', people.housingHandler, { workingDays: 4, reason: '需夜间现场监测' });
  const extended = await act(handle, 'extensionDecision', people.supervisor, { approve: true });
  expect(shanghai(extended.deadlines.handling!.dueAt)).toBe('2026-10-29 10:00');

  await skipTo(h, '2026-10-28T02:01:00Z');
  await eventually(
    () => getCase(handle),
    (s) => s.deadlines.handling!.warned,
  );
  await skipTo(h, '2026-10-29T02:01:00Z');
  const overdue = await eventually(
    () => getCase(handle),
    (s) => s.deadlines.handling!.overdue,
  );
  expect(overdue.timeline.filter((e) => e.by.id === 'system').map((e) => [e.action, shanghai(e.at)])).toEqual([
    ['warning', '2026-10-28 10:00'],
    ['overdue', '2026-10-29 10:00'],
  ]);

  await act(handle, 'submit', people.housingHandler, { result: '已协调商户调整营业时间' });
  await approveAllLevels(handle);
  await act(handle, 'callback', people.operator, { result: 'satisfied' });
  // Closing ends the run.
  await eventually(
    () => handle.describe(),
    (d) => d.status.name === 'COMPLETED',
  );
  const final = await getCase(handle);
  expect(final.stage).toBe('closed');
  expect(entries(final, 'callback')).toEqual([[expect.stringMatching(/^2026-10-29 10:0/), people.operator.id]]);

  const history = await handle.fetchHistory();
  const kinds = eventKinds(history);
  // What the replay has to reproduce: timers for the milestones, deadline markers, search-attribute upserts.
  expect(kinds.filter((k) => k === 'timerFiredEventAttributes').length).toBeGreaterThanOrEqual(2);
  expect(kinds.filter((k) => k === 'markerRecordedEventAttributes').length).toBeGreaterThanOrEqual(5);
  expect(kinds).toContain('upsertWorkflowSearchAttributesEventAttributes');
  expect(kinds.at(-1)).toBe('workflowExecutionCompletedEventAttributes');

  await expect(replay(history)).resolves.toBeUndefined();
  // And through proto-JSON, the format a committed fixture would have.
  await expect(replay(historyFromJson(JSON.parse(historyToJson(history))))).resolves.toBeUndefined();
});
