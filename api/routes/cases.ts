import { Router } from 'express';
import { z } from 'zod';
import { ACTIONS, CaseIdSchema, ROUTED_ACTIONS, type CaseAction } from '../../domain/actions';
import { actionEndpoint } from '../../domain/authorization';
import { NewCaseSchema } from '../../domain/case';
import { maskPhone } from '../../domain/masking';
import { hasRole, REVIEW_LEVEL_LABELS, type Actor } from '../../domain/roles';
import type { UnitDirectory } from '../../domain/units';
import type { WorkingCalendar } from '../../domain/calendar';
import { requestContext, type AuditLog } from '../audit';
import { actorOf, authorize } from '../auth';
import { CaseListQuerySchema, listCases } from '../case-list';
import type { CaseService } from '../cases';
import { ApiError } from '../errors';
import { parseBody, parseQuery } from '../validate';
import { caseView } from '../view';
import type { Db } from '../../db/pool';

const IdempotencyKeySchema = z.string().min(1).max(200);

export interface CaseRouteDeps {
  cases: CaseService;
  db: Db;
  units: UnitDirectory;
  calendar: WorkingCalendar;
  audit: AuditLog;
}

export function caseRoutes(deps: CaseRouteDeps): Router {
  const { cases, db, units, calendar } = deps;
  const router = Router();

  router.post('/cases', authorize('POST /cases'), async (req, res) => {
    const body = parseBody(NewCaseSchema, req.body);
    if (body.answer && body.type !== 'consultation') {
      throw new ApiError('invalid_input', '只有咨询类诉求可以直接答复', [
        { field: 'answer', message: `not allowed for type '${body.type}'` },
      ]);
    }
    if (body.about && !units.has(body.about)) {
      throw new ApiError('invalid_input', `单位目录中没有「${body.about}」`, [
        { field: 'about', message: 'not in the unit directory (GET /units)' },
      ]);
    }
    const state = await cases.create(actorOf(res), body, idempotencyKey(req.get('idempotency-key')));
    res.status(201).json(caseView(state, actorOf(res), units, calendar));
  });

  router.get('/cases', async (req, res) => {
    const query = parseQuery(CaseListQuerySchema, req.query);
    const page = await listCases(db, actorOf(res), query, (phone) => cases.citizenKey(phone));
    // Which cases a phone has is personal data: recorded (phone masked) before the answer leaves.
    if (query.phone !== undefined) {
      await deps.audit.record({
        action: 'cases.search',
        ...requestContext(req, res),
        filter: { phone: maskPhone(query.phone), ...(query.open !== undefined ? { open: query.open } : {}) },
        endpoint: 'GET /cases',
        count: page.items.length,
      });
    }
    res.json(page);
  });

  router.get('/cases/:id', async (req, res) => {
    const actor = actorOf(res);
    const state = await cases.get(caseId(String(req.params.id)));
    // A supporting unit (协办) reads the case it helps with, as the lead unit does.
    const helps = (state.supporting ?? []).some((s) => s.unit === actor.unit);
    if (onlyHandler(actor) && state.unit !== actor.unit && !helps) throw new ApiError('forbidden', '该工单不由本单位承办');
    res.json(caseView(state, actor, units, calendar));
  });

  router.post(`/cases/:id/${ACTIONS.merge.path}`, authorize(actionEndpoint('merge')), async (req, res) => {
    const { into } = parseBody(ACTIONS.merge.routeBody, req.body);
    const state = await cases.merge(actorOf(res), caseId(String(req.params.id)), into);
    res.json(caseView(state, actorOf(res), units, calendar));
  });

  // Merge, above, takes a route body of its own; every other action's route sends its body as it is.
  for (const kind of ROUTED_ACTIONS.filter((k) => k !== 'merge')) {
    router.post(`/cases/:id/${ACTIONS[kind].path}`, authorize(actionEndpoint(kind)), async (req, res) => {
      const actor = actorOf(res);
      const body = parseBody(ACTIONS[kind].body, req.body);
      checkBeforeSending(actor, { kind, ...body } as CaseAction, units);
      const state = await cases.act(caseId(String(req.params.id)), kind, actor, body as never, idempotencyKey(req.get('idempotency-key')));
      res.json(caseView(state, actor, units, calendar));
    });
  }
  return router;
}

/** What the API can refuse without asking the case; the workflow's validators check everything again. */
function checkBeforeSending(actor: Actor, action: CaseAction, units: UnitDirectory): void {
  const named = [...('unit' in action && action.unit ? [action.unit] : []), ...('supporting' in action ? (action.supporting ?? []) : [])];
  const unit = named.find((code) => !units.has(code));
  if (unit !== undefined) {
    throw new ApiError('invalid_input', `单位目录中没有「${unit}」`, [
      { field: 'unit' in action && action.unit === unit ? 'unit' : 'supporting', message: 'not in the unit directory (GET /units)' },
    ]);
  }
  if (action.kind === 'review' && !actor.levels.includes(action.level)) {
    throw new ApiError('forbidden', `您没有${REVIEW_LEVEL_LABELS[action.level]}（第${action.level}级）权限`);
  }
}

function onlyHandler(actor: Actor): boolean {
  return hasRole(actor, 'handler') && actor.roles.every((r) => r === 'handler');
}

function caseId(raw: string): string {
  const parsed = CaseIdSchema.safeParse(raw);
  // An id that cannot exist is simply not found; no need to ask Temporal.
  if (!parsed.success) throw new ApiError('not_found', '没有这件工单');
  return parsed.data;
}

function idempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const parsed = IdempotencyKeySchema.safeParse(raw);
  if (!parsed.success)
    throw new ApiError('invalid_input', 'Idempotency-Key 须为 1–200 个字符', [{ field: 'Idempotency-Key', message: 'invalid header' }]);
  return parsed.data;
}
