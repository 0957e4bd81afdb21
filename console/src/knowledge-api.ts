import { api, ApiFailure } from './api';
import { loadSession } from './session';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * PUT, DELETE and the spreadsheet upload of the knowledge base, which `api()` (JSON GET and POST) does not send.
 * Refusals are ApiFailures as api() raises them; on a 401 api() is asked once more (GET /me), so that the one place
 * that ends a session and asks to sign in again does it.
 */
export async function send<T>(
  method: 'PUT' | 'DELETE' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const session = loadSession();
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (session) h.authorization = `Bearer ${session.token}`;
  const raw = body instanceof Blob;
  if (body !== undefined && !raw) h['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: h,
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
      credentials: 'omit',
    });
  } catch (err) {
    throw new ApiFailure(0, 'network', String(err));
  }
  const text = await res.text();
  const json = (text ? JSON.parse(text) : undefined) as
    { error?: { code: ApiFailure['code']; message: string; details?: unknown } } | undefined;
  if (!res.ok) {
    if (res.status === 401) await api('GET', '/me').catch(() => undefined);
    throw new ApiFailure(res.status, json?.error?.code ?? 'unavailable', json?.error?.message ?? res.statusText, json?.error?.details);
  }
  return json as T;
}
