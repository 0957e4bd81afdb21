import { createHash, randomBytes } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { AttachmentLimits } from '../../config/defaults';
import {
  countAttachments,
  findSameAttachment,
  getAttachment,
  insertAttachment,
  listAttachments,
  type AttachmentRecord,
} from '../../db/attachment-queries';
import type { Db } from '../../db/pool';
import { CaseIdSchema } from '../../domain/actions';
import {
  ATTACHMENT_TYPES,
  AttachmentListSchema,
  AttachmentSchema,
  attachmentVisible,
  nameForType,
  uploaderRole,
  uploadRefusal,
  UploadQuerySchema,
  type Attachment,
  type AttachmentKind,
} from '../../domain/attachments';
import { scopeCovers, type CaseScope } from '../../domain/authorization';
import type { CaseState } from '../../domain/case';
import { citizenVisibility, redactText, type CitizenVisibility } from '../../domain/privacy';
import type { EncryptedBlobStore } from '../blobs/encrypted';
import { requestContext, type AuditLog } from '../audit';
import { actorOf, authorize } from '../auth';
import type { CaseService } from '../cases';
import { ApiError } from '../errors';
import { sniffFileType } from '../file-type';
import { parseQuery } from '../validate';

export interface AttachmentRouteDeps {
  cases: Pick<CaseService, 'get'>;
  db: Db;
  audit: AuditLog;
  /** Unset: the three routes answer 503 (api/server.ts always configures one; see config/schema.ts `blobs`). */
  blobs?: EncryptedBlobStore;
  limits: AttachmentLimits;
}

interface Upload {
  state: CaseState;
  kind: AttachmentKind;
  name: string;
}

const ACCEPTED = Object.values(ATTACHMENT_TYPES).join('、');
const newAttachmentId = () => randomBytes(10).toString('hex');

/**
 * Evidence and attachments (附件): operators add the citizen's files, the case's unit its 整改材料 and 办理结果材料;
 * everyone who may read the case lists and downloads them, except the citizen's own files of a protected case,
 * hidden from the units it concerns exactly as the citizen is. Every download is in the audit log before a byte leaves.
 */
export function attachmentRoutes(deps: AttachmentRouteDeps): Router {
  const { db, limits } = deps;
  const router = Router();
  const store = (): EncryptedBlobStore => {
    if (!deps.blobs) throw new ApiError('unavailable', '未配置附件存储');
    return deps.blobs;
  };

  /** The case as the caller may read it (a handler: only its own unit's), and how much of its citizen they see. */
  const readable = async (req: Request, res: Response) => {
    const caseId = CaseIdSchema.safeParse(req.params.id);
    if (!caseId.success) throw new ApiError('not_found', '没有这件工单');
    const state = await deps.cases.get(caseId.data);
    const actor = actorOf(res);
    if (!scopeCovers(res.locals.caseScope as CaseScope, actor, state.unit)) throw new ApiError('forbidden', '该工单不由本单位承办');
    return { state, actor, visibility: citizenVisibility(state, actor) };
  };

  const viewOf = (record: AttachmentRecord, state: CaseState, visibility: CitizenVisibility): Attachment => {
    const { fileNameSealed, blobKey: _where, ...rest } = record;
    return { ...rest, name: redactText(store().openText(fileNameSealed, record.id), state.citizen, visibility) };
  };

  // Who may add which kind, and the stage, are checked before the body is read: a refused upload costs no transfer.
  const checkUpload: RequestHandler = (req, res, next) => {
    const run = async () => {
      store();
      const { kind, name } = parseQuery(UploadQuerySchema, req.query);
      const caseId = CaseIdSchema.safeParse(req.params.id);
      if (!caseId.success) throw new ApiError('not_found', '没有这件工单');
      const state = await deps.cases.get(caseId.data);
      const why = uploadRefusal(state, actorOf(res), kind);
      if (why) throw ApiError.from(why);
      res.locals.upload = { state, kind, name } satisfies Upload;
    };
    run().then(() => next(), next);
  };

  router.post(
    '/cases/:id/attachments',
    authorize('POST /cases/:id/attachments'),
    checkUpload,
    // Any declared type: what the file is gets sniffed below, never taken from the request.
    express.raw({ type: () => true, limit: limits.maxBytes }),
    async (req, res) => {
      const { state, kind, name } = res.locals.upload as Upload;
      const actor = actorOf(res);
      const bytes = req.body as unknown;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0)
        throw new ApiError('invalid_input', '请以请求内容发送文件（content-type application/octet-stream）', [
          { field: '(body)', message: 'no file' },
        ]);
      const sniffed = sniffFileType(bytes);
      if (sniffed.type === null)
        throw new ApiError('unsupported_type', `「${name}」是${sniffed.what}；只接受 ${ACCEPTED}`, [
          { field: '(body)', message: sniffed.what },
        ]);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const visibility = citizenVisibility(state, actor);

      const same = await findSameAttachment(db, state.id, kind, sha256);
      if (same) return void res.status(200).json(viewOf(same, state, visibility));
      if ((await countAttachments(db, state.id)) >= limits.perCase) throw full(limits.perCase);

      const id = newAttachmentId();
      const blobKey = `${state.id}/${id}`;
      await store().put(blobKey, bytes);
      const outcome = await insertAttachment(
        db,
        {
          id,
          caseId: state.id,
          kind,
          fileNameSealed: store().sealText(nameForType(name, sniffed.type), id),
          contentType: sniffed.type,
          size: bytes.length,
          sha256,
          uploadedBy: { id: actor.id, name: actor.name, role: uploaderRole(kind), unit: actor.unit ?? null },
          blobKey,
          fromCitizen: kind === 'intake',
        },
        limits.perCase,
      );
      if (!('created' in outcome)) await store().delete(blobKey); // another upload got there first
      if ('full' in outcome) throw full(limits.perCase);
      const record = 'created' in outcome ? outcome.created : outcome.same;
      res.status('created' in outcome ? 201 : 200).json(viewOf(record, state, visibility));
    },
  );

  router.get('/cases/:id/attachments', authorize('GET /cases/:id/attachments'), async (req, res) => {
    const { state, visibility } = await readable(req, res);
    const records = (await listAttachments(db, state.id)).filter((r) => attachmentVisible(r, visibility));
    const items = records.map((r) => viewOf(r, state, visibility));
    // As for a case view: names in full (they may name the citizen) are a read of personal data.
    if (visibility === 'full' && items.length > 0) {
      await deps.audit.record({
        action: 'attachments.list',
        ...requestContext(req, res),
        caseId: state.id,
        ledgerNo: state.ledgerNo,
        endpoint: 'GET /cases/:id/attachments',
        visibility,
        count: items.length,
      });
    }
    res.setHeader('cache-control', 'no-store');
    res.json({ items });
  });

  router.get('/cases/:id/attachments/:attachmentId', authorize('GET /cases/:id/attachments/:attachmentId'), async (req, res) => {
    const { state, visibility } = await readable(req, res);
    const record = await getAttachment(db, state.id, String(req.params.attachmentId));
    // One the caller may not see does not exist for them: the same answer as a wrong id.
    if (!record || !attachmentVisible(record, visibility)) throw new ApiError('not_found', '没有这个附件');
    const bytes = await store().get(record.blobKey);
    if (createHash('sha256').update(bytes).digest('hex') !== record.sha256)
      throw new Error(`attachment ${record.id} does not match its sha256: the blob store returned other bytes`);
    const name = viewOf(record, state, visibility).name;
    // Recorded before a byte leaves: a download that cannot be audited does not happen.
    await deps.audit.record({
      action: 'attachment.download',
      ...requestContext(req, res),
      caseId: state.id,
      ledgerNo: state.ledgerNo,
      endpoint: 'GET /cases/:id/attachments/:attachmentId',
      visibility,
      details: { attachmentId: record.id, kind: record.kind, contentType: record.contentType, size: record.size, sha256: record.sha256 },
    });
    res.status(200);
    res.setHeader('content-type', record.contentType);
    res.setHeader('content-disposition', contentDisposition(name));
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    res.end(bytes);
  });

  router.use(tooLarge(limits.maxBytes));
  return router;
}

function full(perCase: number): ApiError {
  return new ApiError('conflict', `每件工单至多 ${perCase} 个附件`, { limit: perCase });
}

/** The body parser's refusal of a body over the limit, as our 413. */
function tooLarge(maxBytes: number): ErrorRequestHandler {
  return (err, _req, _res, next) => {
    if ((err as { type?: string })?.type !== 'entity.too.large') return next(err);
    next(new ApiError('too_large', `文件超过 ${maxBytes / 1024 / 1024} MB`, [{ field: '(body)', message: `at most ${maxBytes} bytes` }]));
  };
}

/**
 * `attachment`, with the name twice (RFC 6266): an ASCII stand-in for old clients, and the real name in UTF-8
 * (RFC 5987), which every browser prefers — Chinese names arrive as they were given.
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

// ---------------------------------------------------------------------------------------------------------
// Documentation, merged into the OpenAPI document (api/openapi.ts).

const jsonSchema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' });
const errors = (...codes: [number, string][]) =>
  Object.fromEntries(
    codes.map(([s, d]) => [
      String(s),
      { description: d, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  );
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const attachment = (description: string) => ({ description, content: { 'application/json': { schema: jsonSchema(AttachmentSchema) } } });

export const attachmentOpenApiPaths: Record<string, unknown> = {
  '/cases/{id}/attachments': {
    post: {
      summary:
        'add a file to a case: the raw file is the body (any content-type but JSON; its type is sniffed, never taken from the request). kind=intake: operators, until the case closes; kind=progress or result: a handler of the unit holding the case, while assigned or rectifying',
      parameters: [
        idParam,
        { name: 'kind', in: 'query', required: true, schema: { type: 'string', enum: ['intake', 'progress', 'result'] } },
        { name: 'name', in: 'query', required: true, schema: { type: 'string', maxLength: 200 }, description: 'the file name' },
      ],
      requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
      responses: {
        '201': attachment('the attachment'),
        '200': attachment('the case holds these very bytes as this kind already: that attachment'),
        ...errors(
          [400, 'invalid_input: kind, name or an empty body'],
          [401, 'unauthorized'],
          [403, 'forbidden: not your kind, or not your unit'],
          [404, 'not_found'],
          [409, 'conflict: the case is closed or at another stage, or holds as many attachments as allowed'],
          [413, 'too_large: over HUIYING_ATTACHMENT_MAX_MB'],
          [415, `unsupported_type: not one of ${ACCEPTED}; the message names what it is`],
          [503, 'unavailable'],
        ),
      },
    },
    get: {
      summary:
        "a case's attachments, oldest first, as the caller may see them: the citizen's own (intake) files of a protected case are left out for the units it concerns; names masked as the case's free text",
      parameters: [idParam],
      responses: {
        '200': { description: '{items}', content: { 'application/json': { schema: jsonSchema(AttachmentListSchema) } } },
        ...errors([401, 'unauthorized'], [403, 'forbidden'], [404, 'not_found'], [503, 'unavailable']),
      },
    },
  },
  '/cases/{id}/attachments/{attachmentId}': {
    get: {
      summary:
        "the file's bytes, with its sniffed Content-Type, Content-Disposition: attachment and X-Content-Type-Options: nosniff; recorded in the audit log (attachment.download) before it is sent",
      parameters: [idParam, { name: 'attachmentId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': {
          description: 'the file',
          content: Object.fromEntries(Object.keys(ATTACHMENT_TYPES).map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
        },
        ...errors(
          [401, 'unauthorized'],
          [403, 'forbidden'],
          [404, 'not_found: no such attachment, or one hidden from the caller'],
          [503, 'unavailable'],
        ),
      },
    },
  },
};
