import { z } from 'zod';
import { EVENT_LABELS } from './actions';
import {
  CHANNEL_LABELS,
  CHANNELS,
  CitizenSchema,
  ChannelSchema,
  REQUEST_TYPE_LABELS,
  REQUEST_TYPES,
  RequestTypeSchema,
  SATISFACTION_LABELS,
  SATISFACTIONS,
  SatisfactionSchema,
  type CasePolicy,
  type CaseState,
} from './case';
import type { ActorRef } from './roles';
import type { Unit } from './units';

/**
 * Closed cases of the county's old ledger (纸质 / Excel 台账), brought into Huiying when it goes live: last month's
 * closed cases are what the first monthly spot-check round (定期抽查) draws from, and the lists, metrics and ledger
 * export of those months show them. Each becomes a case workflow that starts closed, as the old ledger records it
 * (its number, times, unit, result and call-back), and completes at once like any closed case.
 */

/** The sheet's headers (the first row), as a county's ledger names its columns. */
export const HISTORICAL_LEDGER_COLUMNS = {
  ledgerNo: '台账编号',
  registeredAt: '登记时间',
  channel: '渠道',
  type: '类型',
  name: '市民姓名',
  phone: '联系电话',
  title: '标题',
  content: '诉求内容',
  location: '地点',
  unit: '责任单位',
  result: '办理结果',
  closedAt: '办结时间',
  onTime: '是否按时',
  satisfaction: '满意度',
} as const;
export type HistoricalColumn = keyof typeof HISTORICAL_LEDGER_COLUMNS;
const OPTIONAL_COLUMNS: readonly HistoricalColumn[] = ['location', 'satisfaction'];
export const REQUIRED_COLUMNS = (Object.keys(HISTORICAL_LEDGER_COLUMNS) as HistoricalColumn[]).filter((c) => !OPTIONAL_COLUMNS.includes(c));

/** An old ledger's own numbering is kept (it is on the citizen's receipt): letters, digits, '-', '_' and '/'. */
const LEDGER_NO = /^[\p{L}\p{N}][\p{L}\p{N}_/-]{0,39}$/u;

/** One closed case of the old ledger, as Huiying keeps it. Times are instants (ISO 8601). */
export const HistoricalCaseSchema = z
  .object({
    ledgerNo: z.string().trim().regex(LEDGER_NO, 'letters, digits, -, _ and /, at most 40'),
    registeredAt: z.iso.datetime({ offset: true }),
    channel: ChannelSchema,
    type: RequestTypeSchema,
    citizen: CitizenSchema,
    title: z.string().trim().min(1).max(200),
    content: z.string().trim().min(1).max(10_000),
    location: z.string().trim().max(500).optional(),
    unit: z.string().regex(/^[a-z][a-z0-9-]*$/),
    result: z.string().trim().min(1).max(10_000),
    closedAt: z.iso.datetime({ offset: true }),
    onTime: z.boolean(),
    satisfaction: SatisfactionSchema.nullable(),
  })
  .refine((c) => Date.parse(c.closedAt) >= Date.parse(c.registeredAt), { path: ['closedAt'], error: '办结时间早于登记时间' });
export type HistoricalCase = z.infer<typeof HistoricalCaseSchema>;

/** The start of a case workflow for one imported case (workflows/case.ts): what the old ledger says, and the rules. */
export interface ImportedCase {
  id: string;
  record: HistoricalCase;
  /** When it was imported: the timeline's import entry. */
  importedAt: string;
  importedBy: ActorRef;
  /** The county's rules at import (the spot-check window after its closing, for one). */
  policy: CasePolicy;
  /** Keyed hash of the phone, as an intake records it (finds the citizen's cases). */
  citizenKey: string | null;
}
export type ImportedCaseStart = { imported: ImportedCase };

/** Who the imported steps are recorded as: the old ledger, not a person of Huiying. */
export const OLD_LEDGER: ActorRef = { id: 'old-ledger', name: '原台账' };

/** The closed case the old ledger records: registered, handled by its unit, called back (if it says so), imported. */
export function importedState({ id, record, importedAt, importedBy, policy, citizenKey }: ImportedCase): CaseState {
  const { registeredAt, closedAt } = record;
  const callback =
    record.satisfaction === null
      ? []
      : [{ at: closedAt, by: OLD_LEDGER, action: 'callback', note: `${record.satisfaction}：原台账回访记录` }];
  return {
    channel: record.channel,
    type: record.type,
    urgent: false,
    confidential: false,
    citizen: record.citizen,
    title: record.title,
    content: record.content,
    ...(record.location ? { location: record.location } : {}),
    id,
    ledgerNo: record.ledgerNo,
    stage: 'closed',
    version: 0,
    registeredAt,
    updatedAt: importedAt,
    registeredBy: OLD_LEDGER,
    unit: record.unit,
    returnedBy: [],
    reviewLevel: null,
    reviewRound: 0,
    reviews: [],
    result: record.result,
    submittedBy: null,
    reopenCount: 0,
    satisfaction: record.satisfaction,
    closedAt,
    requestHash: null,
    stageSince: closedAt,
    deadlines: {},
    extension: { pending: null, approvedCount: 0, approvedDays: 0 },
    policy,
    // What the old ledger tells: the reply on time or not; nothing about signing for it or red flags.
    outcome: {
      signedAt: null,
      signedLate: false,
      completedAt: closedAt,
      completedLate: !record.onTime,
      everOverdue: !record.onTime,
      everRedFlag: false,
      resolved: null,
      directAnswer: false,
    },
    mergedInto: null,
    mergedFrom: [],
    supporting: [],
    returnRequest: null,
    returnRefusals: [],
    appeal: null,
    voided: null,
    spotCheck: { round: null, result: null, at: null, by: null, note: null },
    citizenKey,
    timeline: [
      { at: registeredAt, by: OLD_LEDGER, action: 'register', note: EVENT_LABELS.register },
      ...callback,
      {
        at: importedAt,
        by: importedBy,
        action: 'import',
        note: `自原台账导入（${record.ledgerNo}）：${record.unit} 办结，${record.onTime ? '按时' : '超期'}。办理结果：${record.result}`,
      },
    ],
  };
}

// ---- reading a sheet's row ----

export type RowCells = Partial<Record<HistoricalColumn, string>>;
export interface CellProblem {
  column: HistoricalColumn;
  message: string;
}

/** A row's cells (text as a person sees it) as a case of the old ledger, or every problem with its cells. */
export function historicalCaseOf(
  cells: RowCells,
  units: readonly Unit[],
  now: Date,
): { record: HistoricalCase; problems?: undefined } | { record?: undefined; problems: CellProblem[] } {
  const problems: CellProblem[] = [];
  const cell = (c: HistoricalColumn) => (cells[c] ?? '').trim();
  const need = (c: HistoricalColumn): string | undefined => {
    const v = cell(c);
    if (v === '' && !OPTIONAL_COLUMNS.includes(c)) problems.push({ column: c, message: '不能为空' });
    return v === '' ? undefined : v;
  };
  const oneOf = <T extends string>(
    c: HistoricalColumn,
    codes: readonly T[],
    labels: Record<T, string>,
    aliases: Record<string, T> = {},
  ) => {
    const v = need(c);
    if (v === undefined) return undefined;
    const found = codes.find((code) => code === v || labels[code] === v) ?? aliases[v];
    if (!found) problems.push({ column: c, message: `「${v}」不是${codes.map((code) => labels[code]).join('、')}之一` });
    return found;
  };
  const instant = (c: HistoricalColumn) => {
    const v = need(c);
    if (v === undefined) return undefined;
    const at = shanghaiInstant(v);
    if (!at) problems.push({ column: c, message: `「${v}」不是时间（如 2026-11-03 09:30）` });
    else if (at > now) problems.push({ column: c, message: `「${v}」还没有到` });
    return at?.toISOString();
  };

  const unitText = need('unit');
  const unit = unitText === undefined ? undefined : units.find((u) => u.code === unitText || u.name === unitText)?.code;
  if (unitText !== undefined && !unit) problems.push({ column: 'unit', message: `「${unitText}」不在单位目录中` });
  const onTimeText = need('onTime');
  const onTime = onTimeText === undefined ? undefined : { 是: true, 否: false }[onTimeText];
  if (onTimeText !== undefined && onTime === undefined) problems.push({ column: 'onTime', message: `「${onTimeText}」应为 是 或 否` });
  const satisfactionText = cell('satisfaction');
  const candidate = {
    ledgerNo: need('ledgerNo'),
    registeredAt: instant('registeredAt'),
    channel: oneOf('channel', CHANNELS, CHANNEL_LABELS, { 热线: 'hotline', '12345': 'hotline' }),
    type: oneOf('type', REQUEST_TYPES, REQUEST_TYPE_LABELS),
    citizen: { name: need('name'), phone: need('phone') },
    title: need('title'),
    content: need('content'),
    location: need('location'),
    unit,
    result: need('result'),
    closedAt: instant('closedAt'),
    onTime,
    satisfaction: satisfactionText === '' ? null : oneOf('satisfaction', SATISFACTIONS, SATISFACTION_LABELS),
  };
  if (problems.length > 0) return { problems };
  const parsed = HistoricalCaseSchema.safeParse(candidate);
  if (parsed.success) return { record: parsed.data };
  return { problems: parsed.error.issues.map((i) => ({ column: columnOf(i.path), message: i.message })) };
}

function columnOf(path: readonly PropertyKey[]): HistoricalColumn {
  const [first, second] = path.map(String);
  if (first === 'citizen') return second === 'phone' ? 'phone' : 'name';
  return (first in HISTORICAL_LEDGER_COLUMNS ? first : 'ledgerNo') as HistoricalColumn;
}

/** `2026-11-03 09:30`, `2026/11/3 9:30:05` or a day alone (00:00), read on Shanghai's clock (UTC+8). */
export function shanghaiInstant(text: string): Date | null {
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1);
  const at = new Date(Date.UTC(+y, +mo - 1, +d, +h - 8, +mi, +s));
  // Rejects 2026-02-30 and 25:00, which Date would roll over.
  const back = new Date(at.getTime() + 8 * 3_600_000);
  const same = back.getUTCFullYear() === +y && back.getUTCMonth() === +mo - 1 && back.getUTCDate() === +d && back.getUTCHours() === +h;
  return same ? at : null;
}
