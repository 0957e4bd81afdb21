import { act, assignAndAccept, type CaseHandle, getCase, refusalOf, startCase, useTimeSkipping } from './helpers';
import { people } from '../support/personas';

const h = useTimeSkipping();

/** A case awaiting level-1 review of a result the housing handler submitted. */
async function caseInReview(): Promise<CaseHandle> {
  const { handle } = await startCase(h);
  await assignAndAccept(handle, people.housingHandler);
  await act(handle, 'submit', people.housingHandler, { result: '已处理' });
  return handle;
}

describe('separation of duties in the three-level review (谁提供、谁审核、谁负责)', () => {
  test('deciding a level other than the awaited one is a conflict', async () => {
    const handle = await caseInReview();
    const r = await refusalOf(act(handle, 'review', people.reviewer2, { level: 2, decision: 'approve' }));
    expect(r.type).toBe('conflict');
    expect(r.message).toContain('正待初审');
    expect(r.details).toEqual([{ stage: 'reviewing', reviewLevel: 1 }]);
    // Level 3 skipping ahead is refused the same way.
    expect((await refusalOf(act(handle, 'review', people.reviewer3, { level: 3, decision: 'approve' }))).type).toBe('conflict');
    expect((await getCase(handle)).reviews).toEqual([]);
  });

  test('a reviewer who does not hold the level is forbidden', async () => {
    const handle = await caseInReview();
    const r = await refusalOf(act(handle, 'review', people.reviewer2, { level: 1, decision: 'approve' }));
    expect(r.type).toBe('forbidden');
    expect(r.message).toBe('您没有初审（第1级）权限');
    await act(handle, 'review', people.reviewer1, { level: 1, decision: 'approve' });
    expect((await refusalOf(act(handle, 'review', people.reviewer3, { level: 2, decision: 'approve' }))).type).toBe('forbidden');
    expect((await refusalOf(act(handle, 'review', people.reviewer1, { level: 2, decision: 'reject', comment: 'x' }))).type).toBe(
      'forbidden',
    );
    expect((await getCase(handle)).reviewLevel).toBe(2);
  });

  test('one person may not decide two levels of the same round, even holding both', async () => {
    const handle = await caseInReview();
    await act(handle, 'review', people.reviewer12, { level: 1, decision: 'approve' });
    const r = await refusalOf(act(handle, 'review', people.reviewer12, { level: 2, decision: 'approve' }));
    expect(r.type).toBe('forbidden');
    expect(r.message).toContain('已作出第1级审核决定');
    // A rejection by the same person is refused too: a second decision of any kind.
    expect((await refusalOf(act(handle, 'review', people.reviewer12, { level: 2, decision: 'reject', comment: 'x' }))).type).toBe(
      'forbidden',
    );

    // Another holder of level 2 may decide it.
    const next = await act(handle, 'review', people.reviewer2, { level: 2, decision: 'approve' });
    expect(next.reviewLevel).toBe(3);

    // In a new round the same person may decide level 2 (having decided nothing in that round yet).
    await act(handle, 'review', people.reviewer3, { level: 3, decision: 'reject', comment: '请补充说明' });
    await act(handle, 'submit', people.housingHandler, { result: '已补充说明' });
    await act(handle, 'review', people.reviewer1, { level: 1, decision: 'approve' });
    const round2 = await act(handle, 'review', people.reviewer12, { level: 2, decision: 'approve' });
    expect(round2).toMatchObject({ reviewRound: 2, reviewLevel: 3 });
  });

  test('two reviewers deciding the same level at the same moment: exactly one decision counts', async () => {
    const handle = await caseInReview();
    const settled = await Promise.allSettled([
      act(handle, 'review', people.reviewer1, { level: 1, decision: 'approve' }),
      act(handle, 'review', people.reviewer12, { level: 1, decision: 'reject', comment: '不同意' }),
    ]);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const refused = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')!;
    expect((await refusalOf(Promise.reject(refused.reason))).type).toBe('conflict');
    const state = await getCase(handle);
    expect(state.reviews).toHaveLength(1);
    expect(state.timeline.filter((e) => e.action === 'review')).toHaveLength(1);
  });

  test('nobody reviews a result they submitted themselves', async () => {
    const { handle } = await startCase(h);
    await act(handle, 'assign', people.dispatcher, { unit: people.housingHandlerReviewer.unit });
    await act(handle, 'accept', people.housingHandlerReviewer, {});
    await act(handle, 'submit', people.housingHandlerReviewer, { result: '已处理' });

    const r = await refusalOf(act(handle, 'review', people.housingHandlerReviewer, { level: 1, decision: 'approve' }));
    expect(r.type).toBe('forbidden');
    expect(r.message).toBe('不能审核自己提交的办理结果');

    // Later levels too, once others have decided the earlier ones.
    await act(handle, 'review', people.reviewer1, { level: 1, decision: 'approve' });
    expect((await refusalOf(act(handle, 'review', people.housingHandlerReviewer, { level: 2, decision: 'approve' }))).type).toBe(
      'forbidden',
    );
    await act(handle, 'review', people.reviewer2, { level: 2, decision: 'approve' });
    expect((await refusalOf(act(handle, 'review', people.housingHandlerReviewer, { level: 3, decision: 'approve' }))).type).toBe(
      'forbidden',
    );

    // The same person may review a colleague's result.
    const { handle: other } = await startCase(h);
    await assignAndAccept(other, people.housingHandler);
    await act(other, 'submit', people.housingHandler, { result: '已处理' });
    const ok = await act(other, 'review', people.housingHandlerReviewer, { level: 1, decision: 'approve' });
    expect(ok.reviews.map((x) => x.by.id)).toEqual([people.housingHandlerReviewer.id]);
  });
});
