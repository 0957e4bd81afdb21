import type { Actor } from '../../domain/roles';

/** Who is signed in in this tab: the bearer token, when it ends, and the person it names. */
export interface Session {
  token: string;
  expiresAt: string;
  person: Actor & { unitName?: string | null };
}

const KEY = 'huiying.session';

/**
 * The session lives in this tab's sessionStorage: it survives a reload, ends with the tab, and is sent only as a
 * bearer header by our own code — never a cookie, so another site cannot make the browser act with it (no CSRF).
 */
export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    return Date.parse(session.expiresAt) > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/** A form's unsaved input, kept across an expired session and a reload until it is sent. */
export function loadDraft<T>(name: string): T | undefined {
  try {
    const raw = sessionStorage.getItem(`huiying.draft.${name}`);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

export function saveDraft(name: string, value: unknown): void {
  sessionStorage.setItem(`huiying.draft.${name}`, JSON.stringify(value));
}

export function clearDraft(name: string): void {
  sessionStorage.removeItem(`huiying.draft.${name}`);
}
