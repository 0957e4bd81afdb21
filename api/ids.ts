import { createHash, createHmac, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32: no i, l, o, u to misread on the phone

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % 32];
  return out;
}

/** A new case id; with an Idempotency-Key, the same caller and key always give the same id. */
export function caseIdFor(callerId: string, idempotencyKey?: string): string {
  const bytes = idempotencyKey ? createHash('sha256').update(`${callerId}\u0000${idempotencyKey}`).digest() : randomBytes(16);
  return base32(bytes, 16);
}

/** Update ids for retried actions: scoped by caller and action, so one key cannot replay another's action. */
export function updateIdFor(callerId: string, action: string, idempotencyKey: string): string {
  return `${action}-${createHash('sha256').update(`${callerId}\u0000${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

export function hashRequest(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A keyed hash of the phone number (digits only): equal for the same phone, useless without the secret, so it
 * can sit in visibility to find a citizen's open cases while the phone itself never does.
 */
export function citizenKeyOf(secret: string, phone: string): string {
  return createHmac('sha256', secret).update(phone.replace(/\D/g, '')).digest('hex').slice(0, 32);
}

/** A secret for one purpose derived from another, so one configured secret does not serve two jobs as is. */
export function deriveSecret(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(`huiying:${purpose}`).digest('hex');
}
