/**
 * A load of clean cases driven through the HTTP API as people drive them — register → assign → accept → submit →
 * three approvals → call-back (satisfied) — concurrently, each request carrying an Idempotency-Key of its own that a
 * retry repeats. While a worker or an API process is down, the API answers 503 (or a connection breaks): the step is
 * sent again with the same key, which Temporal runs at most once. So whatever is killed meanwhile, each case is
 * registered once and each action applied once; what the system did with that is for the caller to check.
 */
import { randomUUID } from 'node:crypto';
import { signToken } from '../../api/tokens';
import type { Actor } from '../../domain/roles';
import { newCase } from './cases';
import { HOUSING, levelReviewers, people } from './personas';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Step {
  name: string;
  actor: Actor;
  /** '' for the registration (POST /cases), else the action's path under /cases/:id/. */
  action: string;
  body(i: number): unknown;
  expect: number;
}

export const CLEAN_STEPS: readonly Step[] = [
  {
    name: 'register',
    actor: people.operator,
    action: '',
    // Another caller and title each time: 并单 (on by default) must not merge two cases of the load.
    body: (i) => newCase({ title: `负载 ${i} 楼道灯不亮`, citizen: { name: '负载市民', phone: `139${String(i % 1e8).padStart(8, '0')}` } }),
    expect: 201,
  },
  { name: 'assign', actor: people.dispatcher, action: 'assign', body: () => ({ unit: HOUSING }), expect: 200 },
  { name: 'accept', actor: people.housingHandler, action: 'accept', body: () => ({ note: '已签收' }), expect: 200 },
  { name: 'submit', actor: people.housingHandler, action: 'submit', body: () => ({ result: '已更换楼道灯，现场核实正常' }), expect: 200 },
  ...([1, 2, 3] as const).map((level) => ({
    name: `review ${level}`,
    actor: levelReviewers[level],
    action: 'review',
    body: () => ({ level, decision: 'approve' }),
    expect: 200,
  })),
  { name: 'callback', actor: people.operator, action: 'callback', body: () => ({ result: 'satisfied' }), expect: 200 },
];

/** The stage a clean case ends in. */
export const CLEAN_END_STAGE = 'closed';

export interface LoadOptions {
  baseUrl: string;
  /** The API's JWT secret: the load signs the personas' tokens. */
  secret: string;
  cases: number;
  concurrency: number;
  /** Called after every step that succeeded (total steps so far), e.g. to kill something at a chosen point. */
  onStep?: (done: number, total: number) => void;
  /** How long one step may keep failing before the load gives up on its case (default 3 minutes). */
  stepDeadlineMs?: number;
}

export interface CaseRun {
  i: number;
  id: string;
  ledgerNo: string;
  stage: string;
  /** When each step was answered (ms since the epoch), in step order. */
  answeredAt: number[];
}

export interface LoadResult {
  cases: CaseRun[];
  /** Requests sent again after a 5xx or a broken connection, by the status or error that caused it. */
  retries: Map<string, number>;
  startedAt: number;
  finishedAt: number;
}

const RETRIED = new Set([500, 502, 503, 504]);

export async function driveCleanCases(o: LoadOptions): Promise<LoadResult> {
  const run = randomUUID().slice(0, 8);
  const tokens = new Map<string, Promise<string>>();
  const token = (a: Actor) => {
    if (!tokens.has(a.id))
      tokens.set(a.id, signToken({ sub: a.id, name: a.name, roles: a.roles, unit: a.unit, levels: a.levels }, o.secret, '2h'));
    return tokens.get(a.id)!;
  };
  const retries = new Map<string, number>();
  const total = o.cases * CLEAN_STEPS.length;
  let done = 0;
  const deadlineMs = o.stepDeadlineMs ?? 180_000;

  const send = async (i: number, id: string, step: Step): Promise<Json> => {
    const key = `load-${run}-${i}-${step.name}`;
    const url = step.action === '' ? `${o.baseUrl}/cases` : `${o.baseUrl}/cases/${id}/${step.action}`;
    const giveUpAt = Date.now() + deadlineMs;
    for (let attempt = 1; ; attempt++) {
      let why: string;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${await token(step.actor)}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(step.body(i)),
        });
        const text = await res.text();
        if (res.status === step.expect) return JSON.parse(text);
        if (!RETRIED.has(res.status)) throw new Error(`case ${i} ${step.name}: HTTP ${res.status} ${text.slice(0, 300)}`);
        why = `HTTP ${res.status}`;
      } catch (err) {
        if ((err as Error).message.startsWith(`case ${i} `)) throw err;
        why = `network: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`;
      }
      retries.set(why, (retries.get(why) ?? 0) + 1);
      if (Date.now() > giveUpAt) throw new Error(`case ${i} ${step.name}: still failing after ${attempt} attempts (${why})`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(200 * attempt, 2_000)));
    }
  };

  const startedAt = Date.now();
  const cases: CaseRun[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (next < o.cases) {
        const i = ++next;
        const runOf: CaseRun = { i, id: '', ledgerNo: '', stage: '', answeredAt: [] };
        for (const step of CLEAN_STEPS) {
          const answer = await send(i, runOf.id, step);
          runOf.answeredAt.push(Date.now());
          if (step.action === '') Object.assign(runOf, { id: answer.id, ledgerNo: answer.ledgerNo });
          runOf.stage = answer.stage;
          done += 1;
          o.onStep?.(done, total);
        }
        cases.push(runOf);
      }
    }),
  );
  return { cases: cases.sort((a, b) => a.i - b.i), retries, startedAt, finishedAt: Date.now() };
}
