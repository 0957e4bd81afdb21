import { z } from 'zod';
import { CaseIdSchema } from '../domain/actions';
import { CitizenSchema, RequestTypeSchema, StageSchema } from '../domain/case';
import { IsoDaySchema, shanghaiMidnight } from '../domain/metrics';
import { seesEveryCitizen } from '../domain/privacy';
import { queryGrams } from '../domain/text-search';
import { hasRole, type Actor } from '../domain/roles';
import type { ListedCase } from '../domain/summary';
import { UnitSchema } from '../domain/units';
import { listCasePage, type CaseCursor } from '../db/case-queries';
import type { Db } from '../db/pool';
import { ApiError } from './errors';

/**
 * The page token is opaque to clients: base64url of the last listed case's [registeredAt, id]. It is decoded and
 * checked here, in the query schema, so a malformed or tampered token is a 400 naming `query.pageToken` and never
 * reaches the database. (A well-formed token someone made up only moves where the page starts: it shows nothing the
 * filter would not.)
 */
const CursorSchema = z.tuple([z.iso.datetime(), CaseIdSchema]);

export function encodePageToken(cursor: CaseCursor): string {
  return Buffer.from(JSON.stringify([cursor.registeredAt, cursor.id])).toString('base64url');
}

function decodePageToken(token: string): CaseCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length > 200) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = CursorSchema.safeParse(json);
  return parsed.success ? { registeredAt: parsed.data[0], id: parsed.data[1] } : null;
}

const Bool = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

export const CaseListQuerySchema = z
  .object({
    stage: StageSchema.optional(),
    unit: UnitSchema.shape.code.optional(),
    type: RequestTypeSchema.optional(),
    /** A citizen's phone: their cases (possible 并单 at intake). Matched through its keyed hash; never stored. */
    phone: CitizenSchema.shape.phone.optional(),
    /** `true`: only cases still open. */
    open: Bool,
    /** One case by its ledger number (台账编号), exactly. */
    ledgerNo: z.string().trim().min(1).max(50).optional(),
    /** Words in the title, content, location or category: each of them, in any order (domain/text-search.ts). */
    q: z
      .string()
      .trim()
      .max(100)
      .refine((q) => queryGrams(q).length > 0, { error: 'give at least one word to search for' })
      .optional(),
    /** Registered on or after this day (Asia/Shanghai). */
    from: IsoDaySchema.optional(),
    /** Registered before this day (Asia/Shanghai): [from, to), as the ledger export counts. */
    to: IsoDaySchema.optional(),
    /** `true`: only overdue cases; `false`: only cases not overdue. */
    overdue: Bool,
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
    pageToken: z
      .string()
      .transform((token, ctx) => {
        if (token === '') return undefined; // an empty token is the first page, as it always was
        const cursor = decodePageToken(token);
        if (!cursor) {
          ctx.issues.push({ code: 'custom', message: 'not a page token this API gave out (use nextPageToken as it is)', input: token });
          return z.NEVER;
        }
        return cursor;
      })
      .optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from < q.to, { error: 'must be a later day than from', path: ['to'] });
export type CaseListQuery = z.infer<typeof CaseListQuerySchema>;

/**
 * Lists cases from the read model, newest first. A handler is held to its own unit whatever it asks for; only someone
 * who sees every citizen may ask by phone (`citizenKey` turns the phone into its keyed hash).
 */
export async function listCases(
  db: Db,
  actor: Actor,
  q: CaseListQuery,
  citizenKey: (phone: string) => string,
): Promise<{ items: ListedCase[]; nextPageToken: string | null }> {
  const unit = restrictUnit(actor, q.unit);
  if (q.phone !== undefined && !seesEveryCitizen(actor))
    throw new ApiError('forbidden', '只有不属于任何单位的话务员和督办员可以按电话号码查找工单');
  const filter = {
    stage: q.stage,
    unit,
    type: q.type,
    citizenKey: q.phone === undefined ? undefined : citizenKey(q.phone),
    open: q.open,
    ledgerNo: q.ledgerNo,
    grams: q.q === undefined ? undefined : queryGrams(q.q),
    from: q.from === undefined ? undefined : shanghaiMidnight(q.from),
    to: q.to === undefined ? undefined : shanghaiMidnight(q.to),
    overdue: q.overdue,
  };
  const page = await listCasePage(db, filter, q.pageSize, q.pageToken);
  return { items: page.items, nextPageToken: page.next ? encodePageToken(page.next) : null };
}

/** Handlers see their unit only; anyone holding another role as well sees what that role sees. */
export function restrictUnit(actor: Actor, asked: string | undefined): string | undefined {
  const onlyHandler = hasRole(actor, 'handler') && actor.roles.every((r) => r === 'handler');
  if (!onlyHandler) return asked;
  if (asked && asked !== actor.unit) throw new ApiError('forbidden', '承办人只能查看本单位的工单');
  return actor.unit;
}
