import { type actionUpdates } from '../../temporal/definitions';
import {
  act,
  assignAndAccept,
  type CaseHandle,
  driveToReplied,
  getCase,
  historyEventTypes,
  refusalOf,
  startCase,
  useTimeSkipping,
} from './helpers';
import { HOUSING, people } from '../support/personas';

const h = useTimeSkipping();

/** A refused update must leave the case exactly as it was: same state, same timeline, nothing in history. */
async function expectNoTrace<T>(handle: CaseHandle, refused: () => Promise<T>): Promise<T> {
  const before = await getCase(handle);
  const acceptedBefore = (await historyEventTypes(handle)).filter((t) => t.startsWith('WORKFLOW_EXECUTION_UPDATE')).length;
  const out = await refused();
  expect(await getCase(handle)).toEqual(before);
  const acceptedAfter = (await historyEventTypes(handle)).filter((t) => t.startsWith('WORKFLOW_EXECUTION_UPDATE')).length;
  expect(acceptedAfter).toBe(acceptedBefore);
  return out;
}

describe('refused actions', () => {
  test('the wrong role is forbidden', async () => {
    const { handle } = await startCase(h);
    await expectNoTrace(handle, async () => {
      for (const actor of [people.operator, people.housingHandler, people.reviewer1, people.supervisor]) {
        const r = await refusalOf(act(handle, 'assign', actor, { unit: HOUSING }));
        expect(r).toMatchObject({ type: 'forbidden', message: '「交办」须由派单员办理' });
      }
    });
    await assignAndAccept(handle);
    await act(handle, 'submit', people.housingHandler, { result: '已处理' });
    await expectNoTrace(handle, async () => {
      expect((await refusalOf(act(handle, 'review', people.dispatcher, { level: 1, decision: 'approve' }))).type).toBe('forbidden');
      expect((await refusalOf(act(handle, 'review', people.supervisor, { level: 1, decision: 'approve' }))).type).toBe('forbidden');
    });
  });

  test("a handler of another unit is forbidden on this unit's case", async () => {
    const { handle } = await startCase(h);
    await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    await expectNoTrace(handle, async () => {
      const r = await refusalOf(act(handle, 'accept', people.transportHandler, {}));
      expect(r.type).toBe('forbidden');
      expect(r.message).toContain('仅限本工单承办单位');
      expect((await refusalOf(act(handle, 'return', people.transportHandler, { reason: '不是我们的' }))).type).toBe('forbidden');
    });
    await act(handle, 'accept', people.housingHandler, {});
    await expectNoTrace(handle, async () => {
      expect((await refusalOf(act(handle, 'progress', people.transportHandler, { note: 'x' }))).type).toBe('forbidden');
      expect((await refusalOf(act(handle, 'submit', people.transportHandler, { result: 'x' }))).type).toBe('forbidden');
      // A handler bound to no unit at all is no better.
      expect((await refusalOf(act(handle, 'submit', people.unitlessHandler, { result: 'x' }))).type).toBe('forbidden');
    });
  });

  test('an action in the wrong stage is a conflict naming the current stage', async () => {
    const { handle } = await startCase(h);
    await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    await expectNoTrace(handle, async () => {
      const r = await refusalOf(act(handle, 'submit', people.housingHandler, { result: '已处理' }));
      expect(r.type).toBe('conflict');
      expect(r.message).toContain('（assigned）');
      expect(r.message).toContain('已交办');
      expect(r.details).toEqual([{ stage: 'assigned', reviewLevel: null }]);
      expect((await refusalOf(act(handle, 'assign', people.dispatcher, { unit: HOUSING }))).type).toBe('conflict');
    });

    await act(handle, 'accept', people.housingHandler, {});
    await expectNoTrace(handle, async () => {
      const r = await refusalOf(act(handle, 'callback', people.operator, { result: 'satisfied' }));
      expect(r.type).toBe('conflict');
      expect(r.message).toContain('（rectifying）');
      expect((await refusalOf(act(handle, 'review', people.reviewer1, { level: 1, decision: 'approve' }))).message).toContain(
        '（rectifying）',
      );
    });
  });

  test('a malformed body or actor sent straight to the update is invalid_input', async () => {
    const { handle } = await startCase(h);
    await act(handle, 'assign', people.dispatcher, { unit: HOUSING });
    await expectNoTrace(handle, async () => {
      // Bypassing the API's validation and its types.
      const raw = (kind: keyof typeof actionUpdates, actor: unknown, body: unknown) =>
        refusalOf(handle.executeUpdate(kind, { args: [actor, body] }));

      const noReason = await raw('return', people.housingHandler, {});
      expect(noReason.type).toBe('invalid_input');
      expect(noReason.message).toBe('「退单」的请求内容有误');
      expect(JSON.stringify(noReason.details)).toContain('reason');

      expect((await raw('return', people.housingHandler, { reason: 42 })).type).toBe('invalid_input');
      expect((await raw('accept', people.housingHandler, 'not an object')).type).toBe('invalid_input');
      expect((await raw('accept', people.housingHandler, null)).type).toBe('invalid_input');
      // A malformed actor is refused before any permission check.
      expect((await raw('accept', { id: 'x', name: 'x', roles: ['mayor'], unit: HOUSING }, {})).type).toBe('invalid_input');
      expect((await raw('accept', { name: 'nobody' }, {})).type).toBe('invalid_input');
      expect((await raw('accept', undefined, {})).type).toBe('invalid_input');
    });
    await act(handle, 'accept', people.housingHandler, {});
    await act(handle, 'submit', people.housingHandler, { result: '已处理' });
    await expectNoTrace(handle, async () => {
      const raw = (body: unknown) => refusalOf(handle.executeUpdate('review', { args: [people.reviewer1, body] }));
      expect((await raw({ level: 4, decision: 'approve' })).type).toBe('invalid_input');
      expect((await raw({ level: '1', decision: 'approve' })).type).toBe('invalid_input');
      expect((await raw({ level: 1, decision: 'maybe' })).type).toBe('invalid_input');
    });
    await driveToRepliedFromReview(handle);
    await expectNoTrace(handle, async () => {
      expect((await refusalOf(handle.executeUpdate('callback', { args: [people.operator, { result: 'happy' }] }))).type).toBe(
        'invalid_input',
      );
    });
  });

  test('accepted and refused updates side by side: only the accepted ones reach the history', async () => {
    const { handle } = await startCase(h);
    await driveToReplied(handle);
    const types = await historyEventTypes(handle);
    // assign, accept, progress, submit, review ×3 — and none of the refusals above, which were on other cases.
    expect(types.filter((t) => t === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toHaveLength(7);
    expect(types.filter((t) => t === 'WORKFLOW_EXECUTION_UPDATE_COMPLETED')).toHaveLength(7);
    await expectNoTrace(handle, async () => {
      expect((await refusalOf(act(handle, 'assign', people.dispatcher, { unit: HOUSING }))).type).toBe('conflict');
    });
    expect((await historyEventTypes(handle)).filter((t) => t === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toHaveLength(7);
  });
});

async function driveToRepliedFromReview(handle: CaseHandle): Promise<void> {
  await act(handle, 'review', people.reviewer1, { level: 1, decision: 'approve' });
  await act(handle, 'review', people.reviewer2, { level: 2, decision: 'approve' });
  await act(handle, 'review', people.reviewer3, { level: 3, decision: 'approve' });
}
