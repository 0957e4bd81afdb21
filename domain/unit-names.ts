/**
 * A text with every unit code of the directory replaced by the unit's name: timeline notes record codes (what the
 * workflow knows), people read names. Codes are matched whole, so 'health' never rewrites part of another word.
 */
export function withUnitNames(units: readonly { code: string; name: string }[], text: string): string {
  return units.reduce((t, u) => t.replace(new RegExp(`(?<![\\w-])${u.code}(?![\\w-])`, 'g'), u.name), text);
}
