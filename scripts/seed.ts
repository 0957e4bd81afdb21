/**
 * `npm run seed -- --cases N`: fills a running Huiying (`npm start`, same configuration: DATABASE_URL or the embedded
 * database, TEMPORAL_ADDRESS or the dev server `npm start` runs, payload keys and JWT secret from the data dir) with
 * N real cases, spread over the last `--days` days (default 90), the channels, types and units of the directory, and
 * the stages of the loop.
 *
 * - Registration: the API's own recipe (the same case id for the same Idempotency-Key, `caseInputOf` with the first
 *   deadline, the sealed intake and its ledger number from db/ledger.ts, `startIntake` → `startCase`, the summary in
 *   the read model) — not POST /cases, because the API registers at "now" and a seeded case needs its own, older
 *   registration time. 并单 is not looked for (every seeded citizen has a phone of its own).
 * - Stages: a share of the cases is driven through the HTTP API with tokens of seed personas (assign → accept →
 *   progress → submit → reviews → call-back; some returned and re-assigned, some consultations answered directly).
 *   Those actions happen now: a case registered weeks ago and assigned today is not overdue in handling. Overdue,
 *   red-flagged and stalled real cases are those left `registered` with an old registration time.
 * - Idempotent: case ids and Idempotency-Keys come from `--run` (default `seed`) and the index, so a re-run with the
 *   same run id and N finds the cases it made (same numbers) and its actions are deduplicated by their update ids.
 *
 * `npm run seed -- --synthetic N` writes N synthetic rows straight into the read model instead (no workflow behind
 * them): ids `synthetic-<run>-<i>`, ledger prefix `SYN`, titles marked `[合成]`, with a realistic spread of stages,
 * overdue, stalled and red-flagged cases, and cases closed in the last month. They exist to measure the read model's
 * queries at 100k rows; actions on them fail (no workflow). `--remove-synthetic` deletes them again.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { resolveJwtSecret } from '../api/jwt-secret';
import { caseIdFor, citizenKeyOf, deriveSecret, hashRequest } from '../api/ids';
import { startIntake } from '../api/intake';
import { signToken } from '../api/tokens';
import { ConfigError, loadConfig } from '../config';
import { loadCalendar } from '../config/calendar';
import { loadPayloadKeys } from '../config/keys';
import { loadLimits } from '../config/limits';
import { loadUnitDirectory } from '../config/units';
import { recordSummary } from '../db/case-summaries';
import { embeddedUrl } from '../db/embedded';
import { allocateIntake, findIntake } from '../db/ledger';
import { createDb, type Db } from '../db/pool';
import type { WorkingCalendar } from '../domain/calendar';
import { type CaseState, type Channel, type NewCase, type RequestType, type Stage } from '../domain/case';
import { caseInputOf } from '../domain/intake';
import { caseSearchGrams } from '../domain/text-search';
import { shanghaiYear } from '../domain/ledger';
import type { TimeLimits } from '../domain/limits';
import { returnedByFlag } from '../domain/search';
import { summaryOf, type CaseSummary } from '../domain/summary';
import type { UnitDirectory } from '../domain/units';
import { connectClient } from '../temporal/client';
import { EncryptionCodec } from '../temporal/payload-codec';
import { sealForStorage } from '../temporal/start-case';

const DAY_MS = 86_400_000;

/** What the seed talks to: the running system's database, Temporal and API, with its configuration. */
export interface SeedTarget {
  db: Db;
  client: Client;
  taskQueue: string;
  apiBase: string;
  jwtSecret: string;
  ledgerPrefix: string;
  calendar: WorkingCalendar;
  limits: TimeLimits;
  units: UnitDirectory;
  close(): Promise<void>;
}

/**
 * The system `npm start` runs with this environment, found as its parts find it: loadConfig, DATABASE_URL or the
 * embedded database's URL, TEMPORAL_ADDRESS or the dev server on TEMPORAL_PORT, the payload keys and the JWT secret.
 */
export async function seedTarget(env: NodeJS.ProcessEnv = process.env, opts: { apiBase?: string } = {}): Promise<SeedTarget> {
  const config = loadConfig(env);
  const url = config.database.url ?? (await embeddedUrl(config.database.embedded!));
  const keys = loadPayloadKeys({ dataDir: config.dataDir, production: config.production, ...config.payloadKeys });
  const address = config.start.devServer ? `127.0.0.1:${config.start.devServer.port}` : config.temporal.address;
  const client = await connectClient({ address, namespace: config.temporal.namespace }, new EncryptionCodec(keys));
  const db = createDb(url, { max: 20 });
  // An idle connection the server drops (the database stopping first) must not end the process.
  db.on('error', (err) => console.error(`[seed] database: ${err.message}`));
  return {
    db,
    client,
    taskQueue: config.temporal.taskQueue,
    apiBase: opts.apiBase ?? `http://127.0.0.1:${config.api.port}`,
    jwtSecret: resolveJwtSecret({ secret: config.jwtSecret, dataDir: config.dataDir, createIfMissing: false }),
    ledgerPrefix: config.api.ledgerPrefix,
    calendar: loadCalendar(config.files.calendars),
    limits: loadLimits(config.files.limits),
    units: loadUnitDirectory(config.files.units),
    close: async () => {
      await db.end();
      await client.connection.close();
    },
  };
}

// ---- deterministic randomness: the same run id and index always give the same case ----

/** A number in [0, 1) from the run id, the index and what it is for. */
export function unit01(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0) / 2 ** 32;
}

function pick<T>(r: number, items: readonly T[]): T {
  return items[Math.min(items.length - 1, Math.floor(r * items.length))];
}

function weighted<T extends string>(r: number, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [k, w] of entries) {
    if (x < w) return k;
    x -= w;
  }
  return entries[entries.length - 1][0];
}

const CHANNEL_WEIGHTS: Record<Channel, number> = { hotline: 70, online: 15, mailbox: 8, window: 7 };
const TYPE_WEIGHTS: Record<RequestType, number> = { consultation: 25, help: 25, complaint: 30, suggestion: 10, report: 10 };

/** Units are not equally busy: a few take most cases (weights 1/rank). */
function pickUnit(r: number, codes: readonly string[]): string {
  const weights = codes.map((_, i) => 1 / (i + 1));
  let x = r * weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < codes.length; i++) {
    if (x < weights[i]) return codes[i];
    x -= weights[i];
  }
  return codes[codes.length - 1];
}

const TITLES = [
  '小区楼道灯长期不亮',
  '道路积水影响出行',
  '噪音扰民夜间施工',
  '农民工工资被拖欠',
  '公交线路调整建议',
  '医保报销咨询',
  '学校周边交通拥堵',
  '垃圾清运不及时',
  '违章建筑举报',
  '供水水压不足',
  '企业排污异味',
  '养老保险转移咨询',
  '菜市场占道经营',
  '物业服务质量投诉',
  '乡村道路破损',
];

/** A registration time `daysBack` days before `now` at a working hour (08:00–20:00 Shanghai). */
function registrationTime(now: Date, daysBack: number, r: number): Date {
  const day = new Date(now.getTime() - daysBack * DAY_MS);
  const shanghaiMidnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) - 8 * 3600_000;
  const at = new Date(shanghaiMidnight + (8 + 12 * r) * 3600_000);
  return at > now ? new Date(now.getTime() - 60_000) : at;
}

// ---- real cases ----

/** The stage a seeded case is driven to (reviewing at a level: that many approvals given). */
type Target = 'registered' | 'assigned' | 'returned' | 'rectifying' | 'review1' | 'review2' | 'review3' | 'replied' | 'closed' | 'answered';

const TARGET_WEIGHTS: Record<Target, number> = {
  registered: 12,
  assigned: 8,
  returned: 3,
  rectifying: 22,
  review1: 5,
  review2: 3,
  review3: 2,
  replied: 8,
  closed: 33,
  answered: 4,
};

export interface CasePlan {
  index: number;
  /** The Idempotency-Key of its registration; its actions' keys add the step. */
  key: string;
  registeredAt: Date;
  request: NewCase;
  unit: string;
  otherUnit: string;
  target: Target;
}

export function planCase(runId: string, index: number, count: number, now: Date, days: number, unitCodes: readonly string[]): CasePlan {
  const r = (what: string) => unit01(runId, index, what);
  // Oldest first, so that ledger numbers grow with the registration time as they would have.
  const daysBack = days * (1 - (index + r('jitter')) / count);
  const type = weighted(r('type'), TYPE_WEIGHTS);
  let target = weighted(r('target'), TARGET_WEIGHTS);
  if (target === 'answered' && type !== 'consultation') target = 'closed';
  const unit = pickUnit(r('unit'), unitCodes);
  const others = unitCodes.filter((c) => c !== unit);
  return {
    index,
    key: `${runId}-${index}`,
    registeredAt: registrationTime(now, daysBack, r('hour')),
    request: {
      channel: weighted(r('channel'), CHANNEL_WEIGHTS),
      type,
      urgent: r('urgent') < 0.05,
      confidential: type === 'report' && r('confidential') < 0.5,
      citizen: { name: '种子市民', phone: `139${String(Math.floor(r('phone') * 1e8)).padStart(8, '0')}` },
      title: `${pick(r('title'), TITLES)}（种子 ${runId}-${index}）`,
      content: `种子数据 ${runId} 第 ${index} 件：${pick(r('title'), TITLES)}，请尽快处理。`,
      location: '乐至县天池街道',
      category: '城市管理',
    },
    unit,
    otherUnit: pick(r('other'), others),
    target,
  };
}

const SEED_OPERATOR = { id: 'seed-operator', name: '种子话务', roles: ['operator'] as string[], levels: [] as number[] };
const SEED_DISPATCHER = { id: 'seed-dispatcher', name: '种子派单', roles: ['dispatcher'] as string[], levels: [] as number[] };
const SEED_REVIEWERS = [1, 2, 3].map((level) => ({
  id: `seed-reviewer-${level}`,
  name: `种子审核${level}`,
  roles: ['reviewer'],
  levels: [level],
}));

/** Bearer tokens of the seed's people, signed with the system's secret (as `npm run token` does). */
export class SeedTokens {
  private readonly cache = new Map<string, Promise<string>>();
  constructor(private readonly secret: string) {}
  private token(p: { id: string; name: string; roles: string[]; unit?: string; levels?: number[] }): Promise<string> {
    let t = this.cache.get(p.id);
    if (!t) {
      t = signToken({ sub: p.id, name: p.name, roles: p.roles, unit: p.unit, levels: p.levels }, this.secret, '24h');
      this.cache.set(p.id, t);
    }
    return t;
  }
  operator = () => this.token(SEED_OPERATOR);
  dispatcher = () => this.token(SEED_DISPATCHER);
  reviewer = (level: 1 | 2 | 3) => this.token(SEED_REVIEWERS[level - 1]);
  handler = (unit: string) => this.token({ id: `seed-handler-${unit}`, name: `种子承办 ${unit}`, roles: ['handler'], unit, levels: [] });
  supervisor = () => this.token({ id: 'seed-supervisor', name: '种子督办', roles: ['supervisor'], levels: [] });
}

/** POST to the API; 429/503 are retried after Retry-After (a few times). Throws on any other non-2xx. */
export async function apiPost(base: string, path: string, token: string, body: unknown, idempotencyKey: string): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.ok) return JSON.parse(text);
    if ((res.status === 503 || res.status === 429) && attempt < 6) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 2) * 1000));
      continue;
    }
    throw new Error(`POST ${path}: ${res.status} ${text.slice(0, 300)}`);
  }
}

/**
 * Registers one planned case as POST /cases would with this Idempotency-Key (from `operator`), but at its planned
 * registration time; a repeat finds the intake and starts the case if it is not started yet. Returns the case id and
 * whether it was new.
 */
export async function registerPlanned(
  t: SeedTarget,
  plan: Pick<CasePlan, 'key' | 'request' | 'registeredAt'>,
  operator: { id: string; name: string } = SEED_OPERATOR,
): Promise<{ id: string; created: boolean }> {
  const id = caseIdFor(operator.id, plan.key);
  const requestHash = hashRequest(plan.request);
  let intake = await findIntake(t.db, id);
  if (intake && intake.requestHash !== requestHash) {
    throw new Error(`case ${plan.key} was seeded before with a different request: use another --run id`);
  }
  let created = false;
  let state: CaseState | undefined;
  if (!intake) {
    const { ledgerNo: _none, ...input } = caseInputOf({
      id,
      ledgerNo: '',
      request: plan.request,
      registeredBy: operator,
      registeredAt: plan.registeredAt.toISOString(),
      limits: t.limits,
      calendar: t.calendar,
      requestHash,
      citizenKey: citizenKeyOf(deriveSecret(t.jwtSecret, 'citizen-key'), plan.request.citizen.phone),
    });
    const allocated = await allocateIntake(t.db, {
      caseId: id,
      prefix: t.ledgerPrefix,
      year: shanghaiYear(plan.registeredAt),
      requestHash,
      input: await sealForStorage(t.client, input),
      searchGrams: caseSearchGrams(plan.request),
    });
    intake = allocated.intake;
    if (allocated.created) {
      state = await startIntake({ client: t.client, db: t.db, taskQueue: t.taskQueue }, intake, input);
      created = true;
    }
  }
  if (!state && !intake.startedAt) state = await startIntake({ client: t.client, db: t.db, taskQueue: t.taskQueue }, intake);
  // As the API does: the list shows the case at once (the workflow records the same, the version keeps the newer).
  if (state) await recordSummary(t.db, summaryOf(state));
  return { id, created };
}

/** Drives a registered case through the API to its planned stage, each action with its own Idempotency-Key. */
export async function drivePlanned(t: SeedTarget, tokens: SeedTokens, id: string, plan: CasePlan): Promise<number> {
  const steps: [string, () => Promise<string>, unknown][] = [];
  const target = plan.target;
  const r = (what: string) => unit01(plan.key, what);
  if (target === 'answered') {
    steps.push(['answer', tokens.operator, { answer: '经核实，已电话答复市民相关政策。' }]);
  } else if (target !== 'registered') {
    if (target === 'returned' || r('returned') < 0.04) {
      steps.push(['assign', tokens.dispatcher, { unit: plan.otherUnit }]);
      steps.push(['return', () => tokens.handler(plan.otherUnit), { reason: '不属于本单位职责范围' }]);
    }
    if (target !== 'returned') steps.push(['assign', tokens.dispatcher, { unit: plan.unit, note: '请按时办理' }]);
    const past = (t: Target) => ['rectifying', 'review1', 'review2', 'review3', 'replied', 'closed'].includes(t);
    if (past(target)) {
      steps.push(['accept', () => tokens.handler(plan.unit), {}]);
      if (r('progress') < 0.6) steps.push(['progress', () => tokens.handler(plan.unit), { note: '已联系相关责任人现场核查' }]);
    }
    if (target !== 'rectifying' && past(target)) {
      steps.push(['submit', () => tokens.handler(plan.unit), { result: '问题已整改完毕，现场复查合格。' }]);
      const approvals = { review1: 0, review2: 1, review3: 2 }[target as 'review1'] ?? 3;
      for (const level of [1, 2, 3] as const) {
        if (level > approvals) break;
        steps.push(['review', () => tokens.reviewer(level), { level, decision: 'approve' }]);
      }
    }
    if (target === 'closed') {
      const result = weighted(r('satisfaction'), { satisfied: 72, basically_satisfied: 18, unreachable: 10 });
      steps.push(['callback', tokens.operator, { result, ...(result !== 'unreachable' ? { resolved: r('resolved') < 0.85 } : {}) }]);
    }
  }
  for (const [i, [action, token, body]] of steps.entries()) {
    await apiPost(t.apiBase, `/cases/${id}/${action}`, await token(), body, `${plan.key}-${i}-${action}`);
  }
  return steps.length;
}

/** Runs `one` for 0 … count-1 with at most `concurrency` at a time; failures are collected, not thrown. */
export async function forEachBounded(
  count: number,
  concurrency: number,
  one: (i: number) => Promise<void>,
  progress?: (done: number, failed: number) => void,
): Promise<{ failures: { index: number; error: string }[] }> {
  let next = 0;
  let done = 0;
  const failures: { index: number; error: string }[] = [];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        try {
          await one(i);
        } catch (err) {
          failures.push({ index: i, error: err instanceof Error ? err.message : String(err) });
        }
        done += 1;
        progress?.(done, failures.length);
      }
    }),
  );
  return { failures };
}

export interface SeedReport {
  registered: number;
  existing: number;
  actions: number;
  byTarget: Record<string, number>;
  failures: { index: number; error: string }[];
  ids: string[];
  seconds: number;
}

/** N real cases (see the file comment), `concurrency` at a time, progress to `log`. */
export async function seedCases(
  t: SeedTarget,
  opts: { count: number; runId: string; days?: number; concurrency?: number; now?: Date; log?: (line: string) => void },
): Promise<SeedReport> {
  const now = opts.now ?? new Date();
  const days = opts.days ?? 90;
  const log = opts.log ?? (() => undefined);
  const codes = t.units.units.map((u) => u.code);
  const tokens = new SeedTokens(t.jwtSecret);
  const report: SeedReport = { registered: 0, existing: 0, actions: 0, byTarget: {}, failures: [], ids: [], seconds: 0 };
  const started = performance.now();
  let lastLog = 0;
  const { failures } = await forEachBounded(
    opts.count,
    opts.concurrency ?? 16,
    async (i) => {
      const plan = planCase(opts.runId, i, opts.count, now, days, codes);
      const { id, created } = await registerPlanned(t, plan);
      if (created) report.registered += 1;
      else report.existing += 1;
      report.ids[i] = id;
      const actions = await drivePlanned(t, tokens, id, plan);
      report.actions += actions;
      report.byTarget[plan.target] = (report.byTarget[plan.target] ?? 0) + 1;
    },
    (done, failed) => {
      const at = performance.now();
      if (done === opts.count || at - lastLog > 5000) {
        lastLog = at;
        const rate = done / ((at - started) / 1000);
        log(`${done}/${opts.count} cases (${failed} failed), ${report.actions} actions, ${rate.toFixed(1)} cases/s`);
      }
    },
  );
  report.failures = failures;
  report.ids = report.ids.filter(Boolean);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

// ---- synthetic rows ----

export const SYNTHETIC_PREFIX = 'synthetic-';
const SYNTHETIC_LEDGER_PREFIX = 'SYN';
type OpenStage = Exclude<Stage, 'closed'>;
const OPEN_STAGE_WEIGHTS: Record<OpenStage, number> = {
  registered: 8,
  assigned: 10,
  rectifying: 55,
  reviewing: 15,
  replied: 10,
  deciding: 2,
};
/** Rough calendar days of each stage's limit (working days × 7/5), for due times. */
const STAGE_DAYS: Record<OpenStage, number> = {
  registered: 0.7,
  assigned: 1.4,
  rectifying: 14,
  reviewing: 1.4,
  replied: 1.4,
  deciding: 3,
};

/**
 * The summary of synthetic case `index` of `count`, registered within the `days` before `now`: older cases are mostly
 * closed (by age: > 30 days 80 %, 10–30 days 45 %, younger 10 %), the open ones spread over the stages, overdue when
 * their due time passed, red-flagged a week after it, stalled when long in their stage; closed cases have call-back
 * results, some late, some returned by a unit, direct answers for some consultations, archived 60 days after closing.
 */
export function syntheticSummary(
  runId: string,
  index: number,
  count: number,
  now: Date,
  days: number,
  unitCodes: readonly string[],
): CaseSummary {
  const r = (what: string) => unit01('synthetic', runId, index, what);
  const daysBack = days * (1 - (index + r('jitter')) / count);
  const registeredAt = registrationTime(now, daysBack, r('hour'));
  const age = (now.getTime() - registeredAt.getTime()) / DAY_MS;
  const type = weighted(r('type'), TYPE_WEIGHTS);
  const closedShare = age > 30 ? 0.8 : age > 10 ? 0.45 : 0.1;
  const closed = r('closed') < closedShare;
  const between = (a: Date, b: Date, x: number) => new Date(a.getTime() + (b.getTime() - a.getTime()) * x);
  const flags: string[] = [];
  const unitCode = pickUnit(r('unit'), unitCodes);
  if (r('returned') < 0.04) flags.push(returnedByFlag(pick(r('returner'), unitCodes)));
  let s: Pick<CaseSummary, 'stage' | 'unit' | 'reviewLevel' | 'stageSince' | 'dueAt' | 'overdue' | 'redFlag' | 'satisfaction' | 'closedAt'>;
  if (closed) {
    const closedAt = between(
      registeredAt,
      new Date(Math.min(now.getTime(), registeredAt.getTime() + 30 * DAY_MS)),
      0.1 + 0.9 * r('closedAt'),
    );
    const direct = type === 'consultation' && r('direct') < 0.3;
    const satisfaction = weighted(r('satisfaction'), { satisfied: 70, basically_satisfied: 15, dissatisfied: 5, unreachable: 10 });
    flags.push('completed');
    if (direct) flags.push('direct_answer');
    else flags.push('signed');
    if (!direct && r('late') < 0.12) flags.push('completed_late', 'overdue_ever');
    if (satisfaction !== 'unreachable') flags.push(r('resolved') < 0.85 ? 'resolved' : 'unresolved');
    s = {
      stage: 'closed',
      unit: direct ? null : unitCode,
      reviewLevel: null,
      stageSince: closedAt.toISOString(),
      dueAt: null,
      overdue: false,
      redFlag: false,
      satisfaction: direct ? null : satisfaction,
      closedAt: closedAt.toISOString(),
    };
  } else {
    const stage = weighted(r('stage'), OPEN_STAGE_WEIGHTS);
    // In its stage since some time after registration; the longer a case is open, the likelier it sits long.
    const stageSince = between(registeredAt, now, stage === 'registered' ? 0 : Math.sqrt(r('stageSince')));
    const dueAt = new Date(stageSince.getTime() + STAGE_DAYS[stage] * DAY_MS * (0.8 + 0.4 * r('due')));
    const overdue = stage !== 'deciding' && dueAt < now;
    const redFlag = overdue && now.getTime() - dueAt.getTime() > 7 * DAY_MS;
    if (stage !== 'registered' && stage !== 'assigned') flags.push('signed');
    if (overdue) flags.push('overdue_ever');
    if (redFlag) flags.push('red_flag_ever');
    if (stage === 'rectifying' && r('extension') < 0.03) flags.push('extension_pending');
    if (stage === 'replied' || stage === 'deciding') flags.push('completed');
    s = {
      stage,
      unit: stage === 'registered' ? null : unitCode,
      reviewLevel: stage === 'reviewing' ? pick(r('level'), [1, 2, 3] as const) : null,
      stageSince: stageSince.toISOString(),
      dueAt: stage === 'deciding' ? null : dueAt.toISOString(),
      overdue,
      redFlag,
      satisfaction: stage === 'deciding' ? 'dissatisfied' : null,
      closedAt: null,
    };
  }
  if (flags.includes('overdue_ever') && r('red') < 0.3) flags.push('red_flag_ever');
  const title = pick(r('title'), TITLES);
  return {
    id: `${SYNTHETIC_PREFIX}${runId}-${index}`,
    version: 1,
    ledgerNo: `${SYNTHETIC_LEDGER_PREFIX}-${shanghaiYear(registeredAt)}-${String(index + 1).padStart(6, '0')}`,
    type,
    channel: weighted(r('channel'), CHANNEL_WEIGHTS),
    urgent: r('urgent') < 0.05,
    reopenCount: r('reopen') < 0.03 ? 1 : 0,
    registeredAt: registeredAt.toISOString(),
    flags: [...new Set(flags)],
    title: `[合成] ${title}`,
    citizenKey: createHash('sha256').update(`synthetic-citizen-${runId}-${index}`).digest('hex').slice(0, 32),
    // As caseWorkflowV2 records them: a closed case's run has ended, and a sample may draw it for 60 days.
    archived: s.closedAt !== null,
    spotCheckUntil: s.closedAt === null ? null : new Date(new Date(s.closedAt).getTime() + 60 * DAY_MS).toISOString(),
    ...s,
  };
}

/**
 * Writes synthetic rows `from` … `to`-1 of a set of `count` (the spread is over the whole set) into case_summaries,
 * in batches of one INSERT each; rows that exist are left as they are. Returns the rows written.
 */
export async function seedSynthetic(
  db: Db,
  opts: {
    count: number;
    from?: number;
    to?: number;
    runId: string;
    days?: number;
    now?: Date;
    unitCodes: readonly string[];
    log?: (line: string) => void;
  },
): Promise<number> {
  const now = opts.now ?? new Date();
  const from = opts.from ?? 0;
  const to = opts.to ?? opts.count;
  const batch = 2000;
  let written = 0;
  for (let start = from; start < to; start += batch) {
    const rows = [];
    for (let i = start; i < Math.min(to, start + batch); i++) {
      const s = syntheticSummary(opts.runId, i, opts.count, now, opts.days ?? 90, opts.unitCodes);
      rows.push({
        id: s.id,
        version: s.version,
        ledger_no: s.ledgerNo,
        stage: s.stage,
        type: s.type,
        channel: s.channel,
        unit: s.unit,
        urgent: s.urgent,
        review_level: s.reviewLevel,
        reopen_count: s.reopenCount,
        registered_at: s.registeredAt,
        stage_since: s.stageSince,
        due_at: s.dueAt,
        overdue: s.overdue,
        red_flag: s.redFlag,
        flags: s.flags,
        satisfaction: s.satisfaction,
        closed_at: s.closedAt,
        title: s.title,
        citizen_key: s.citizenKey,
        archived: s.archived,
      });
    }
    const columns = Object.keys(rows[0]).join(', ');
    const result = await db.query(
      `INSERT INTO case_summaries (${columns}, recorded_at)
       SELECT ${columns}, now() FROM json_populate_recordset(NULL::case_summaries, $1::json)
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
    written += result.rowCount ?? 0;
    if ((start - from) % 20_000 === 0) opts.log?.(`synthetic rows: ${Math.min(to, start + batch) - from}/${to - from}`);
  }
  return written;
}

export async function removeSynthetic(db: Db): Promise<number> {
  const result = await db.query(`DELETE FROM case_summaries WHERE id LIKE '${SYNTHETIC_PREFIX}%'`);
  return result.rowCount ?? 0;
}

// ---- the command ----

const USAGE = `usage: npm run seed -- --cases N [--run ID] [--days 90] [--concurrency 16] [--api URL]
       npm run seed -- --synthetic N [--run ID] [--days 90]
       npm run seed -- --remove-synthetic
Seeds the system \`npm start\` runs (same environment: DATABASE_URL or the embedded database, TEMPORAL_ADDRESS, PORT, HUIYING_DATA_DIR).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      cases: { type: 'string' },
      synthetic: { type: 'string' },
      'read-model-only': { type: 'string' },
      'remove-synthetic': { type: 'boolean' },
      run: { type: 'string', default: 'seed' },
      days: { type: 'string', default: '90' },
      concurrency: { type: 'string', default: '16' },
      api: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const whole = (v: string | undefined, name: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
    return n;
  };
  const synthetic = values.synthetic ?? values['read-model-only'];
  if (values.help || (values.cases === undefined && synthetic === undefined && !values['remove-synthetic'])) {
    console.log(USAGE);
    return;
  }
  const runId = values.run!;
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(runId)) throw new Error('--run: letters, digits, - and _ (at most 40)');
  const days = whole(values.days, 'days');
  const target = await seedTarget(process.env, { apiBase: values.api });
  const log = (line: string) => console.log(`[seed] ${line}`);
  try {
    if (values['remove-synthetic']) log(`removed ${await removeSynthetic(target.db)} synthetic rows`);
    if (synthetic !== undefined) {
      const count = whole(synthetic, 'synthetic');
      const codes = target.units.units.map((u) => u.code);
      const written = await seedSynthetic(target.db, { count, runId, days, unitCodes: codes, log });
      await target.db.query('ANALYZE case_summaries');
      log(`${written} synthetic rows written (${count - written} were there), ids ${SYNTHETIC_PREFIX}${runId}-*`);
    }
    if (values.cases !== undefined) {
      const count = whole(values.cases, 'cases');
      const health = await fetch(`${target.apiBase}/health`).catch(() => null);
      if (!health) throw new Error(`no API at ${target.apiBase}: run \`npm start\` first (or pass --api URL)`);
      const report = await seedCases(target, { count, runId, days, concurrency: whole(values.concurrency, 'concurrency'), log });
      log(
        `${report.registered} cases registered, ${report.existing} found from an earlier run, ${report.actions} actions in ` +
          `${report.seconds.toFixed(0)} s; planned stages: ${JSON.stringify(report.byTarget)}`,
      );
      for (const f of report.failures.slice(0, 10)) log(`failed: case ${runId}-${f.index}: ${f.error}`);
      if (report.failures.length > 0) {
        log(`${report.failures.length} cases failed; run the same command again to finish them`);
        process.exitCode = 1;
      }
    }
  } finally {
    await target.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
