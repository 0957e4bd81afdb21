import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import { z } from 'zod';
import {
  allKnowledge,
  createKnowledge,
  getKnowledge,
  importKnowledge,
  knowledgeHistory,
  KnowledgeRefused,
  listKnowledge,
  recordKnowledgeUse,
  retireKnowledge,
  updateKnowledge,
} from '../../db/knowledge-queries';
import type { Db } from '../../db/pool';
import {
  KNOWLEDGE_EDIT_ROLES,
  KNOWLEDGE_READ_ROLES,
  KNOWLEDGE_USE_ROLE,
  KnowledgeChangeSchema,
  KnowledgeEntrySchema,
  KnowledgeInputSchema,
  KnowledgePageSchema,
  KnowledgeQuerySchema,
  KnowledgeUpdateSchema,
  KnowledgeUseSchema,
  shanghaiToday,
} from '../../domain/knowledge';
import { queryGrams } from '../../domain/text-search';
import { actorOf, authorize } from '../auth';
import { ApiError } from '../errors';
import { IMPORT_MAX_BYTES, knowledgeWorkbook, readKnowledgeSheet, XLSX_TYPE } from '../knowledge-sheet';
import { parseBody, parseQuery } from '../validate';

/** The entry an `:id` names: a whole number, or no such entry (404, as for any id that cannot exist). */
function entryId(req: Request): number {
  const id = String(req.params.id);
  if (!/^[1-9][0-9]{0,15}$/.test(id)) throw new ApiError('not_found', `没有知识库条目「${id}」`);
  return Number(id);
}

/** The version a change is made from: If-Match ("3", W/"3" or 3) or the body's `version`; one of them is required for a PUT. */
function expectedVersion(req: Request, bodyVersion: number | undefined, required: boolean): number | undefined {
  const header = req.get('if-match');
  if (header !== undefined) {
    const m = /^(?:W\/)?"?([1-9][0-9]{0,9})"?$/.exec(header.trim());
    if (!m) throw new ApiError('invalid_input', 'If-Match 须注明版本号', [{ field: 'If-Match', message: 'expected "<version>"' }]);
    return Number(m[1]);
  }
  if (bodyVersion === undefined && required) {
    throw new ApiError('invalid_input', '请注明修改所依据的版本：If-Match 或 version', [
      { field: 'version', message: 'required (or an If-Match header)' },
    ]);
  }
  return bodyVersion;
}

const etag = (version: number) => `"${version}"`;

/** The refusals of db/knowledge-queries.ts as API errors (404, 409, an import's 400 naming row and column). */
const refusals: ErrorRequestHandler = (err, _req, _res, next) => {
  next(err instanceof KnowledgeRefused ? ApiError.from(err.refusal) : err);
};

/**
 * The knowledge base (知识库): operators, dispatchers, supervisors and admins search and read it; supervisors and
 * admins maintain it (every change in its history); an operator reports the entry a direct answer used.
 */
export function knowledgeRoutes(deps: { db: Db }): Router {
  const router = Router();
  const { db } = deps;

  router.get('/knowledge', authorize('GET /knowledge'), async (req, res) => {
    const q = parseQuery(KnowledgeQuerySchema, req.query);
    const actor = actorOf(res);
    // Those who answer citizens see what holds today unless they ask otherwise; maintainers see everything.
    const maintainer = actor.roles.some((r) => KNOWLEDGE_EDIT_ROLES.has(r));
    const page = await listKnowledge(db, {
      grams: q.q ? queryGrams(q.q) : [],
      category: q.category,
      valid: q.valid ?? (maintainer ? undefined : true),
      limit: q.limit,
      offset: q.offset,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json(page);
  });

  router.get('/knowledge.xlsx', authorize('GET /knowledge.xlsx'), async (_req, res) => {
    const file = await knowledgeWorkbook(await allKnowledge(db));
    res.setHeader('content-type', XLSX_TYPE);
    res.setHeader('content-disposition', `attachment; filename="knowledge-${shanghaiToday()}.xlsx"`);
    res.setHeader('cache-control', 'no-store');
    res.send(file);
  });

  router.post(
    '/knowledge/import',
    authorize('POST /knowledge/import'),
    express.raw({ type: XLSX_TYPE, limit: IMPORT_MAX_BYTES }),
    async (req, res) => {
      const rows = await readKnowledgeSheet(req.body);
      res.json(await importKnowledge(db, rows, actorOf(res)));
    },
  );

  router.post('/knowledge', authorize('POST /knowledge'), async (req, res) => {
    const input = parseBody(KnowledgeInputSchema, req.body);
    const entry = await createKnowledge(db, input, actorOf(res));
    res.status(201).setHeader('ETag', etag(entry.version)).json(entry);
  });

  router.get('/knowledge/:id', authorize('GET /knowledge/:id'), async (req, res) => {
    const entry = await getKnowledge(db, entryId(req));
    if (!entry) throw new ApiError('not_found', `没有知识库条目 ${req.params.id}`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('ETag', etag(entry.version)).json(entry);
  });

  router.get('/knowledge/:id/history', authorize('GET /knowledge/:id/history'), async (req, res) => {
    const items = await knowledgeHistory(db, entryId(req));
    if (!items) throw new ApiError('not_found', `没有知识库条目 ${req.params.id}`);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items });
  });

  router.put('/knowledge/:id', authorize('PUT /knowledge/:id'), async (req, res) => {
    const id = entryId(req);
    const { version, ...input } = parseBody(KnowledgeUpdateSchema, req.body);
    const entry = await updateKnowledge(db, id, expectedVersion(req, version, true), input, actorOf(res));
    res.setHeader('ETag', etag(entry.version)).json(entry);
  });

  router.delete('/knowledge/:id', authorize('DELETE /knowledge/:id'), async (req, res) => {
    const id = entryId(req);
    const entry = await retireKnowledge(db, id, expectedVersion(req, undefined, false), actorOf(res));
    res.json(entry);
  });

  router.post('/knowledge/:id/uses', authorize('POST /knowledge/:id/uses'), async (req, res) => {
    const id = entryId(req);
    const { caseId } = parseBody(KnowledgeUseSchema, req.body);
    const use = await recordKnowledgeUse(db, id, caseId, actorOf(res));
    res.status(use.counted ? 201 : 200).json({ entryId: id, caseId, ...use });
  });

  router.use(refusals);
  return router;
}

// ---------------------------------------------------------------------------------------------------------
// Documentation, merged into the OpenAPI document (api/openapi.ts).

const jsonSchema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' });
const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const errors = (...codes: [number, string][]) => Object.fromEntries(codes.map(([s, d]) => [String(s), { description: d, ...error }]));
const body = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: jsonSchema(s, 'input') } } });
const answer = (description: string, s: z.ZodType) => ({
  description,
  content: { 'application/json': { schema: jsonSchema(s, 'output') } },
});
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const ifMatch = {
  name: 'If-Match',
  in: 'header',
  required: false,
  schema: { type: 'string' },
  description: 'the version the change was made from, "3"',
};
const readers = [...KNOWLEDGE_READ_ROLES].join(', ');
const editors = [...KNOWLEDGE_EDIT_ROLES].join(', ');
const entry = answer('the entry; ETag: its version', KnowledgeEntrySchema);

export const knowledgeOpenApiPaths: Record<string, unknown> = {
  '/knowledge': {
    get: {
      summary: `search the knowledge base (知识库): q through the Chinese bigrams of question, answer and keywords; most used first; operators and dispatchers see only entries valid today unless valid= says otherwise (roles: ${readers})`,
      parameters: Object.entries((jsonSchema(KnowledgeQuerySchema, 'input') as { properties: Record<string, unknown> }).properties).map(
        ([name, schema]) => ({ name, in: 'query', required: false, schema }),
      ),
      responses: {
        '200': answer('{items, total}', KnowledgePageSchema),
        ...errors([400, 'invalid_input'], [401, 'unauthorized'], [403, 'forbidden']),
      },
    },
    post: {
      summary: `add an entry; recorded in its history as created (roles: ${editors})`,
      requestBody: body(KnowledgeInputSchema),
      responses: { '201': entry, ...errors([400, 'invalid_input'], [401, 'unauthorized'], [403, 'forbidden']) },
    },
  },
  '/knowledge/{id}': {
    get: {
      summary: `one entry, retired or not (roles: ${readers})`,
      parameters: [idParam],
      responses: { '200': entry, ...errors([401, 'unauthorized'], [403, 'forbidden'], [404, 'not_found']) },
    },
    put: {
      summary: `replace an entry's values, made from a version (If-Match or version; a stale one → 409) (roles: ${editors})`,
      parameters: [idParam, ifMatch],
      requestBody: body(KnowledgeUpdateSchema),
      responses: {
        '200': entry,
        ...errors(
          [400, 'invalid_input'],
          [401, 'unauthorized'],
          [403, 'forbidden'],
          [404, 'not_found'],
          [409, 'conflict: changed meanwhile, or retired'],
        ),
      },
    },
    delete: {
      summary: `retire an entry: no longer listed, kept with its history and usage (roles: ${editors})`,
      parameters: [idParam, ifMatch],
      responses: {
        '200': entry,
        ...errors(
          [400, 'invalid_input'],
          [401, 'unauthorized'],
          [403, 'forbidden'],
          [404, 'not_found'],
          [409, 'conflict: changed meanwhile, or retired already'],
        ),
      },
    },
  },
  '/knowledge/{id}/history': {
    get: {
      summary: `who changed the entry, when, and its values before and after each change, oldest first (roles: ${readers})`,
      parameters: [idParam],
      responses: {
        '200': answer('{items}', z.object({ items: z.array(KnowledgeChangeSchema) })),
        ...errors([401, 'unauthorized'], [403, 'forbidden'], [404, 'not_found']),
      },
    },
  },
  '/knowledge/{id}/uses': {
    post: {
      summary: `a direct answer (直接答复) used this entry: the console calls it after registering a case answered from the entry; a case counts once (role: ${KNOWLEDGE_USE_ROLE})`,
      parameters: [idParam],
      requestBody: body(KnowledgeUseSchema),
      responses: {
        '201': { description: '{entryId, caseId, counted: true, usageCount}' },
        '200': { description: 'the case was counted before: {entryId, caseId, counted: false, usageCount}' },
        ...errors(
          [400, 'invalid_input: not a case id, or no such case'],
          [401, 'unauthorized'],
          [403, 'forbidden'],
          [404, 'not_found: no such entry'],
          [409, 'conflict: the case was not answered directly'],
        ),
      },
    },
  },
  '/knowledge.xlsx': {
    get: {
      summary: `every entry not retired as a spreadsheet: 编号 版本 问题 答案 分类 关键词 有效期起 有效期止 来源 使用次数 (roles: ${editors})`,
      responses: {
        '200': { description: 'knowledge-<day>.xlsx', content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } },
        ...errors([401, 'unauthorized'], [403, 'forbidden']),
      },
    },
  },
  '/knowledge/import': {
    post: {
      summary: `import a spreadsheet (the raw body, at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB): headers 问题 答案 分类 有效期起 (required), 关键词 有效期止 来源, and 编号 (版本) to update an entry; all rows or none (roles: ${editors})`,
      requestBody: { required: true, content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } },
      responses: {
        '200': { description: '{created, updated, unchanged}' },
        ...errors(
          [400, 'invalid_input: details name each bad row and column ({row, column, field, message})'],
          [401, 'unauthorized'],
          [403, 'forbidden'],
          [409, 'conflict: a row updates an entry changed since (版本) or retired'],
        ),
      },
    },
  },
};
