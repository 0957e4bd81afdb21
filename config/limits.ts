import { readFileSync } from 'node:fs';
import { TimeLimitsSchema, type TimeLimits } from '../domain/limits';

/**
 * The time limits: the built-in defaults, or `file` (HUIYING_LIMITS_FILE, `Config.files.limits`), a JSON file
 * with only the limits a county changes; the rest keep their defaults.
 */
export function loadLimits(file: string | undefined): TimeLimits {
  if (!file) return TimeLimitsSchema.parse({});
  const parsed = TimeLimitsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`HUIYING_LIMITS_FILE ${file} is invalid: ${where}`);
  }
  return parsed.data;
}
