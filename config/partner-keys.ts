/**
 * HUIYING_OPEN311_API_KEYS: `partner:key[,partner:key…]`, the platforms that may post Open311 service requests and the
 * key each sends as `api_key`. A partner's name becomes its actor id (`open311:<name>`), so it is a short identifier.
 */
export interface PartnerKey {
  name: string;
  key: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
/** Keys long enough not to be guessed: `openssl rand -hex 16` gives 32 characters. */
export const MIN_PARTNER_KEY_LENGTH = 16;

/** Parses the list; the errors name partners, never keys. */
export function parsePartnerKeys(text: string): PartnerKey[] {
  const out: PartnerKey[] = [];
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = item.indexOf(':');
    const name = colon < 0 ? '' : item.slice(0, colon);
    const key = colon < 0 ? '' : item.slice(colon + 1);
    if (!NAME.test(name)) throw new Error("each entry is partner:key, the partner's name lower-case letters, digits, '-' or '_'");
    if (key.length < MIN_PARTNER_KEY_LENGTH)
      throw new Error(`the key of partner '${name}' must be at least ${MIN_PARTNER_KEY_LENGTH} characters`);
    if (out.some((p) => p.name === name)) throw new Error(`partner '${name}' is listed twice`);
    // A shared key would let one partner register as the other.
    if (out.some((p) => p.key === key)) throw new Error(`partner '${name}' has the key of another partner`);
    out.push({ name, key });
  }
  return out;
}
