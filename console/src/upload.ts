import { ApiFailure } from './api';
import { clearSession, loadSession } from './session';

/** Sends a file's bytes as the body of a POST (attachments) with this tab's bearer token; the API's JSON answer. */
export async function uploadFile<T>(path: string, file: Blob): Promise<T> {
  const session = loadSession();
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/octet-stream' };
  if (session) headers.authorization = `Bearer ${session.token}`;
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers, body: file, credentials: 'omit' });
  } catch (err) {
    throw new ApiFailure(0, 'network', String(err));
  }
  const body = (await res.json().catch(() => undefined)) as
    { error?: { code: ApiFailure['code']; message: string; details?: unknown } } | undefined;
  if (!res.ok) {
    if (res.status === 401) clearSession();
    throw new ApiFailure(res.status, body?.error?.code ?? 'unavailable', body?.error?.message ?? res.statusText, body?.error?.details);
  }
  return body as T;
}
