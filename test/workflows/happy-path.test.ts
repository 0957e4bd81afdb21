import type { CaseState } from '../../domain/case';
import { act, approveAllLevels, assignAndAccept, getCase, startCase, useTimeSkipping } from './helpers';
import { outboxOf, outboxSummary } from '../support/outbox';
import { HOUSING, people } from '../support/personas';

const h = useTimeSkipping();

describe('the case loop, start to close', () => {
  test('register → assign → accept → progress → submit → review 1,2,3 → replied → satisfied → closed', async () => {
    const { handle, caseId, input } = await startCase(h);
    const citizenPhone = input.request.citizen.phone;

    expect((await getCase(handle)).stage).toBe('registered');

    const accepted = await assignAndAccept(handle, people.housingHandler);
    expect(accepted).toMatchObject({ stage: 'rectifying', unit: HOUSING });

    await act(handle, 'progress', people.housingHandler, { note: '已现场查看' });
    const submitted = await act(handle, 'submit', people.housingHandler, { result: '已督促物业更换楼道灯' });
    expect(submitted).toMatchObject({ stage: 'reviewing', reviewLevel: 1, reviewRound: 1, submittedBy: { id: people.housingHandler.id } });

    const replied = await approveAllLevels(handle);
    expect(replied).toMatchObject({ stage: 'replied', reviewLevel: null });
    expect(replied.reviews.map((r) => [r.level, r.decision, r.by.id])).toEqual([
      [1, 'approve', people.reviewer1.id],
      [2, 'approve', people.reviewer2.id],
      [3, 'approve', people.reviewer3.id],
    ]);

    const closedByUpdate = await act(handle, 'callback', people.operator, { result: 'satisfied', note: '市民表示满意' });
    expect(closedByUpdate.stage).toBe('closed');

    // The workflow ends with the final state, after draining its outbox.
    const final: CaseState = await handle.result();
    expect(final).toMatchObject({
      stage: 'closed',
      satisfaction: 'satisfied',
      reopenCount: 0,
      unit: HOUSING,
      result: '已督促物业更换楼道灯',
    });
    expect(final.closedAt).toEqual(expect.any(String));

    // One timeline entry per action: who, when, what.
    expect(final.timeline.map((e) => [e.action, e.by.id, e.by.role])).toEqual([
      ['register', people.operator.id, 'operator'],
      ['assign', people.dispatcher.id, 'dispatcher'],
      ['accept', people.housingHandler.id, 'handler'],
      ['progress', people.housingHandler.id, 'handler'],
      ['submit', people.housingHandler.id, 'handler'],
      ['review', people.reviewer1.id, 'reviewer'],
      ['review', people.reviewer2.id, 'reviewer'],
      ['review', people.reviewer3.id, 'reviewer'],
      ['callback', people.operator.id, 'operator'],
    ]);
    for (const entry of final.timeline) {
      expect(entry.by.name).toBeTruthy();
      expect(new Date(entry.at).toISOString()).toBe(entry.at);
    }
    const times = final.timeline.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(final.timeline[1].note).toContain(HOUSING);
    expect(final.timeline[8].note).toContain('satisfied');
    expect(final.closedAt).toBe(final.timeline[8].at);

    // The outbox: receipt, unit notice, three review requests, the answer — each exactly once.
    const outbox = await outboxOf(h, caseId);
    expect(outboxSummary(outbox)).toEqual(
      [
        `receipt→citizen:${citizenPhone}`,
        `assigned→unit:${HOUSING}`,
        'review_requested→reviewers:1',
        'review_requested→reviewers:2',
        'review_requested→reviewers:3',
        `answer→citizen:${citizenPhone}`,
      ].sort(),
    );
    expect(new Set(outbox.map((n) => n.id)).size).toBe(outbox.length);
    const receipt = outbox.find((n) => n.template === 'receipt')!;
    expect(receipt.text).toContain(input.ledgerNo);
    expect(receipt.ledgerNo).toBe(input.ledgerNo);
    const answer = outbox.find((n) => n.template === 'answer')!;
    expect(answer.text).toContain('已督促物业更换楼道灯');
    // Delivered in the order the case produced them.
    expect(outbox.map((n) => n.template)).toEqual([
      'receipt',
      'assigned',
      'review_requested',
      'review_requested',
      'review_requested',
      'answer',
    ]);
  });
});
