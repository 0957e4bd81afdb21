/**
 * A handling deadline that passes while the case sits in review: the reviewers' own deadline is what runs then.
 * When a rejection sends the case back to the unit after the handling due date, the unit is chased at once and
 * must not get a warning that the deadline "will be due" at a time already past. Clock starts Mon 2026-10-19.
 *
 * Counted by hand: a consultation (2 working days) assigned Mon Oct 19 10:00 is due Wed Oct 21 10:00, warning
 * Tue Oct 20 10:00; submitted at once, review level 1 is due Tue Oct 20 10:00; rejected Thu Oct 22 10:00.
 */
import { act, getCase, startCase, useTimeSkipping } from '../workflows/helpers';
import { deadlineInShanghai, shanghai, skipTo } from './helpers';
import { outboxOf, outboxSummary } from '../support/outbox';
import { HOUSING, people } from '../support/personas';
import { eventually } from '../support/polling';

const h = useTimeSkipping({ startAt: '2026-10-19T01:50:00Z' });

test('a case returned from review after its handling due date is chased at once, without a stale warning', async () => {
  await skipTo(h, '2026-10-19T02:00:00Z');
  const { handle, caseId } = await startCase(h, { type: 'consultation', title: '审核超期退回：公交线路咨询' });
  await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
  const accepted = await act(handle, 'accept', people.housingHandler, {});
  expect(deadlineInShanghai(accepted.deadlines.handling)).toEqual({
    dueAt: '2026-10-21 10:00',
    warnAt: '2026-10-20 10:00',
    redFlagAt: '2026-10-28 10:00', // Oct 22, 23, 26, 27, 28
    provisional: false,
  });
  const submitted = await act(handle, 'submit', people.housingHandler, { result: '已答复线路调整情况' });
  expect(shanghai(submitted.deadlines.review!.dueAt)).toBe('2026-10-20 10:00');

  // In review, the review deadline runs: it goes overdue on Oct 20; the handling one passes silently.
  await skipTo(h, '2026-10-22T02:00:00Z');
  const inReview = await eventually(
    () => getCase(handle),
    (s) => s.deadlines.review!.overdue,
  );
  expect(inReview.timeline.filter((e) => e.by.id === 'system').map((e) => [e.action, shanghai(e.at)])).toEqual([
    ['overdue', '2026-10-20 10:00'],
  ]);
  expect(inReview.deadlines.handling).toMatchObject({ warned: false, overdue: false });

  const returned = await act(handle, 'review', people.reviewer1, { level: 1, decision: 'reject', comment: '答复不完整' });
  expect(returned.stage).toBe('rectifying');
  const chased = await eventually(
    () => getCase(handle),
    (s) => s.deadlines.handling!.overdue,
  );
  const system = chased.timeline.filter((e) => e.by.id === 'system').map((e) => [e.action, shanghai(e.at), e.note]);
  expect(system).toEqual([
    ['overdue', '2026-10-20 10:00', '审核时限 2026-10-20 10:00 已超期'],
    ['overdue', '2026-10-22 10:00', '办理时限 2026-10-21 10:00 已超期'],
  ]);

  const supervision = (o: { template: string }[]) => o.filter((n) => ['warning', 'chase_up', 'overdue'].includes(n.template));
  // Delivered one by one after the milestone: wait for the last of them.
  const outbox = await eventually(
    () => outboxOf(h, caseId),
    (o) => supervision(o).length >= 4,
  );
  expect(outboxSummary(supervision(outbox) as typeof outbox)).toEqual([
    'chase_up→reviewers:1',
    `chase_up→unit:${HOUSING}`,
    'overdue→supervisors',
    'overdue→supervisors',
  ]);
});
