import { readFileSync } from 'node:fs';
import { TimeLimitsSchema, type TimeLimits } from '../domain/limits';

/** `HUIYING_LIMITS_FILE`: a JSON file with only the time limits a county changes; the rest keep their defaults. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): TimeLimits {
  const file = env.HUIYING_LIMITS_FILE;
  if (!file) return TimeLimitsSchema.parse({});
  const parsed = TimeLimitsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`HUIYING_LIMITS_FILE ${file} is invalid: ${where}`);
  }
  return parsed.data;
}
