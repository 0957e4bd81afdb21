/** Names of variables whose values must never appear in a log, Huiying's or not (AWS_SECRET_ACCESS_KEY...). */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|KEY/i;

/**
 * The values of secret-looking environment variables, and their comma-, colon- or space-separated parts (a key
 * list's single keys), for log redaction (config/redaction.ts). Short values (< 8 characters) would redact ordinary words.
 */
export function secretValuesIn(env: Readonly<Record<string, unknown>>): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string' || !value || !SECRET_NAME.test(name)) continue;
    for (const part of [value, ...value.split(/[,:;\s]+/)]) if (part.length >= 8) out.add(part);
  }
  return [...out];
}
