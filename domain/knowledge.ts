/**
 * The knowledge base (知识库): answers to common questions, kept by supervisors and admins, searched by operators at
 * intake and given on the phone as direct answers (直接答复). Only zod here (no calendar data): the console imports
 * these schemas for its forms.
 */
import { z } from 'zod';
import type { Role } from './roles';

/** Who reads and searches the knowledge base, and who maintains it (GET/POST/PUT/DELETE /knowledge...). */
export const KNOWLEDGE_READ_ROLES: ReadonlySet<Role> = new Set(['operator', 'dispatcher', 'supervisor', 'admin']);
export const KNOWLEDGE_EDIT_ROLES: ReadonlySet<Role> = new Set(['supervisor', 'admin']);
/** Who reports that a direct answer used an entry: the operator who answered. */
export const KNOWLEDGE_USE_ROLE: Role = 'operator';

/** An Asia/Shanghai calendar day, YYYY-MM-DD (zod's ISO date: a real date, leap years included). */
export const KnowledgeDaySchema = z.iso.date({ error: 'expected a real date written YYYY-MM-DD' });

const text = (max: number) => z.string().trim().min(1).max(max);

/** An entry as people write it (POST /knowledge, PUT /knowledge/:id, one row of an import). */
const KnowledgeFields = z.object({
  question: text(500),
  answer: text(10_000),
  category: text(100),
  keywords: z.array(text(50)).max(20).default([]),
  validFrom: KnowledgeDaySchema,
  /** The last day it holds; null: until changed. */
  validTo: KnowledgeDaySchema.nullable().default(null),
  /** Where the answer comes from (a policy document, the unit that gave it). */
  source: z.string().trim().max(500).default(''),
});

/** The one rule between fields: an entry cannot end before it starts. Null when the entry is consistent. */
export function validityProblem(e: { validFrom: string; validTo: string | null }): string | null {
  return e.validTo !== null && e.validTo < e.validFrom ? 'validTo must not be before validFrom' : null;
}

function checkValidity(e: { validFrom: string; validTo: string | null }, ctx: z.RefinementCtx): void {
  const problem = validityProblem(e);
  if (problem) ctx.addIssue({ code: 'custom', path: ['validTo'], message: problem });
}

export const KnowledgeInputSchema = KnowledgeFields.strict().superRefine(checkValidity);
export type KnowledgeInput = z.infer<typeof KnowledgeInputSchema>;
/** What a form holds before defaults apply. */
export type KnowledgeDraft = z.input<typeof KnowledgeInputSchema>;

/** PUT /knowledge/:id: the whole entry again, and the version it was edited from (or an If-Match header). */
export const KnowledgeUpdateSchema = KnowledgeFields.extend({ version: z.number().int().positive().optional() })
  .strict()
  .superRefine(checkValidity);

const PersonRefSchema = z.object({ id: z.string(), name: z.string() });

/** An entry as the API answers it. */
export const KnowledgeEntrySchema = KnowledgeFields.extend({
  id: z.number().int().positive(),
  version: z.number().int().positive(),
  createdAt: z.string(),
  createdBy: PersonRefSchema,
  updatedAt: z.string(),
  updatedBy: PersonRefSchema,
  /** Set when retired: no longer listed, kept with its history and usage. */
  retiredAt: z.string().nullable(),
  /** How many cases were answered directly with it (knowledge_usage). */
  usageCount: z.number().int().nonnegative(),
  /** Whether today (Asia/Shanghai) lies within validFrom..validTo. */
  validToday: z.boolean(),
});
export type KnowledgeEntry = z.infer<typeof KnowledgeEntrySchema>;

export const KNOWLEDGE_ACTIONS = ['created', 'updated', 'retired'] as const;

/** One change of an entry: who, when, and its values before and after (null when created / retired). */
export const KnowledgeChangeSchema = z.object({
  entryId: z.number().int().positive(),
  version: z.number().int().positive(),
  action: z.enum(KNOWLEDGE_ACTIONS),
  actor: PersonRefSchema,
  at: z.string(),
  before: KnowledgeFields.nullable(),
  after: KnowledgeFields.nullable(),
});
export type KnowledgeChange = z.infer<typeof KnowledgeChangeSchema>;

const Flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** GET /knowledge?q=&category=&valid=&limit=&offset= */
export const KnowledgeQuerySchema = z
  .object({
    /** Words to find in question, answer and keywords (every gram of them, domain/text-search.ts). */
    q: z.string().trim().max(200).optional(),
    category: text(100).optional(),
    /** true: only entries valid today; false: only those not (expired or not yet). Default: true for operators and dispatchers, all for maintainers. */
    valid: Flag.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();

export const KnowledgePageSchema = z.object({ items: z.array(KnowledgeEntrySchema), total: z.number().int().nonnegative() });
export type KnowledgePage = z.infer<typeof KnowledgePageSchema>;

/** POST /knowledge/:id/uses: the case a direct answer was registered with. */
export const KnowledgeUseSchema = z.object({ caseId: z.string().regex(/^[0-9a-z]{16}$/, { error: 'not a case id' }) }).strict();

/** Today in Asia/Shanghai (UTC+8, no daylight saving), whatever the process or browser time zone. */
export function shanghaiToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Whether an entry holds on `day` (both ends included). The list's SQL filter says the same (db/knowledge-queries.ts). */
export function isValidOn(e: { validFrom: string; validTo: string | null }, day: string): boolean {
  return e.validFrom <= day && (e.validTo === null || day <= e.validTo);
}

/** The text an entry is found by: its question, answer and keywords (grams in db/knowledge-queries.ts). */
export function searchableText(e: Pick<KnowledgeInput, 'question' | 'answer' | 'keywords'>): string {
  return [e.question, e.answer, ...e.keywords].join('\n');
}

/** The spreadsheet's columns (GET /knowledge.xlsx, POST /knowledge/import), in order; 编号 updates an existing entry. */
export const KNOWLEDGE_COLUMNS = {
  id: '编号',
  version: '版本',
  question: '问题',
  answer: '答案',
  category: '分类',
  keywords: '关键词',
  validFrom: '有效期起',
  validTo: '有效期止',
  source: '来源',
  usageCount: '使用次数',
} as const;

/** The columns an import reads; the others (版本 aside, checked against the entry) are written for people only. */
export const KNOWLEDGE_IMPORT_FIELDS = ['question', 'answer', 'category', 'keywords', 'validFrom', 'validTo', 'source'] as const;

/** Keywords as one cell: separated by 、 on export; any of 、，,;； or spaces on import. */
export const KEYWORD_SEPARATOR = '、';
export function splitKeywords(cell: string): string[] {
  return cell
    .split(/[、，,;；\s]+/)
    .map((k) => k.trim())
    .filter(Boolean);
}
