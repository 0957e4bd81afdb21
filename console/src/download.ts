import { clearSession, loadSession } from './session';
import { ApiFailure } from './api';

/** Downloads a file the API answers (the ledger export) with this tab's bearer token, under the given name. */
export async function download(path: string, filename: string): Promise<void> {
  const session = loadSession();
  const res = await fetch(path, { headers: session ? { authorization: `Bearer ${session.token}` } : {}, credentials: 'omit' });
  if (!res.ok) {
    if (res.status === 401) clearSession();
    const body = (await res.json().catch(() => undefined)) as { error?: { code: ApiFailure['code']; message: string } } | undefined;
    throw new ApiFailure(res.status, body?.error?.code ?? 'unavailable', body?.error?.message ?? res.statusText);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
