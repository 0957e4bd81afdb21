/**
 * Intake without a single-workflow bottleneck (issue 9): ledger numbers come from the database (db/ledger.ts), so
 * concurrent POST /cases all succeed with dense numbers; the answer is the state the case starts in (no query); and
 * a number handed out always becomes a case, even when starting its workflow fails: a retry with the same key, or
 * the intake sweeper (api/intake.ts), starts it from the intake's sealed input.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { CaseService } from '../../api/cases';
import { deriveSecret } from '../../api/ids';
import { sweepIntakes, type StartCase } from '../../api/intake';
import { findIntake } from '../../db/ledger';
import type { CaseInput } from '../../domain/case';
import { DEFAULT_RATE_LIMITS } from '../../config/defaults';
import { DEFAULT_LIMITS } from '../../domain/limits';
import { actionUpdates, caseWorkflowId, getCaseQuery } from '../../temporal/definitions';
import { startCase } from '../../temporal/start-case';
import { distinctPhone, newCase } from '../support/cases';
import { captureLogs } from '../support/logs';
import { people } from '../support/personas';
import { drive, expectStatus, useE2E, type ExtraApp } from './harness';

const h = useE2E();
// An app without the per-operator intake limit (60 a minute): this file registers more than that on purpose.
let app: ExtraApp;
beforeAll(async () => {
  app = await h.startApp({ rateLimits: { ...DEFAULT_RATE_LIMITS, intakePerWindow: 0 } });
});
const d = drive({ api: (...args) => app.api(...args) });

const ledgerSeq = (ledgerNo: string): number => Number(/-(\d{6})$/.exec(ledgerNo)![1]);

/** A start that fails `times` times (as when Temporal is unreachable), then starts for real. */
function failingStart(times: number): StartCase & { calls: number } {
  const fn = Object.assign(
    async (client: Client, taskQueue: string, input: CaseInput) => {
      fn.calls += 1;
      if (fn.calls <= times) throw new Error('14 UNAVAILABLE: connect ECONNREFUSED (injected)');
      return startCase(client, taskQueue, input);
    },
    { calls: 0 },
  );
  return fn;
}

/**
 * The harness's client, except that its 并单 updates (`absorb`) fail with `failure()` while `failing.times` is above 0
 * (each failure counts down): a Temporal that cannot be reached, or a case that refuses. Everything else is real.
 */
function clientFailingAbsorb(failure: () => Error): Client & { failing: { times: number } } {
  const failing = { times: 0 };
  const workflow = Object.create(h.client.workflow, {
    getHandle: {
      value: (...args: Parameters<Client['workflow']['getHandle']>) => {
        const handle = h.client.workflow.getHandle(...args);
        return Object.assign(Object.create(handle), {
          executeUpdate: (def: { name: string }, opts: unknown) => {
            if (def.name === actionUpdates.absorb.name && failing.times > 0) {
              failing.times -= 1;
              return Promise.reject(failure());
            }
            return (handle.executeUpdate as (d: unknown, o: unknown) => Promise<unknown>)(def, opts);
          },
        });
      },
    },
  });
  return Object.assign(Object.create(h.client, { workflow: { value: workflow } }), { failing });
}

/** The API's CaseService on the harness's Temporal and database, starting cases with `start`. */
function service(start: StartCase, limits = h.limits, client: Client = h.client): CaseService {
  return new CaseService({
    client,
    db: h.db,
    taskQueue: h.taskQueue,
    ledgerPrefix: 'LZ',
    calendar: h.calendar,
    limits,
    citizenKeySecret: deriveSecret(h.secret, 'citizen-key'),
    startCase: start,
  });
}

test('40 concurrent POST /cases: all 201, 40 distinct, dense ledger numbers, each answer the state the case starts in', async () => {
  const responses = await Promise.all(
    Array.from({ length: 40 }, (_, i) => app.api('POST', '/cases', { token: people.operator, body: newCase({ title: `并发登记 ${i}` }) })),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(40).fill(201));
  const seqs = responses.map((r) => ledgerSeq(r.body.ledgerNo)).sort((a, b) => a - b);
  expect(new Set(seqs).size).toBe(40);
  expect(seqs[39] - seqs[0]).toBe(39);
  for (const r of responses) expect(r.body).toMatchObject({ stage: 'registered', version: 0, timeline: [expect.anything()] });
  // What the API answered without asking the workflow is what the workflow holds.
  const one = responses[7].body;
  expect(await d.get(one.id, people.operator)).toEqual(one);
  // Every intake is marked started.
  const { rows } = await h.db.query('SELECT count(*)::int AS n FROM intakes WHERE case_id = ANY($1) AND started_at IS NOT NULL', [
    responses.map((r) => r.body.id),
  ]);
  expect(rows[0].n).toBe(40);
});

test('20 concurrent POST /cases with one Idempotency-Key: all 201, one case, one intake, one number', async () => {
  const key = `burst-${randomUUID()}`;
  const body = newCase({ title: '同一诉求并发重试' });
  const responses = await Promise.all(
    Array.from({ length: 20 }, () => app.api('POST', '/cases', { token: people.operator, body, headers: { 'Idempotency-Key': key } })),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
  const ids = new Set(responses.map((r) => r.body.id));
  expect(ids.size).toBe(1);
  expect(new Set(responses.map((r) => r.body.ledgerNo)).size).toBe(1);
  const next = await d.create();
  expect(ledgerSeq(next.ledgerNo)).toBe(ledgerSeq(responses[0].body.ledgerNo) + 1);
});

test('a start that fails: the retry with the same key gets the same number and starts the case', async () => {
  const start = failingStart(1);
  const cases = service(start);
  const key = `retry-${randomUUID()}`;
  const request = newCase({ title: '启动失败后重试' });
  await expect(cases.create(people.operator, request, key)).rejects.toThrow(/UNAVAILABLE/);
  const before = (await h.db.query('SELECT case_id, ledger_no, started_at, attempts FROM intakes ORDER BY created_at DESC LIMIT 1'))
    .rows[0];
  expect(before).toMatchObject({ started_at: null, attempts: 1 });

  const state = await cases.create(people.operator, request, key);
  expect(state).toMatchObject({ id: before.case_id, ledgerNo: before.ledger_no, stage: 'registered' });
  expect(start.calls).toBe(2);
  expect(await findIntake(h.db, state.id)).toMatchObject({ startedAt: expect.any(String), input: null });
  // No number was burnt: the next intake follows at once.
  expect(ledgerSeq((await d.create()).ledgerNo)).toBe(ledgerSeq(state.ledgerNo) + 1);
});

test('a start that fails and a client that never retries: the sweeper starts the case; no personal data waits in clear', async () => {
  const cases = service(failingStart(1));
  const request = newCase({ title: '启动失败无人重试', citizen: { name: '赵无重试', phone: distinctPhone() } });
  await expect(cases.create(people.operator, request)).rejects.toThrow(/UNAVAILABLE/);
  const row = (await h.db.query('SELECT * FROM intakes WHERE started_at IS NULL ORDER BY created_at DESC LIMIT 1')).rows[0];
  // The sealed input is encrypted by the payload codec: no name, phone or content in the database.
  const raw = JSON.stringify(row);
  for (const secret of [request.citizen.name, request.citizen.phone, request.content, request.title]) expect(raw).not.toContain(secret);
  expect(row.input).toMatchObject({ metadata: { encoding: expect.any(String) }, data: expect.any(String) });

  // Not yet old enough for the sweeper; then it is.
  const early = await sweepIntakes({ client: h.client, db: h.db, taskQueue: h.taskQueue }, 60_000);
  expect(early.started).not.toContain(row.case_id);
  const report = await sweepIntakes({ client: h.client, db: h.db, taskQueue: h.taskQueue }, 0);
  expect(report.failed).toEqual([]);
  expect(report.started).toContain(row.case_id);

  const state = await h.client.workflow.getHandle(caseWorkflowId(row.case_id)).query(getCaseQuery);
  expect(state).toMatchObject({ ledgerNo: row.ledger_no, stage: 'registered', title: request.title, citizen: request.citizen });
  expect(expectStatus(await app.api('GET', `/cases/${row.case_id}`, { token: people.operator }), 200).ledgerNo).toBe(row.ledger_no);
  expect(await findIntake(h.db, row.case_id)).toMatchObject({ startedAt: expect.any(String), input: null });
  // A second sweep finds nothing to do.
  expect((await sweepIntakes({ client: h.client, db: h.db, taskQueue: h.taskQueue }, 0)).started).toEqual([]);
  expect(ledgerSeq((await d.create()).ledgerNo)).toBe(ledgerSeq(row.ledger_no) + 1);
});

test('并单 survives a failed start: the sweeper records the repeat on the case it repeats', async () => {
  const phone = distinctPhone();
  const merging = service(startCase, DEFAULT_LIMITS);
  const first = await merging.create(people.operator, newCase({ title: '噪音扰民：工地夜间施工', citizen: { name: '钱重复', phone } }));
  // Visibility must know the first case before a repeat can find it.
  const count = () => h.client.workflow.count(`WorkflowId = '${caseWorkflowId(first.id)}'`).then((c) => c.count);
  for (let i = 0; i < 50 && (await count()) === 0; i++) await new Promise((r) => setTimeout(r, 200));

  const failing = service(failingStart(1), DEFAULT_LIMITS);
  await expect(
    failing.create(people.operator, newCase({ title: '噪音扰民：工地夜间施工', citizen: { name: '钱重复', phone } })),
  ).rejects.toThrow(/UNAVAILABLE/);
  const report = await sweepIntakes({ client: h.client, db: h.db, taskQueue: h.taskQueue }, 0);
  expect(report.started).toHaveLength(1);
  const repeat = await h.client.workflow.getHandle(caseWorkflowId(report.started[0])).query(getCaseQuery);
  expect(repeat.mergedInto).toEqual({ id: first.id, ledgerNo: first.ledgerNo });
  const target = await h.client.workflow.getHandle(caseWorkflowId(first.id)).query(getCaseQuery);
  expect(target.timeline.map((e) => e.action)).toContain('absorb');
});

describe('并单 that fails is retried: the intake stays pending until its repeat is recorded', () => {
  /** A first case of a citizen, and the request that repeats it (the configurable 并单 rule: same citizen, type, text). */
  async function firstCaseAndRepeat(title: string) {
    const phone = distinctPhone();
    const first = await service(startCase, DEFAULT_LIMITS).create(people.operator, newCase({ title, citizen: { name: '孙再试', phone } }));
    return { first, repeat: newCase({ title, citizen: { name: '孙再试', phone } }) };
  }
  const absorbedOn = async (id: string) =>
    (await h.client.workflow.getHandle(caseWorkflowId(id)).query(getCaseQuery)).timeline.filter((e) => e.action === 'absorb').length;
  const intakeRow = async (ledgerNo: string) =>
    (await h.db.query('SELECT case_id, started_at, attempts, last_error FROM intakes WHERE ledger_no = $1', [ledgerNo])).rows[0];

  test('Temporal unreachable for the 并单: the API answers the error, the sweeper tries again until it is recorded', async () => {
    const { first, repeat } = await firstCaseAndRepeat('路灯不亮：小区东门');
    const client = clientFailingAbsorb(() => new Error('14 UNAVAILABLE: connect ECONNREFUSED (injected)'));
    client.failing.times = 2;

    // The case starts, its 并单 does not: the caller gets the error, the intake stays pending with the failure counted.
    await expect(service(startCase, DEFAULT_LIMITS, client).create(people.operator, repeat)).rejects.toThrow(/UNAVAILABLE/);
    const pending = (await h.db.query('SELECT * FROM intakes ORDER BY created_at DESC LIMIT 1')).rows[0];
    expect(pending).toMatchObject({ started_at: null, attempts: 1, last_error: expect.stringMatching(/UNAVAILABLE/) });
    expect(pending.input).not.toBeNull(); // still there to start from
    const repeatCase = await h.client.workflow.getHandle(caseWorkflowId(pending.case_id)).query(getCaseQuery);
    expect(repeatCase.mergedInto).toEqual({ id: first.id, ledgerNo: first.ledgerNo });
    expect(await absorbedOn(first.id)).toBe(0);

    // A sweep while it still fails: reported, still pending.
    const deps = { client, db: h.db, taskQueue: h.taskQueue };
    const failed = await sweepIntakes(deps, 0);
    expect(failed.started).not.toContain(pending.case_id);
    expect(failed.failed).toContainEqual({
      caseId: pending.case_id,
      ledgerNo: pending.ledger_no,
      error: expect.stringMatching(/UNAVAILABLE/),
    });
    expect(await intakeRow(pending.ledger_no)).toMatchObject({ started_at: null, attempts: 2 });

    // The next sweep gets through: recorded once on the first case, the intake started and its input dropped.
    const done = await sweepIntakes(deps, 0);
    expect(done.started).toContain(pending.case_id);
    expect(await absorbedOn(first.id)).toBe(1);
    expect(await findIntake(h.db, pending.case_id)).toMatchObject({ startedAt: expect.any(String), input: null });
    expect(await intakeRow(pending.ledger_no)).toMatchObject({ last_error: null });
    // Nothing left: another sweep neither starts it nor records the 并单 again.
    expect((await sweepIntakes(deps, 0)).started).not.toContain(pending.case_id);
    expect(await absorbedOn(first.id)).toBe(1);
  });

  test('a 并单 refused for good (the first case closed meanwhile): logged, the intake started, not retried for ever', async () => {
    const { repeat } = await firstCaseAndRepeat('井盖缺失：人民路口');
    const client = clientFailingAbsorb(
      () =>
        new WorkflowUpdateFailedError(
          'Workflow Update failed',
          ApplicationFailure.create({ type: 'conflict', message: 'the case is closed' }),
        ),
    );
    const logs = captureLogs('error');
    try {
      client.failing.times = 1;
      const state = await service(startCase, DEFAULT_LIMITS, client).create(people.operator, repeat);
      expect(state.mergedInto).toBeDefined();
      expect(await findIntake(h.db, state.id)).toMatchObject({ startedAt: expect.any(String), input: null });
      expect(logs.entries()).toContainEqual(
        expect.objectContaining({ level: 'error', msg: expect.stringMatching(/refused to record it \(conflict\)/) }),
      );
    } finally {
      logs.stop();
    }
  });
});
