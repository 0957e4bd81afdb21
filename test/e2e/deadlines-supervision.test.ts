/**
 * Deadlines and supervision (督办) over HTTP against the real worker and dev server: the running deadline in
 * every response, extensions with their caps, urging, and the supervisors' stuck-case view from visibility.
 */
import { randomUUID } from 'node:crypto';
import { computeDeadline } from '../../domain/deadlines';
import type { Actor } from '../../domain/roles';
import { countyLimits, drive, expectApiError, expectStatus, ids, type Json, listAll, useE2E } from './harness';
import { outboxOf, outboxSummary } from '../support/outbox';
import { HEALTH, HOUSING, people, TRANSPORT } from '../support/personas';
import { waitFor } from '../support/polling';

const h = useE2E();
const d = drive(h);

const addWorkingDays = (from: string, n: number): string => h.calendar.addWorkingDays(new Date(from), n).at.toISOString();
const EDUCATION = 'education-sports';
const lastEntry = (c: Json) => c.timeline[c.timeline.length - 1];

const summaryOf = async (caseId: string): Promise<string[]> => outboxSummary(await outboxOf(h, caseId));

describe('deadlines through the API', () => {
  test('POST /cases carries the 0.5-working-day assignment deadline; assign → sign-for; accept → handling', async () => {
    const c = await d.create({ type: 'complaint' });
    expect(c).toMatchObject({ overdue: false, redFlag: false, dueAtProvisional: false });
    expect(c.dueAt).toBe(addWorkingDays(c.registeredAt, 0.5));
    expect(c.deadlines.assign).toMatchObject({
      key: 'assign',
      from: c.registeredAt,
      dueAt: c.dueAt,
      overdue: false,
      redFlag: false,
      warned: false,
    });
    expect(Date.parse(c.dueAt)).toBeGreaterThan(Date.parse(c.registeredAt));

    const assigned = await d.assign(c.id, HOUSING);
    const assignedAt = lastEntry(assigned).at;
    expect(assigned.dueAt).toBe(addWorkingDays(assignedAt, h.limits.signFor));
    expect(assigned.deadlines.signFor).toMatchObject({ from: assignedAt, dueAt: assigned.dueAt, overdue: false });
    expect(assigned.deadlines.handling.dueAt).toBe(addWorkingDays(assignedAt, h.limits.handling.complaint));
    expect(assigned.overdue).toBe(false);

    const accepted = await d.act(c.id, 'accept', people.housingHandler, {});
    // Handling counts from assignment, not from signing for.
    expect(accepted.dueAt).toBe(assigned.deadlines.handling.dueAt);
  });

  test('extensions: request and decision, capped at 2 approvals and 10 working days (409 naming the cap)', async () => {
    const c = await d.create({ type: 'help' });
    const accepted = await d.assignAndAccept(c.id, people.housingHandler);
    const due0 = accepted.dueAt;
    expect(due0).toBe(accepted.deadlines.handling.dueAt);

    const requested = await d.act(c.id, 'extension', people.housingHandler, { workingDays: 6, reason: '需协调多个部门' });
    expect(requested.extension).toMatchObject({
      pending: { workingDays: 6, reason: '需协调多个部门', by: { id: people.housingHandler.id } },
      approvedCount: 0,
      approvedDays: 0,
    });
    expect(requested.dueAt).toBe(due0);
    // Only a supervisor decides; only the unit asks; one request at a time.
    expectApiError(
      await h.api('POST', `/cases/${c.id}/extension/decision`, { token: people.housingHandler, body: { approve: true } }),
      403,
      'forbidden',
      /督办员/,
    );
    expectApiError(
      await h.api('POST', `/cases/${c.id}/extension`, { token: people.transportHandler, body: { workingDays: 1, reason: 'x' } }),
      403,
      'forbidden',
    );
    expectApiError(
      await h.api('POST', `/cases/${c.id}/extension`, { token: people.housingHandler, body: { workingDays: 1, reason: '再延' } }),
      409,
      'conflict',
      /已有延期申请/,
    );

    const approved = await d.act(c.id, 'extension/decision', people.supervisor, { approve: true, note: '同意' });
    expect(approved.extension).toEqual({ pending: null, approvedCount: 1, approvedDays: 6 });
    expect(approved.dueAt).toBe(addWorkingDays(due0, 6));
    expect(lastEntry(approved)).toMatchObject({ action: 'extensionDecision', by: { id: people.supervisor.id, role: 'supervisor' } });

    // 6 + 5 > 10: refused when asked, naming the cap.
    const tooLong = expectApiError(
      await h.api('POST', `/cases/${c.id}/extension`, { token: people.housingHandler, body: { workingDays: 5, reason: '还需时间' } }),
      409,
      'conflict',
      /10个工作日/,
    );
    expect(tooLong.details).toEqual({ cap: 'workingDays', maxWorkingDays: 10, approvedDays: 6 });
    expect(tooLong.message).toContain('尚余4个工作日');

    // A refusal changes nothing but the record.
    await d.act(c.id, 'extension', people.housingHandler, { workingDays: 3, reason: '等待检测报告' });
    const refused = await d.act(c.id, 'extension/decision', people.supervisor, { approve: false, note: '理由不充分' });
    expect(refused.extension).toEqual({ pending: null, approvedCount: 1, approvedDays: 6 });
    expect(refused.dueAt).toBe(approved.dueAt);
    expect(lastEntry(refused).note).toContain('不同意延期');
    expectApiError(
      await h.api('POST', `/cases/${c.id}/extension/decision`, { token: people.supervisor, body: { approve: true } }),
      409,
      'conflict',
      /没有待审批的延期申请/,
    );

    await d.act(c.id, 'extension', people.housingHandler, { workingDays: 4, reason: '等待检测报告' });
    const second = await d.act(c.id, 'extension/decision', people.supervisor, { approve: true });
    expect(second.extension).toEqual({ pending: null, approvedCount: 2, approvedDays: 10 });
    expect(second.dueAt).toBe(addWorkingDays(approved.dueAt, 4));

    // Two approvals used: any further request is refused by count.
    const tooMany = expectApiError(
      await h.api('POST', `/cases/${c.id}/extension`, { token: people.housingHandler, body: { workingDays: 1, reason: '最后一次' } }),
      409,
      'conflict',
      /至多批准2次延期/,
    );
    expect(tooMany.details).toEqual({ cap: 'count', maxCount: 2, approvedCount: 2 });

    await waitFor(
      'extension notices',
      () => summaryOf(c.id),
      (s) =>
        s.filter((x) => x === 'extension_requested→supervisors').length === 3 &&
        s.filter((x) => x === `extension_decided→unit:${HOUSING}`).length === 3,
    );
  });

  test('a supervisor urges (督办): the unit is notified and the timeline records it; others get 403', async () => {
    const c = await d.create();
    await d.assign(c.id, HOUSING);
    const urged = await d.act(c.id, 'urge', people.supervisor, { note: '市民多次来电，请今日内签收' });
    expect(lastEntry(urged)).toMatchObject({
      action: 'urge',
      note: '市民多次来电，请今日内签收',
      by: { id: people.supervisor.id, name: people.supervisor.name, role: 'supervisor' },
    });
    expect(urged.stage).toBe('assigned');
    const notices = await waitFor(
      'the urge notice',
      () => outboxOf(h, c.id),
      (o) => o.some((n) => n.template === 'urged'),
    );
    const notice = notices.find((n) => n.template === 'urged')!;
    expect(notice.to).toEqual({ kind: 'unit', unit: HOUSING });
    expect(notice.text).toContain('市民多次来电，请今日内签收');
    expect(notice.text).toContain(c.ledgerNo);

    for (const actor of [people.dispatcher, people.housingHandler, people.operator, people.reviewer1] as Actor[]) {
      expectApiError(await h.api('POST', `/cases/${c.id}/urge`, { token: actor, body: { note: '催一下' } }), 403, 'forbidden', /督办员/);
    }
    // Nothing to urge a unit about before it has the case.
    const fresh = await d.create();
    expectApiError(
      await h.api('POST', `/cases/${fresh.id}/urge`, { token: people.supervisor, body: { note: '催一下' } }),
      409,
      'conflict',
      /（registered）/,
    );
  });
});

describe("supervisors' view: GET /supervision/stuck", () => {
  const overdueIds: string[] = [];
  let redFlagId = '';

  test('50 open cases, 3 of them overdue: exactly those 3 are listed as overdue, with stage, unit, dueAt, late and redFlag', async () => {
    const started = Date.now();
    const now = new Date();
    // Three cases registered days ago (started as the API would, but backdated): their timers fire at once.
    const backdated = [3, 4, 10].map((days) => h.calendar.subtractWorkingDays(now, days).at);
    const overdue = await Promise.all(backdated.map((at) => h.startBackdatedCase(at, { title: 'backdated overdue case' })));
    overdueIds.push(...overdue.map((c) => c.id));
    redFlagId = overdue[2].id; // 10 working days: past the 5-working-day red flag after its 0.5-day deadline

    // 47 more through the API, concurrently in batches; 20 of them assigned to two units (none of them late).
    const fresh: Json[] = [];
    for (let i = 0; i < 47; i += 10) {
      const batch = Array.from({ length: Math.min(10, 47 - i) }, (_, j) =>
        d.create({ title: `batch case ${i + j}`, type: (['help', 'complaint', 'suggestion'] as const)[(i + j) % 3] }),
      );
      fresh.push(...(await Promise.all(batch)));
    }
    const healthIds = ids(fresh.slice(0, 10));
    const educationIds = ids(fresh.slice(10, 20));
    await Promise.all([...healthIds.map((id) => d.assign(id, HEALTH)), ...educationIds.map((id) => d.assign(id, EDUCATION))]);
    const all = [...overdueIds, ...ids(fresh)];
    expect(new Set(all).size).toBe(50);

    const count = (q: string) => h.client.workflow.count(`WorkflowType = 'caseWorkflowV2' AND ${q}`).then((x) => x.count);
    // The workflows' timers flip the flags, and each records its change in the read model.
    await waitFor(
      '3 cases overdue and 1 red-flagged in the read model',
      async () => {
        const { rows } = await h.db.query(
          `SELECT count(*) FILTER (WHERE overdue)::int AS o, count(*) FILTER (WHERE red_flag)::int AS r FROM case_summaries WHERE id = ANY($1)`,
          [all],
        );
        return [rows[0].o as number, rows[0].r as number];
      },
      ([o, r]) => o === 3 && r === 1,
      { label: 'read model: overdue flags' },
    );

    const stuck = (query = '') =>
      h.api('GET', `/supervision/stuck${query}`, { token: people.supervisor }).then((r) => expectStatus(r, 200).items as Json[]);
    const inList = `WorkflowId IN (${all.map((id) => `'case-${id}'`).join(', ')})`;
    await waitFor(
      'all 50 cases in visibility, the assigned ones as assigned',
      async () => [await count(inList), await count(`${inList} AND HuiyingStage = 'assigned'`)],
      ([n, a]) => n === 50 && a === 20,
      { label: 'visibility: 50 cases' },
    );
    const items = await stuck();

    // Exactly the 3 overdue: the 47 fresh ones are neither late, nor stalled, nor "due soon" (their limits,
    // half a day to assign and one to sign for, are no longer than the due-soon window itself).
    const overdueItems = items.filter((x) => x.reasons.includes('overdue'));
    expect(ids(items).sort()).toEqual([...overdueIds].sort());
    expect(ids(overdueItems).sort()).toEqual([...overdueIds].sort());

    const asOf = new Date();
    overdue.forEach(({ id, ledgerNo }, i) => {
      const item = overdueItems.find((x) => x.id === id);
      const registeredAt = backdated[i].toISOString();
      const due = computeDeadline(
        { key: 'assign', at: registeredAt, from: registeredAt, type: 'complaint', urgent: false },
        h.calendar,
        h.limits,
      ).dueAt;
      expect(item).toMatchObject({
        id,
        ledgerNo,
        stage: 'registered',
        unit: null,
        dueAt: due,
        overdue: true,
        redFlag: id === redFlagId,
        status: 'RUNNING',
      });
      // Stuck in registration for days, too.
      expect(item.reasons).toEqual(['overdue', 'stalled']);
      const hours = Math.floor((asOf.getTime() - Date.parse(due)) / 3_600_000);
      expect(item.late.hours).toBeGreaterThanOrEqual(hours - 1);
      expect(item.late.hours).toBeLessThanOrEqual(hours);
      expect(item.late.workingDays).toBe(h.calendar.workingDaysBetween(new Date(due), asOf));
      expect(item.late.workingDays).toBeGreaterThanOrEqual(2);
    });
    // Red flags first, then the latest.
    expect(overdueItems.map((x) => x.id)).toEqual([overdue[2].id, overdue[1].id, overdue[0].id]);
    expect(items[0].id).toBe(redFlagId);

    // The case itself tells the same story: the timer's milestones are in its timeline.
    const red = await d.get(redFlagId, people.supervisor);
    expect(red).toMatchObject({ overdue: true, redFlag: true, stage: 'registered' });
    expect(red.timeline.map((e: Json) => e.action)).toEqual(['register', 'overdue', 'red_flag']);
    expect(red.timeline[1].by).toEqual({ id: 'system', name: '系统' });
    const late = await d.get(overdueIds[0], people.supervisor);
    expect(late).toMatchObject({ overdue: true, redFlag: false });
    expect(late.timeline.map((e: Json) => e.action)).toEqual(['register', 'overdue']);
    await waitFor(
      'chase-up and overdue notices',
      () => summaryOf(redFlagId),
      (s) => ['chase_up→dispatchers', 'overdue→supervisors', 'red_flag→supervisors'].every((t) => s.includes(t)),
    );

    // ?unit= and ?stage= filter (overdue cases in units are the next test's subject).
    expect(await stuck(`?unit=${HEALTH}`)).toEqual([]);
    expect(await stuck(`?unit=${EDUCATION}`)).toEqual([]);
    const registered = await stuck('?stage=registered');
    expect(ids(registered)).toEqual(expect.arrayContaining(overdueIds));
    expect(registered.every((x) => x.stage === 'registered')).toBe(true);
    expect(ids(await stuck(`?stage=registered&unit=${HEALTH}`))).toEqual([]);

    // The plain list pages through all of them (pages of 7), each once.
    const paged = await listAll(h.api, people.supervisor, '', 7);
    expect(ids(paged)).toEqual(expect.arrayContaining(all));
    expect(new Set(ids(paged)).size).toBe(paged.length);
    expectApiError(await h.api('GET', '/cases?stage=bogus&pageSize=0', { token: people.supervisor }), 400, 'invalid_input', /query\.stage/);

    expect(Date.now() - started).toBeLessThan(60_000);
  });

  test("overdue cases in two units: ?unit= lists each unit's own (a county whose sign-for limit is 0 working days)", async () => {
    // A case's unit is set only by assignment, which restarts the clock; to have overdue cases *in* units on a
    // real-time server, a second worker runs with a county's own limits, under which sign-for is due at once.
    const limits = countyLimits({ signFor: 0 });
    const taskQueue = `huiying-e2e-county-${randomUUID()}`;
    await h.startWorker({ taskQueue, limits });
    const county = await h.startApp({ taskQueue, limits });
    const countyDrive = drive(county);
    const cases = await Promise.all([0, 1, 2].map(() => countyDrive.create({ title: 'county case' })));
    const [a, b, c] = ids(cases);
    const assigned = await Promise.all([countyDrive.assign(a, HOUSING), countyDrive.assign(b, HOUSING), countyDrive.assign(c, TRANSPORT)]);
    for (const x of assigned) expect(x.dueAt).toBe(lastEntry(x).at);

    const stuck = (query: string) =>
      h.api('GET', `/supervision/stuck${query}`, { token: people.supervisor }).then((r) => expectStatus(r, 200).items as Json[]);
    const overdueOf = (xs: Json[]) => xs.filter((x) => x.reasons.includes('overdue'));
    const housing = await waitFor(
      'the two housing cases flagged overdue in visibility',
      () => stuck(`?unit=${HOUSING}`),
      (xs) => overdueOf(xs).length === 2 && overdueOf(xs).every((x) => x.overdue && x.late),
      { label: 'visibility: overdue after assign' },
    );
    expect(ids(overdueOf(housing)).sort()).toEqual([a, b].sort());
    for (const x of overdueOf(housing))
      expect(x).toMatchObject({ stage: 'assigned', unit: HOUSING, redFlag: false, late: { workingDays: 0 } });
    const transport = await waitFor(
      'the transport case flagged overdue',
      () => stuck(`?unit=${TRANSPORT}`),
      (xs) => overdueOf(xs).length === 1,
    );
    expect(overdueOf(transport)[0]).toMatchObject({ id: c, stage: 'assigned', unit: TRANSPORT, dueAt: assigned[2].dueAt });
    // The workflow's timer fired: the flag is recorded in the read model, not only computed by the API.
    await waitFor(
      'overdue recorded for the county cases',
      async () =>
        (await h.db.query(`SELECT count(*)::int AS n FROM case_summaries WHERE overdue AND unit IN ($1, $2)`, [HOUSING, TRANSPORT])).rows[0]
          .n as number,
      (n) => n === 3,
    );
    const everything = overdueOf(await stuck(''));
    expect(ids(everything).sort()).toEqual([...overdueIds, a, b, c].sort());
  });

  test('only supervisors (and admins) see it; a bad filter is a 400', async () => {
    for (const actor of [people.operator, people.dispatcher, people.housingHandler, people.reviewer1] as Actor[]) {
      expectApiError(await h.api('GET', '/supervision/stuck', { token: actor }), 403, 'forbidden');
    }
    expectApiError(await h.api('GET', '/supervision/stuck'), 401, 'unauthorized');
    expectStatus(await h.api('GET', '/supervision/stuck', { token: people.admin }), 200);
    const bad = expectApiError(
      await h.api('GET', '/supervision/stuck?unit=Bad%20Unit&stage=closed', { token: people.supervisor }),
      400,
      'invalid_input',
    );
    expect(bad.details.map((x: Json) => x.field).sort()).toEqual(['query.stage', 'query.unit']);
    // A page token the API did not give out, and a limit out of range: 400 at once, naming each.
    const token = expectApiError(
      await h.api('GET', '/supervision/stuck?pageToken=bm90LWEtdG9rZW4&limit=1001', { token: people.supervisor }),
      400,
      'invalid_input',
    );
    expect(token.details.map((x: Json) => x.field).sort()).toEqual(['query.limit', 'query.pageToken']);
  });

  test('pages: limit and nextPageToken walk every stuck case once; total and byReason are the same on every page', async () => {
    const first = expectStatus(await h.api('GET', '/supervision/stuck?limit=1000', { token: people.supervisor }), 200);
    expect(first.total).toBe(first.items.length);
    expect(first.nextPageToken).toBeNull();
    expect(first.total).toBeGreaterThanOrEqual(2);
    expect(Date.parse(first.asOf)).not.toBeNaN();
    const count = (reason: string) => first.items.filter((x: Json) => x.reasons.includes(reason)).length;
    expect(first.byReason).toEqual({ overdue: count('overdue'), due_soon: count('due_soon'), stalled: count('stalled') });

    const walked: Json[] = [];
    let next: string | null = null;
    do {
      const page: Json = expectStatus(
        await h.api('GET', `/supervision/stuck?limit=1${next ? `&pageToken=${next}` : ''}`, { token: people.supervisor }),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(1);
      expect({ total: page.total, byReason: page.byReason, asOf: page.asOf }).toMatchObject({
        total: first.total,
        byReason: first.byReason,
      });
      walked.push(...page.items);
      next = page.nextPageToken;
    } while (next);
    expect(ids(walked)).toEqual(ids(first.items));
  });
});
