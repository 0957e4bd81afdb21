/**
 * GET /inbox per role, over HTTP against the real worker and dev server: each role's inbox is a visibility query
 * for what it must do next.
 */
import type { Actor } from '../../domain/roles';
import { drive, expectApiError, expectStatus, ids, type Json, useE2E } from './harness';
import { HOUSING, people, TRANSPORT } from '../support/personas';
import { waitFor } from '../support/polling';

const h = useE2E();
const d = drive(h);

const inbox = (actor: Actor) => h.api('GET', '/inbox', { token: actor }).then((r) => expectStatus(r, 200).items as Json[]);
const entries = (items: Json[]) => items.map((x) => `${x.id}:${x.awaiting}`);

describe('GET /inbox per role', () => {
  /** One case in each waiting position, created once for all the tests below. */
  const c: Record<string, string> = {};

  beforeAll(async () => {
    const [registered, housingAssigned, housingRectifying, transportAssigned, level1, level2, replied, extension] = await Promise.all(
      [
        'registered',
        'housing assigned',
        'housing rectifying',
        'transport assigned',
        'at level 1',
        'at level 2',
        'replied',
        'extension pending',
      ].map((title) => d.create({ title })),
    );
    Object.assign(c, {
      registered: registered.id,
      housingAssigned: housingAssigned.id,
      housingRectifying: housingRectifying.id,
      transportAssigned: transportAssigned.id,
      level1: level1.id,
      level2: level2.id,
      replied: replied.id,
      extension: extension.id,
    });
    await Promise.all([
      d.assign(c.housingAssigned, HOUSING),
      d.assignAndAccept(c.housingRectifying, people.housingHandler),
      d.assign(c.transportAssigned, TRANSPORT),
      d.toReviewing(c.level1, people.housingHandler),
      d.toReviewing(c.level2, people.transportHandler).then(() => d.approveLevels(c.level2, [1])),
      d.toReplied(c.replied, people.housingHandler),
      d
        .assignAndAccept(c.extension, people.transportHandler)
        .then(() => d.act(c.extension, 'extension', people.transportHandler, { workingDays: 3, reason: '等待第三方检测' })),
    ]);
    // Registered ten working days ago: overdue and red-flagged at once.
    c.redFlag = (await h.startBackdatedCase(h.calendar.subtractWorkingDays(new Date(), 10).at, { title: 'red flag' })).id;
  });

  test('a dispatcher: registered cases, awaiting assign', async () => {
    const items = await waitFor(
      'the dispatcher inbox',
      () => inbox(people.dispatcher),
      (xs) => ids(xs).includes(c.registered) && ids(xs).includes(c.redFlag),
      { label: 'visibility: inbox' },
    );
    expect(entries(items)).toEqual(expect.arrayContaining([`${c.registered}:assign`, `${c.redFlag}:assign`]));
    expect(items.every((x) => x.stage === 'registered' && x.awaiting === 'assign' && x.status === 'RUNNING')).toBe(true);
    for (const other of [c.housingAssigned, c.level1, c.replied]) expect(ids(items)).not.toContain(other);
    // Oldest first, by each case's own registration time (the read model's registeredAt; a backdated case's is its past one).
    const times = items.map((x) => x.registeredAt);
    expect([...times].sort()).toEqual(times);
  });

  test("a handler: its unit's assigned and rectifying cases (sign_for, rectify), not another unit's", async () => {
    const items = await waitFor(
      'the housing inbox',
      () => inbox(people.housingHandler),
      (xs) => ids(xs).includes(c.housingAssigned) && ids(xs).includes(c.housingRectifying),
    );
    expect(entries(items).sort()).toEqual([`${c.housingAssigned}:sign_for`, `${c.housingRectifying}:rectify`].sort());
    expect(items.every((x) => x.unit === HOUSING)).toBe(true);

    const transport = await waitFor(
      'the transport inbox',
      () => inbox(people.transportHandler),
      (xs) => ids(xs).includes(c.transportAssigned) && ids(xs).includes(c.extension),
    );
    expect(entries(transport).sort()).toEqual([`${c.transportAssigned}:sign_for`, `${c.extension}:rectify`].sort());
    // Cases in review or replied are no longer the unit's to act on.
    expect(ids(items)).not.toContain(c.level1);
    expect(ids(items)).not.toContain(c.replied);
  });

  test('a reviewer holding level 2: cases at level 2 only', async () => {
    const items = await waitFor(
      'the level-2 inbox',
      () => inbox(people.reviewer2),
      (xs) => ids(xs).includes(c.level2),
    );
    expect(entries(items)).toEqual([`${c.level2}:review`]);
    expect(items[0]).toMatchObject({ stage: 'reviewing', reviewLevel: 2 });
    const level1 = await waitFor(
      'the level-1 inbox',
      () => inbox(people.reviewer1),
      (xs) => ids(xs).includes(c.level1),
    );
    expect(entries(level1)).toEqual([`${c.level1}:review`]);
    expect(await inbox(people.reviewer3)).toEqual([]);
  });

  test('an operator: replied cases, awaiting the call-back', async () => {
    const items = await waitFor(
      'the operator inbox',
      () => inbox(people.operator),
      (xs) => ids(xs).includes(c.replied),
    );
    expect(entries(items)).toEqual([`${c.replied}:callback`]);
    expect(items[0]).toMatchObject({ stage: 'replied', unit: HOUSING });
  });

  test('a supervisor: pending extensions (extension_decision) and red flags (red_flag)', async () => {
    const items = await waitFor(
      'the supervisor inbox',
      () => inbox(people.supervisor),
      (xs) => ids(xs).includes(c.extension) && ids(xs).includes(c.redFlag),
      { label: 'visibility: red flag in supervisor inbox' },
    );
    expect(entries(items).sort()).toEqual([`${c.extension}:extension_decision`, `${c.redFlag}:red_flag`].sort());
    expect(items.find((x) => x.id === c.extension)).toMatchObject({
      flags: ['extension_pending', 'signed'],
      stage: 'rectifying',
      unit: TRANSPORT,
    });
    expect(items.find((x) => x.id === c.redFlag)).toMatchObject({ redFlag: true, overdue: true, stage: 'registered' });

    // Deciding takes it out of the inbox.
    await d.act(c.extension, 'extension/decision', people.supervisor, { approve: true });
    const after = await waitFor(
      'the decided extension to leave the inbox',
      () => inbox(people.supervisor),
      (xs) => !ids(xs).includes(c.extension),
    );
    expect(entries(after)).toEqual([`${c.redFlag}:red_flag`]);
  });

  test('an inbox moves with the case: signing for takes it from sign_for to rectify', async () => {
    await d.act(c.housingAssigned, 'accept', people.housingHandler, {});
    const items = await waitFor(
      'the accepted case to await rectify',
      () => inbox(people.housingHandler),
      (xs) => entries(xs).includes(`${c.housingAssigned}:rectify`),
    );
    expect(entries(items).sort()).toEqual([`${c.housingAssigned}:rectify`, `${c.housingRectifying}:rectify`].sort());
    expectApiError(await h.api('GET', '/inbox'), 401, 'unauthorized');
  });
});
