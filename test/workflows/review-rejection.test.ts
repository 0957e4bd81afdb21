import { act, assignAndAccept, startCase, useTimeSkipping } from './helpers';
import { outboxOf, outboxSummary } from '../support/outbox';
import { HOUSING, people } from '../support/personas';
import { eventually } from '../support/polling';

const h = useTimeSkipping();

describe('rejection in the three-level review (三审)', () => {
  test('a rejection at level 2 sends the case back to the unit; resubmitting starts a new round at level 1 with the same reviewers', async () => {
    const { handle, caseId } = await startCase(h);
    await assignAndAccept(handle, people.housingHandler);
    await act(handle, 'submit', people.housingHandler, { result: '已处理' });
    await act(handle, 'review', people.reviewer1, { level: 1, decision: 'approve' });

    const comment = '缺少整改前后照片，请补充证据';
    const rejected = await act(handle, 'review', people.reviewer2, { level: 2, decision: 'reject', comment });
    expect(rejected).toMatchObject({ stage: 'rectifying', reviewLevel: null, reviewRound: 1, unit: HOUSING });
    expect(rejected.reviews.map((r) => [r.level, r.decision, r.by.id, r.comment])).toEqual([
      [1, 'approve', people.reviewer1.id, undefined],
      [2, 'reject', people.reviewer2.id, comment],
    ]);
    const rejection = rejected.timeline.at(-1)!;
    expect(rejection).toMatchObject({ action: 'review', by: { id: people.reviewer2.id, role: 'reviewer' } });
    expect(rejection.note).toContain(comment);

    // The unit is told why.
    const o = await eventually(
      () => outboxOf(h, caseId),
      (list) => list.some((n) => n.template === 'review_rejected'),
    );
    const back = o.find((n) => n.template === 'review_rejected')!;
    expect(back.to).toEqual({ kind: 'unit', unit: HOUSING });
    expect(back.text).toContain(comment);

    // Rectify and resubmit: round 2 starts at level 1, with the previous round's decisions cleared.
    await act(handle, 'progress', people.housingHandler, { note: '补拍整改前后照片' });
    const resubmitted = await act(handle, 'submit', people.housingHandler, { result: '已处理，附整改前后照片' });
    expect(resubmitted).toMatchObject({ stage: 'reviewing', reviewLevel: 1, reviewRound: 2, reviews: [] });

    // The same people may review again in the new round.
    await act(handle, 'review', people.reviewer1, { level: 1, decision: 'approve' });
    await act(handle, 'review', people.reviewer2, { level: 2, decision: 'approve', comment: '证据齐全' });
    const replied = await act(handle, 'review', people.reviewer3, { level: 3, decision: 'approve' });
    expect(replied).toMatchObject({ stage: 'replied', reviewRound: 2 });
    expect(replied.reviews.map((r) => [r.level, r.by.id])).toEqual([
      [1, people.reviewer1.id],
      [2, people.reviewer2.id],
      [3, people.reviewer3.id],
    ]);

    await act(handle, 'callback', people.operator, { result: 'satisfied' });
    const final = await handle.result();
    // Every round stays in the timeline.
    expect(final.timeline.map((e) => (e.action === 'review' ? `review:${e.by.id}` : e.action))).toEqual([
      'register',
      'assign',
      'accept',
      'submit',
      `review:${people.reviewer1.id}`,
      `review:${people.reviewer2.id}`,
      'progress',
      'submit',
      `review:${people.reviewer1.id}`,
      `review:${people.reviewer2.id}`,
      `review:${people.reviewer3.id}`,
      'callback',
    ]);
    expect(final.result).toBe('已处理，附整改前后照片');

    const outbox = await outboxOf(h, caseId);
    const phone = final.citizen.phone;
    expect(outboxSummary(outbox)).toEqual(
      [
        `receipt→citizen:${phone}`,
        `assigned→unit:${HOUSING}`,
        'review_requested→reviewers:1',
        'review_requested→reviewers:2',
        `review_rejected→unit:${HOUSING}`,
        'review_requested→reviewers:1',
        'review_requested→reviewers:2',
        'review_requested→reviewers:3',
        `answer→citizen:${phone}`,
      ].sort(),
    );
    // Only the approved result reaches the citizen.
    expect(outbox.find((n) => n.template === 'answer')!.text).toContain('已处理，附整改前后照片');
  });

  test('a rejection at level 1 or level 3 also goes back to the unit', async () => {
    for (const rejectAt of [1, 3] as const) {
      const { handle } = await startCase(h);
      await assignAndAccept(handle);
      await act(handle, 'submit', people.housingHandler, { result: '已处理' });
      if (rejectAt === 3) {
        await act(handle, 'review', people.reviewer1, { level: 1, decision: 'approve' });
        await act(handle, 'review', people.reviewer2, { level: 2, decision: 'approve' });
      }
      const reviewer = rejectAt === 1 ? people.reviewer1 : people.reviewer3;
      const state = await act(handle, 'review', reviewer, { level: rejectAt, decision: 'reject', comment: '答复口径不当' });
      expect(state).toMatchObject({ stage: 'rectifying', reviewLevel: null });
      expect(state.timeline.at(-1)!.note).toContain('答复口径不当');
    }
  });
});
