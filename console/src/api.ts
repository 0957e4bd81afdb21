import type { ErrorCode } from '../../domain/errors';
import { clearSession, loadSession } from './session';

/** An answer of the API other than 2xx, as its error body says it (`{error: {code, message, details}}`). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The fields a 400 names (`details: [{field, message}]`), by field path without the `body.` prefix. */
  fieldErrors(): Record<string, string> {
    if (this.code !== 'invalid_input' || !Array.isArray(this.details)) return {};
    const out: Record<string, string> = {};
    for (const d of this.details as { field?: string; message?: string }[]) {
      if (d.field) out[d.field.replace(/^(body|query)\./, '')] = d.message ?? '';
    }
    return out;
  }
}

type Listener = () => void;
const expiredListeners = new Set<Listener>();

/** Told when the API refuses the session (401): the app asks to sign in again and keeps what was typed. */
export function onSessionExpired(listener: Listener): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

/**
 * One call to the API, same origin, with this tab's bearer token — or the one in `headers` (a sign-in asking who its
 * new token names), whose refusal then says nothing of this tab's session.
 */
export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const session = headers.authorization ? null : loadSession();
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (session) h.authorization = `Bearer ${session.token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
  } catch (err) {
    throw new ApiFailure(0, 'network', String(err));
  }
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const error = (json as { error?: { code: ErrorCode; message: string; details?: unknown } } | undefined)?.error;
    if (res.status === 401 && session) {
      clearSession();
      expiredListeners.forEach((l) => l());
    }
    throw new ApiFailure(res.status, error?.code ?? 'unavailable', error?.message ?? res.statusText, error?.details);
  }
  return json as T;
}
