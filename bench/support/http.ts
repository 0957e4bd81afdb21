/**
 * HTTP for the benchmarks: a small API client that signs the personas' bearer tokens (api/tokens.ts) with the
 * system's secret, and the clean path of a case as the API walk in the README does it, one request per step.
 */
import { randomUUID } from 'node:crypto';
import { signToken } from '../../api/tokens';
import type { Actor } from '../../domain/roles';
import { newCase } from '../../test/support/cases';
import { levelReviewers, people, HOUSING } from '../../test/support/personas';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiResponse {
  status: number;
  body: Json;
  text: string;
}

export type ApiCall = (
  method: string,
  path: string,
  opts?: { token?: Actor; body?: unknown; headers?: Record<string, string> },
) => Promise<ApiResponse>;

export function apiClient(baseUrl: string, secret: string): ApiCall {
  const tokens = new Map<string, Promise<string>>();
  const token = (actor: Actor): Promise<string> => {
    if (!tokens.has(actor.id)) {
      tokens.set(
        actor.id,
        signToken({ sub: actor.id, name: actor.name, roles: actor.roles, unit: actor.unit, levels: actor.levels }, secret, '24h'),
      );
    }
    return tokens.get(actor.id)!;
  };
  return async (method, urlPath, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${await token(opts.token)}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(`${baseUrl}${urlPath}`, { method, headers, body });
    const text = await res.text();
    const parsed: Json = (res.headers.get('content-type') ?? '').includes('json') && text.length > 0 ? JSON.parse(text) : undefined;
    return { status: res.status, body: parsed, text };
  };
}

export interface Step {
  name: string;
  /** The HTTP status that means the step succeeded. */
  expect: number;
  /** Sends the request; `id` is the case id ('' for the registration, which returns it). */
  send(api: ApiCall, id: string, i: number): Promise<ApiResponse>;
}

const action = (name: string, actionPath: string, actor: Actor, body: unknown): Step => ({
  name,
  expect: 200,
  send: (api, id) => api('POST', `/cases/${id}/${actionPath}`, { token: actor, body }),
});

/**
 * A clean case: register → assign → accept → submit → review levels 1, 2, 3 approve (three reviewers) → call-back
 * satisfied. Each registration is another citizen (a distinct phone), so 并单 never merges two bench cases.
 */
export const CLEAN_PATH: Step[] = [
  {
    name: 'register',
    expect: 201,
    send: (api, _id, i) =>
      api('POST', '/cases', {
        token: people.operator,
        headers: { 'idempotency-key': randomUUID() },
        body: newCase({ title: `基准 ${i} 楼道灯不亮`, citizen: { name: '基准市民', phone: `139${String(i % 1e8).padStart(8, '0')}` } }),
      }),
  },
  action('assign', 'assign', people.dispatcher, { unit: HOUSING }),
  action('accept', 'accept', people.housingHandler, { note: '已签收' }),
  action('submit', 'submit', people.housingHandler, { result: '已更换楼道灯，现场核实正常' }),
  ...([1, 2, 3] as const).map((level) => action(`review ${level}`, 'review', levelReviewers[level], { level, decision: 'approve' })),
  action('callback', 'callback', people.operator, { result: 'satisfied' }),
];

/** Runs one step; throws with the answer when it did not succeed. Returns the case's id and the answer's body. */
export async function runStep(api: ApiCall, step: Step, id: string, i: number): Promise<{ id: string; body: Json }> {
  const res = await step.send(api, id, i);
  if (res.status !== step.expect) throw new StepError(step.name, res.status, res.text.slice(0, 300));
  return { id: id || res.body.id, body: res.body };
}

export class StepError extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    text: string,
  ) {
    super(`${step}: HTTP ${status} ${text}`);
  }
}
