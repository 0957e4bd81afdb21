/**
 * The audit log (api/audit.ts): append-only JSONL files per month, fsynced records, queries and their filters,
 * refusal of anything that could carry a citizen's identity; and GET /audit over HTTP (real dev server, worker
 * and API): who may read it, and its filters.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuditLog, type AuditEntryInput } from '../../api/audit';
import type { Actor } from '../../domain/roles';
import { type ApiCall, drive, expectApiError, expectStatus, type Json, useE2E } from '../e2e/harness';
import { HOUSING, people } from '../support/personas';

const who = (a: Actor) => ({ id: a.id, name: a.name, roles: [...a.roles] });
const entry = (over: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  action: 'case.read',
  actor: who(people.supervisor),
  caseId: 'abcdefgh12345678',
  endpoint: 'GET /cases/:id',
  ip: '127.0.0.1',
  userAgent: 'jest',
  ...over,
});

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-audit-'));
});
afterAll(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});
const freshDir = async () => fs.mkdtemp(path.join(tmp, 'log-'));

describe('AuditLog', () => {
  test('records are appended as JSON lines, one file per Asia/Shanghai month, with an id and the time', async () => {
    const dir = await freshDir();
    const log = new AuditLog(path.join(dir, 'audit'));
    const a = await log.record(entry({ at: '2026-01-31T15:59:59Z' })); // 23:59:59 in Shanghai: January
    const b = await log.record(entry({ at: '2026-01-31T16:00:00Z' })); // 00:00 on 1 February in Shanghai
    const c = await log.record(entry());
    expect(a.id).not.toBe(b.id);
    expect(Date.parse(c.at)).toBeLessThanOrEqual(Date.now());
    const files = (await fs.readdir(path.join(dir, 'audit'))).sort();
    expect(files).toEqual(expect.arrayContaining(['2026-01.jsonl', '2026-02.jsonl']));
    const jan = (await fs.readFile(path.join(dir, 'audit', '2026-01.jsonl'), 'utf8')).trim().split('\n');
    expect(jan.map((l) => JSON.parse(l))).toEqual([a]);
    const mode = (await fs.stat(path.join(dir, 'audit', '2026-01.jsonl'))).mode & 0o777;
    expect(mode & 0o077).toBe(0); // readable by the service only
  });

  test('query: newest first, across months; from (inclusive), to (exclusive), actor, case, limit', async () => {
    const log = new AuditLog(path.join(await freshDir(), 'audit'));
    const ats = ['2026-01-10T00:00:00Z', '2026-02-10T00:00:00Z', '2026-03-10T00:00:00Z', '2026-03-20T00:00:00Z'];
    for (const [i, at] of ats.entries()) {
      await log.record(
        entry({ at, actor: who(i % 2 ? people.operator : people.supervisor), caseId: i < 2 ? 'case000000000001' : 'case000000000002' }),
      );
    }
    const at = (es: { at: string }[]) => es.map((e) => e.at.slice(0, 10));
    expect(at(await log.query())).toEqual(['2026-03-20', '2026-03-10', '2026-02-10', '2026-01-10']);
    expect(at(await log.query({ from: new Date('2026-02-10T00:00:00Z') }))).toEqual(['2026-03-20', '2026-03-10', '2026-02-10']);
    expect(at(await log.query({ to: new Date('2026-03-10T00:00:00Z') }))).toEqual(['2026-02-10', '2026-01-10']);
    expect(at(await log.query({ actorId: people.operator.id }))).toEqual(['2026-03-20', '2026-02-10']);
    expect(at(await log.query({ caseId: 'case000000000001' }))).toEqual(['2026-02-10', '2026-01-10']);
    expect(at(await log.query({ limit: 2 }))).toEqual(['2026-03-20', '2026-03-10']);
    expect(await new AuditLog(path.join(tmp, 'never-written')).query()).toEqual([]);
  });

  test('concurrent records are whole lines, none lost', async () => {
    const dir = path.join(await freshDir(), 'audit');
    const log = new AuditLog(dir);
    const other = new AuditLog(dir); // a second writer on the same directory (another API process)
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? log : other).record(entry({ caseId: `case${String(i).padStart(12, '0')}` }))),
    );
    const files = await fs.readdir(dir);
    const lines = (await Promise.all(files.map((f) => fs.readFile(path.join(dir, f), 'utf8')))).join('').trim().split('\n');
    expect(lines).toHaveLength(60);
    expect(new Set(lines.map((l) => JSON.parse(l).caseId)).size).toBe(60);
  });

  test('a line half-written by a crash is skipped; the records around it still count', async () => {
    const dir = path.join(await freshDir(), 'audit');
    const log = new AuditLog(dir);
    await log.record(entry({ at: '2026-04-01T00:00:00Z' }));
    await fs.appendFile(path.join(dir, '2026-04.jsonl'), '{"id":"x","at":"2026-04-0');
    await fs.appendFile(path.join(dir, '2026-04.jsonl'), '\n');
    await log.record(entry({ at: '2026-04-02T00:00:00Z' }));
    expect((await log.query()).map((e) => e.at.slice(0, 10))).toEqual(['2026-04-02', '2026-04-01']);
  });

  test('no citizen can slip in: unknown fields are refused (nothing written); phone and ID numbers in filters are masked', async () => {
    const dir = path.join(await freshDir(), 'audit');
    const log = new AuditLog(dir);
    await expect(log.record({ ...entry(), citizen: { name: '张市民', phone: '13800001234' } } as never)).rejects.toThrow();
    await expect(log.record({ ...entry(), phone: '13800001234' } as never)).rejects.toThrow();
    await expect(fs.readdir(dir)).rejects.toThrow(); // not even the directory was made
    const e = await log.record({
      ...entry({ action: 'export', caseId: undefined, endpoint: 'GET /ledger.xlsx' }),
      filter: { q: '13800001234', id: '51202219900101123X', unit: HOUSING },
      count: 12,
    });
    expect(e.filter).toEqual({ q: '138****1234', id: '512***********123X', unit: HOUSING });
    const text = await fs.readFile(path.join(dir, (await fs.readdir(dir))[0]), 'utf8');
    expect(text).not.toContain('13800001234');
    expect(text).not.toContain('51202219900101123X');
  });
});

describe('GET /audit', () => {
  const h = useE2E();
  let api: ApiCall;
  let log: AuditLog;
  const seen: Json[] = [];

  beforeAll(async () => {
    log = new AuditLog(path.join(await freshDir(), 'audit'));
    const app = await h.startApp({ audit: log });
    api = app.api;
    const d = drive(app);
    for (let i = 0; i < 2; i++) seen.push(await d.create({ title: `审计用例${i}` })); // the operator's intake views: recorded
    await d.get(seen[0].id, people.supervisor);
    await d.get(seen[1].id, people.supervisor);
    await d.assign(seen[0].id, HOUSING); // masked: not recorded
    await log.record(entry({ at: '2025-12-15T04:00:00Z', caseId: 'old0000000000001', actor: who(people.supervisor) }));
  });
  test('supervisors and admins may read it; every other role is refused, and so is a caller without a token', async () => {
    for (const actor of [people.supervisor, people.admin]) {
      const body = expectStatus(await api('GET', '/audit', { token: actor }), 200);
      expect(body.items.length).toBe(5);
    }
    for (const actor of [people.operator, people.dispatcher, people.housingHandler, people.reviewer1]) {
      expectApiError(await api('GET', '/audit', { token: actor }), 403, 'forbidden', /督办员或管理员/);
    }
    expectApiError(await api('GET', '/audit'), 401, 'unauthorized');
  });

  test('filters: actor, case, from/to (days in Asia/Shanghai or instants), limit; newest first', async () => {
    const get = async (q: string) => expectStatus(await api('GET', `/audit?${q}`, { token: people.supervisor }), 200).items as Json[];
    expect((await get(`actor=${people.operator.id}`)).map((e) => e.caseId).sort()).toEqual(seen.map((c) => c.id).sort());
    const one = await get(`case=${seen[0].id}`);
    expect(one.map((e) => `${e.actor.id} ${e.endpoint}`).sort()).toEqual([
      `${people.operator.id} POST /cases`,
      `${people.supervisor.id} GET /cases/:id`,
    ]);
    expect((await get('to=2025-12-15')).map((e) => e.caseId)).toEqual(['old0000000000001']); // the whole day, up to its end
    expect(await get('to=2025-12-14')).toEqual([]);
    expect((await get('from=2025-12-16')).map((e) => e.caseId)).not.toContain('old0000000000001');
    expect((await get('from=2025-12-15T04:00:00Z&to=2025-12-15T04:00:01Z')).length).toBe(1);
    const newest = await get('limit=2');
    expect(newest).toHaveLength(2);
    expect(newest[0].at >= newest[1].at).toBe(true);
    const all = await get('');
    for (const e of all) expect(Object.keys(e)).not.toContain('citizen');
  });

  test('a bad filter is a 400 naming it', async () => {
    const err = expectApiError(
      await api('GET', '/audit?from=yesterday&case=x&limit=0&who=me', { token: people.supervisor }),
      400,
      'invalid_input',
    );
    expect(err.details.map((x: Json) => x.field).sort()).toEqual(expect.arrayContaining(['query.case', 'query.from', 'query.limit']));
  });
});
