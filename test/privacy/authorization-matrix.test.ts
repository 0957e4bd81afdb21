/**
 * The authorization matrix (domain/authorization.ts) against the running app (real dev server, worker, API):
 * every endpoint × every role (and a handler of another unit where the row says "own unit", and no token at all)
 * gets 403 exactly where the table says no, and not 403 where it says yes (409 for the stage is fine). The app may
 * serve no endpoint that the table lacks, and the table may name none that the app does not serve. The workflow's
 * own refusals (rules.ts) agree with the table's action rows. The README's table is the generated one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { ACTIONS, type ActionKind, type ActionSpec, type CaseAction, ROUTED_ACTIONS } from '../../domain/actions';
import {
  actionEndpoint,
  authorizationMarkdown,
  ENDPOINTS,
  PARTNER,
  PUBLIC,
  rolesOf,
  scopeCovers,
  scopeFor,
} from '../../domain/authorization';
import { NewCaseSchema, type CaseState } from '../../domain/case';
import { policyFrom } from '../../domain/limits';
import type { Actor } from '../../domain/roles';
import { initialState, refuse } from '../../domain/rules';
import { drive, type Json, LEDGER_PREFIX, useE2E } from '../e2e/harness';
import { newCase } from '../support/cases';
import { HOUSING, people } from '../support/personas';

/** One person per role; the handler is of the walk case's unit. */
const walkers: Actor[] = [people.operator, people.dispatcher, people.housingHandler, people.reviewer1, people.supervisor, people.admin];
const otherUnitHandler = people.transportHandler;

/** A valid body for each endpoint that takes one (so "allowed" is not hidden behind a 400); others get {}. */
const ACTION_BODIES: Record<Exclude<ActionKind, 'absorb'>, unknown> = {
  assign: { unit: HOUSING },
  // To the unit it has (409 for whoever may): the walk's case must stay with housing.
  reassign: { unit: HOUSING, reason: '职责调整' },
  accept: {},
  return: { reason: '不属于本单位职责' },
  returnDecision: { accept: true },
  contribute: { note: '已配合现场核查' },
  appeal: { reason: '确非本单位职责' },
  appealDecision: { unit: HOUSING, note: '裁定住建办理' },
  progress: { note: '已到现场' },
  submit: { result: '已处理' },
  review: { level: 1, decision: 'approve' },
  callback: { result: 'satisfied' },
  extension: { workingDays: 1, reason: '需协调' },
  extensionDecision: { approve: false },
  urge: { note: '请抓紧' },
  answer: { answer: '已电话答复' },
  void: { reason: 'prank' },
  decision: { action: 'close', note: '督办决定办结' },
  spotCheck: { passed: true, note: '抽查合格' },
  merge: { into: 'aaaaaaaaaaaaaaaa', intoLedgerNo: 'LZ-2026-000009' },
};
const BODIES: Record<string, unknown> = {
  'POST /cases': newCase({ title: '矩阵用例' }),
  'POST /codec/decode': { payloads: [] },
  'POST /codec/encode': { payloads: [] },
  ...Object.fromEntries(ROUTED_ACTIONS.map((k) => [actionEndpoint(k), ACTION_BODIES[k]])),
};

/** `METHOD /path` of every route the app registers, nested routers included (Express path syntax). */
function servedEndpoints(app: Express): string[] {
  const out = new Set<string>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          if (method !== '_all') out.add(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  walk((app as any).router.stack);
  return [...out].sort();
}

/** The endpoints of a supporting unit's actions (协办): "own unit" there is a unit the case names as supporting. */
const SUPPORTING_ENDPOINTS = new Set(ROUTED_ACTIONS.filter((k) => (ACTIONS[k] as ActionSpec).supportingUnits).map(actionEndpoint));

const h = useE2E();

describe('the table covers the app', () => {
  test('every endpoint the app serves is in the matrix, and every row is served', () => {
    const app = createApp({
      client: h.client,
      db: h.db,
      taskQueue: h.taskQueue,
      jwtSecret: h.secret,
      units: h.units,
      ledgerPrefix: LEDGER_PREFIX,
      calendar: h.calendar,
      limits: h.limits,
    });
    const served = servedEndpoints(app);
    const table = Object.keys(ENDPOINTS);
    expect({ servedButNotInDomainAuthorizationTs: served.filter((e) => !table.includes(e)) }).toEqual({
      servedButNotInDomainAuthorizationTs: [],
    });
    expect({ inTableButNotServed: table.filter((e) => !served.includes(e)) }).toEqual({ inTableButNotServed: [] });
  });

  test("the action rows are each action's role and unit binding in ACTIONS, and the workflow's refusals agree with them", () => {
    const registered = initialState(
      {
        id: 'matrix0000000001',
        ledgerNo: 'LZ-2026-000001',
        request: NewCaseSchema.parse(newCase()),
        registeredBy: { id: 'op', name: '李话务' },
        policy: policyFrom(h.limits),
      },
      '2026-03-02T01:00:00Z',
    );
    const assigned: CaseState = { ...registered, stage: 'rectifying', unit: HOUSING };
    for (const kind of ROUTED_ACTIONS) {
      const endpoint = actionEndpoint(kind);
      expect(rolesOf(endpoint)).toEqual([{ role: ACTIONS[kind].role, scope: ACTIONS[kind].unitBound ? 'own_unit' : 'any' }]);
      const action = { kind, ...(ACTION_BODIES[kind] as object) } as CaseAction;
      // A supporting unit's action (协办): "own unit" is a unit the case names as supporting.
      const state = (ACTIONS[kind] as ActionSpec).supportingUnits
        ? { ...assigned, supporting: [{ unit: HOUSING, contribution: null }] }
        : assigned;
      for (const actor of [...walkers, otherUnitHandler]) {
        const scope = scopeFor(endpoint, actor);
        const apiSays = scope !== null && scopeCovers(scope, actor, HOUSING);
        const workflowSays = refuse(state, actor, action)?.code !== 'forbidden';
        expect({ kind, actor: actor.id, workflowSays }).toEqual({ kind, actor: actor.id, workflowSays: apiSays });
      }
    }
  });

  test('the README shows the generated table (npx tsx scripts/authorization-table.ts --write)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = /<!-- authorization-matrix:start -->\n([\s\S]*?)\n<!-- authorization-matrix:end -->/.exec(readme)?.[1];
    expect(block).toBe(authorizationMarkdown());
  });
});

describe('the walk: every endpoint × every role', () => {
  test('403 where the table says no, never where it says yes; 401 without a token unless public', async () => {
    const d = drive(h);
    const c = await d.create({ title: '授权矩阵' });
    await d.assignAndAccept(c.id, people.housingHandler); // its unit stays housing: nothing below can return it
    const rows: string[] = [];
    const wrong: Json[] = [];
    for (const endpoint of Object.keys(ENDPOINTS)) {
      const [method, route] = endpoint.split(' ');
      const url = route.replace(/:(\w+)/g, () => c.id);
      const body = BODIES[endpoint] ?? (method === 'GET' || method === 'DELETE' ? undefined : {});
      const access = ENDPOINTS[endpoint];

      const anonymous = await h.api(method, url, { body });
      // A partner's endpoint answers 403 to anyone without its key, token or not.
      const anonOk =
        access === PUBLIC
          ? ![401, 403].includes(anonymous.status)
          : access === PARTNER
            ? anonymous.status === 403
            : anonymous.status === 401;
      if (!anonOk) wrong.push({ endpoint, who: '(no token)', status: anonymous.status, text: anonymous.text.slice(0, 200) });

      const cells: string[] = [];
      for (const actor of [...walkers, otherUnitHandler]) {
        const scope = scopeFor(endpoint, actor);
        const needsUnit = scope === 'own_unit' && route.includes(':id');
        if (actor === otherUnitHandler && !needsUnit && scope !== null) continue; // only where the unit matters
        // The walk's case is housing's; it names no supporting unit, so a supporting unit's action is nobody's here.
        const unitOfCase = SUPPORTING_ENDPOINTS.has(endpoint) ? null : HOUSING;
        const allowed = scope !== null && (!needsUnit || (unitOfCase !== null && scopeCovers(scope, actor, unitOfCase)));
        const res = await h.api(method, url, { token: actor, body });
        cells.push(`${actor.id}:${res.status}`);
        if (allowed === (res.status === 403) || res.status === 401)
          wrong.push({ endpoint, who: actor.id, allowed, status: res.status, text: res.text.slice(0, 200) });
      }
      rows.push(`${endpoint} → ${cells.join(' ')}`);
    }
    expect(wrong).toEqual([]);
    // The walk really exercised both sides of the table: refusals and successes for each person.
    for (const actor of walkers) {
      const statuses = rows.flatMap((r) => [...r.matchAll(new RegExp(`${actor.id}:(\\d+)`, 'g'))].map((m) => Number(m[1])));
      expect({ who: actor.id, refused: statuses.includes(403), served: statuses.some((s) => s >= 200 && s < 300) }).toEqual({
        who: actor.id,
        refused: true,
        served: true,
      });
    }
    expect(rows).toHaveLength(Object.keys(ENDPOINTS).length);
  });
});
