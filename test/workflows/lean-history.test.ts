/**
 * What a clean case costs in Temporal (issue: fewer actions and workflow tasks per case): read from its history.
 * A change is one workflow task with one local-activity batch; no regular activity runs while every message goes
 * out at the first try; one deadline timer is started and kept while the next milestone is later; upserts carry
 * only the operator's four search attributes; the run completes when the case closes.
 */
import { OPERATOR_SEARCH_ATTRIBUTES } from '../../temporal/search-attributes';
import { act, driveToReplied, startCase, useTimeSkipping } from './helpers';
import { people } from '../support/personas';

const h = useTimeSkipping();

test('a clean case: one timer, no regular activity, operator-only upserts, and the run ends at close', async () => {
  const { handle } = await startCase(h, { type: 'complaint', title: '精简历史：楼道灯不亮' });
  await driveToReplied(handle);
  const closed = await act(handle, 'callback', people.operator, { result: 'satisfied' });
  expect(closed.stage).toBe('closed');
  const final = await handle.result();
  expect(final.version).toBe(closed.version);

  const events = (await handle.fetchHistory()).events ?? [];
  const count = (pick: (e: (typeof events)[number]) => unknown) => events.filter((e) => pick(e)).length;
  expect(count((e) => e.timerStartedEventAttributes)).toBe(1);
  expect(count((e) => e.activityTaskScheduledEventAttributes)).toBe(0);
  expect(count((e) => e.workflowExecutionCompletedEventAttributes)).toBe(1);

  const upserted = events.flatMap((e) =>
    Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}),
  );
  expect(upserted.length).toBeGreaterThan(0);
  expect([...new Set(upserted)].every((k) => (OPERATOR_SEARCH_ATTRIBUTES as readonly string[]).includes(k))).toBe(true);

  // Each accepted update's workflow task records its local-activity markers itself: no extra task per change.
  const updates = count((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
  const tasks = count((e) => e.workflowTaskCompletedEventAttributes);
  expect(tasks).toBeLessThanOrEqual(updates + 3);
});
