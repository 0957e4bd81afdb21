/**
 * What a citizen (or anyone holding the ledger number and the last four digits of the phone) may see of a case: the
 * stage, the dates, the unit handling it and a curated list of public progress notes. Pure: the public status route
 * (api/routes/public-status.ts) and the Open311 view (open311.ts) build on it, and its unit tests say what is left out.
 *
 * Left out, always: every person (staff names and ids, the citizen's name and phone), review comments, return grounds,
 * supervision (督办, extensions, decisions' notes, spot-checks), failed notifications, other cases merged into this one.
 * Free text that is shown (progress notes, the answer) is redacted as for someone from whom the citizen is hidden.
 *
 * A protected case (confidential, a report, or about a named unit: privacy.ts `isProtected`) shows no free text at
 * all — no progress text, no answer, no title — only its stage, dates, unit and which steps happened when: whoever
 * got past the four digits must not learn what was reported or by whom.
 */
import { z } from 'zod';
import { REQUEST_TYPE_LABELS, RequestTypeSchema, SATISFACTION_LABELS, SATISFACTIONS, STAGE_LABELS, StageSchema } from './case';
import type { CaseState, Satisfaction, TimelineEntry } from './case';
import { isProtected, redactText } from './privacy';
import { REVIEW_LEVEL_LABELS } from './roles';

/** A ledger number as Huiying makes them (prefix, year, sequence: `LZ-2026-000123`); anything else is malformed. */
export const LedgerNoSchema = z.string().regex(/^[A-Za-z0-9]{1,16}-\d{4}-\d{6,9}$/, 'a ledger number like LZ-2026-000123');

/** `?phoneLast4=1234`: the last four digits of the phone the citizen gave. */
export const PublicStatusQuerySchema = z.object({ phoneLast4: z.string().regex(/^\d{4}$/, 'four digits') }).strict();

export const PUBLIC_NOTE_KINDS = [
  'registered',
  'assigned',
  'accepted',
  'progress',
  'replied',
  'callback',
  'reopened',
  'merged',
  'closed',
] as const;
export const PublicNoteKindSchema = z.enum(PUBLIC_NOTE_KINDS);
export type PublicNoteKind = z.infer<typeof PublicNoteKindSchema>;

export const PUBLIC_NOTE_LABELS: Record<PublicNoteKind, string> = {
  registered: '受理',
  assigned: '交办',
  accepted: '签收',
  progress: '办理进展',
  replied: '答复',
  callback: '回访',
  reopened: '重新办理',
  merged: '合并办理',
  closed: '办结',
};

export const PublicNoteSchema = z.object({
  at: z.string(),
  kind: PublicNoteKindSchema,
  label: z.string(),
  /** Absent for a protected case, and for steps that say nothing beyond their label. */
  text: z.string().optional(),
});
export type PublicNote = z.infer<typeof PublicNoteSchema>;

export const PublicCaseViewSchema = z.object({
  ledgerNo: z.string(),
  type: RequestTypeSchema,
  typeLabel: z.string(),
  stage: StageSchema,
  stageLabel: z.string(),
  /** True for a protected case: no free text is shown (see the module's comment); `notice` says so in Chinese. */
  limited: z.boolean(),
  notice: z.string().nullable(),
  registeredAt: z.string(),
  /** When the unit now handling it got it; null while no unit has it. */
  assignedAt: z.string().nullable(),
  unit: z.string().nullable(),
  unitName: z.string().nullable(),
  /** The handling deadline (办理时限), as extensions moved it; null before assignment. */
  handlingDueAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  notes: z.array(PublicNoteSchema),
});
export type PublicCaseView = z.infer<typeof PublicCaseViewSchema>;

export const LIMITED_NOTICE = '本件为保密、举报或涉及具体单位的诉求，仅公开办理阶段和时间。';

/** The level-3 approval (审发通过) is when the result goes to the citizen; earlier approvals and rejections are internal. */
const FINAL_APPROVAL = `${REVIEW_LEVEL_LABELS[3]}通过`;
/** The notes rules.ts writes when a supervisor reopens a case or a spot-check fails: the case goes back to its unit. */
const REOPENING_NOTES = ['重办', '抽查不合格'];

/** The case as the public sees it. `unitName` names a unit code (domain/units.ts `UnitDirectory.name`). */
export function publicCaseView(state: CaseState, unitName: (code: string) => string): PublicCaseView {
  const limited = isProtected(state);
  const unit = state.unit;
  const notes = publicNotes(state, unit === null ? null : unitName(unit), limited);
  return {
    ledgerNo: state.ledgerNo,
    type: state.type,
    typeLabel: REQUEST_TYPE_LABELS[state.type],
    stage: state.stage,
    stageLabel: STAGE_LABELS[state.stage],
    limited,
    notice: limited ? LIMITED_NOTICE : null,
    registeredAt: state.registeredAt,
    assignedAt: notes.find((n) => n.kind === 'assigned')?.at ?? null, // at most one survives publicNotes
    unit,
    unitName: unit === null ? null : unitName(unit),
    handlingDueAt: state.deadlines.handling?.dueAt ?? null,
    closedAt: state.closedAt,
    notes,
  };
}

/**
 * The timeline, curated: only the steps a citizen is told of, in order. An assignment that was returned (退单) or
 * handed to another unit (改派) is dispatch work, not progress: its 交办 and 签收 are dropped, so the notes name only
 * the unit that has the case now.
 */
export function publicNotes(state: CaseState, unitName: string | null, limited: boolean): PublicNote[] {
  const out: PublicNote[] = [];
  const text = (raw: string | undefined | null): string | undefined =>
    limited || !raw ? undefined : redactText(raw, state.citizen, 'hidden');
  const add = (e: Pick<TimelineEntry, 'at'>, kind: PublicNoteKind, body?: string) =>
    out.push({ at: e.at, kind, label: PUBLIC_NOTE_LABELS[kind], ...(body === undefined ? {} : { text: body }) });
  const dropSuperseded = () => {
    for (let i = out.length - 1; i >= 0; i--) if (out[i].kind === 'assigned' || out[i].kind === 'accepted') out.splice(i, 1);
  };
  const named = (s: string) => (limited || unitName === null ? undefined : s);
  let submitted: string | null = null;

  for (const e of state.timeline) {
    const note = e.note ?? '';
    switch (e.action) {
      case 'register':
        add(e, 'registered', `您的诉求已受理，编号${state.ledgerNo}`);
        break;
      case 'assign':
      case 'reassign':
        dropSuperseded();
        add(e, 'assigned', named(`已交办${unitName}`));
        break;
      case 'return':
        dropSuperseded();
        break;
      case 'accept':
        add(e, 'accepted', named(`${unitName}已签收`));
        break;
      case 'progress':
        add(e, 'progress', text(note));
        break;
      case 'submit':
        submitted = note;
        break;
      case 'review':
        if (note.startsWith(FINAL_APPROVAL)) add(e, 'replied', text(submitted));
        break;
      case 'answer':
        add(e, 'replied', text(note));
        add(e, 'closed');
        break;
      case 'callback': {
        const result = satisfactionOf(note);
        add(e, 'callback', result ? SATISFACTION_LABELS[result] : undefined);
        if (result !== 'dissatisfied') add(e, 'closed');
        break;
      }
      case 'decision':
        if (REOPENING_NOTES.some((p) => note.startsWith(p))) add(e, 'reopened');
        else add(e, 'closed');
        break;
      case 'spotCheck':
        if (REOPENING_NOTES.some((p) => note.startsWith(p))) add(e, 'reopened');
        break;
      case 'merge':
        add(e, 'merged', text(note.replace(/^并入\s*/, '已与') + '合并办理'));
        add(e, 'closed');
        break;
      case 'void':
        add(e, 'closed', '已关闭');
        break;
      default:
        // Urges, extensions, review steps, notification failures, samples, merges into this case: internal.
        break;
    }
  }
  return out;
}

/** The call-back's result, which rules.ts writes first in its note (`satisfied：…`). */
function satisfactionOf(note: string): Satisfaction | null {
  const word = note.split('：')[0];
  return (SATISFACTIONS as readonly string[]).includes(word) ? (word as Satisfaction) : null;
}
