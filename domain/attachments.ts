/**
 * Evidence and attachments (附件): photos and documents a case carries — the citizen's at intake, the unit's while
 * it rectifies (整改材料) and with its result (办理结果材料). Who may add which kind, at which stage, and who may see
 * one: pure rules here; the API (api/routes/attachments.ts) and the console ask these and nothing else.
 */
import { z } from 'zod';
import { STAGE_LABELS, type CaseState, type Stage } from './case';
import { refusal, type Refusal } from './errors';
import { CREATE_CASE_ROLE } from './permissions';
import type { CitizenVisibility } from './privacy';
import { RoleSchema, ROLE_LABELS, type Actor, type Role } from './roles';

export const ATTACHMENT_KINDS = ['intake', 'progress', 'result'] as const;
export const AttachmentKindSchema = z.enum(ATTACHMENT_KINDS);
export type AttachmentKind = z.infer<typeof AttachmentKindSchema>;

export const ATTACHMENT_KIND_LABELS: Record<AttachmentKind, string> = {
  intake: '诉求材料',
  progress: '整改材料',
  result: '办理结果材料',
};

/**
 * The file types accepted, as their content is sniffed (api/file-type.ts); what a client declares is never trusted.
 * Photos as phones take them, PDFs as scanners make them, and the two Office formats units write reports in.
 */
export const ATTACHMENT_TYPES = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word (DOCX)',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel (XLSX)',
} as const;
export type AttachmentType = keyof typeof ATTACHMENT_TYPES;
export const AttachmentTypeSchema = z.enum(Object.keys(ATTACHMENT_TYPES) as [AttachmentType, ...AttachmentType[]]);
/** The extensions each type is saved under; the first is added to a name that has none of them. */
export const TYPE_EXTENSIONS: Record<AttachmentType, readonly string[]> = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'image/webp': ['.webp'],
  'application/pdf': ['.pdf'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['.docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
};
/** What a file picker may offer (the server sniffs anyway). */
export const ATTACHMENT_EXTENSIONS: readonly string[] = Object.values(TYPE_EXTENSIONS).flat();

/**
 * The name a file is kept and downloaded under: its extension agrees with what it is, so a PDF uploaded as
 * 整改报告.exe is saved as 整改报告.exe.pdf and no computer opens it as a program.
 */
export function nameForType(name: string, type: AttachmentType): string {
  const lower = name.toLowerCase();
  return TYPE_EXTENSIONS[type].some((ext) => lower.endsWith(ext)) ? name : `${name}${TYPE_EXTENSIONS[type][0]}`;
}

/**
 * Who adds each kind: intake files by the operator who takes the request (at any stage until the case closes: a
 * citizen may send more later), the rest by a handler of the unit that holds the case while it is theirs to handle.
 */
export const UPLOADERS: Readonly<Record<AttachmentKind, { role: Role; unitBound: boolean; stages: readonly Stage[] | 'open' }>> = {
  intake: { role: CREATE_CASE_ROLE, unitBound: false, stages: 'open' },
  progress: { role: 'handler', unitBound: true, stages: ['assigned', 'rectifying'] },
  result: { role: 'handler', unitBound: true, stages: ['assigned', 'rectifying'] },
};

/** A file name as shown and sent back: no path, no control characters, at most 200 characters. */
export const FileNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((n) => !/[/\\\p{Cc}]/u.test(n) && n !== '.' && n !== '..', { error: 'a file name without a path or control characters' });

/** POST /cases/:id/attachments?kind=&name= (the file is the body). */
export const UploadQuerySchema = z.object({ kind: AttachmentKindSchema, name: FileNameSchema }).strict();

const UploaderSchema = z.object({ id: z.string(), name: z.string(), role: RoleSchema, unit: z.string().nullable() });

/** One attachment as the API answers it (its bytes come from GET /cases/:id/attachments/:attachmentId). */
export const AttachmentSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  kind: AttachmentKindSchema,
  /** As this caller may see it: phone and ID numbers masked, a hidden citizen's name cut out (privacy.ts redactText). */
  name: z.string(),
  /** Sniffed from the content when it was uploaded. */
  contentType: AttachmentTypeSchema,
  size: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  uploadedBy: UploaderSchema,
  at: z.string(),
  /** Handed in by the citizen (intake): hidden, like the citizen, from the units a protected case concerns. */
  fromCitizen: z.boolean(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const AttachmentListSchema = z.object({ items: z.array(AttachmentSchema) });
export type AttachmentList = z.infer<typeof AttachmentListSchema>;

/** Why `actor` may not add a `kind` attachment to this case now, or null when they may (and as which role). */
export function uploadRefusal(
  state: Pick<CaseState, 'stage' | 'unit'>,
  actor: Pick<Actor, 'roles' | 'unit'>,
  kind: AttachmentKind,
): Refusal | null {
  const who = UPLOADERS[kind];
  if (!actor.roles.includes(who.role)) return refusal('forbidden', `${ATTACHMENT_KIND_LABELS[kind]}须由${ROLE_LABELS[who.role]}上传`);
  if (who.unitBound && (actor.unit === undefined || actor.unit !== state.unit)) return refusal('forbidden', '该工单不由本单位承办');
  if (state.stage === 'closed') return refusal('conflict', '该工单已办结，不能再上传附件', { stage: state.stage });
  if (who.stages !== 'open' && !who.stages.includes(state.stage))
    return refusal('conflict', `${ATTACHMENT_KIND_LABELS[kind]}仅可在${who.stages.map((s) => `「${STAGE_LABELS[s]}」`).join('或')}时上传`, {
      stage: state.stage,
    });
  return null;
}

/** The kinds `actor` may add to this case now (the console's choices). */
export function uploadableKinds(state: Pick<CaseState, 'stage' | 'unit'>, actor: Pick<Actor, 'roles' | 'unit'>): AttachmentKind[] {
  return ATTACHMENT_KINDS.filter((k) => uploadRefusal(state, actor, k) === null);
}

/** The role an upload of `kind` is recorded under (a person may hold several). */
export function uploaderRole(kind: AttachmentKind): Role {
  return UPLOADERS[kind].role;
}

/** The citizen's own files are hidden exactly as the citizen is: from the units a protected case concerns. */
export function attachmentVisible(attachment: Pick<Attachment, 'fromCitizen'>, visibility: CitizenVisibility): boolean {
  return !(attachment.fromCitizen && visibility === 'hidden');
}

/** The authorization matrix's row for uploads, from UPLOADERS: a unit-bound kind's role only on its own unit's cases. */
export function uploadAccess(): Partial<Record<Role, 'any' | 'own_unit'>> {
  const out: Partial<Record<Role, 'any' | 'own_unit'>> = {};
  for (const { role, unitBound } of Object.values(UPLOADERS)) {
    const scope = unitBound ? 'own_unit' : 'any';
    if (out[role] !== 'any') out[role] = scope;
  }
  return out;
}
