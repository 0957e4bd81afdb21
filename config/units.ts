import { readFileSync } from 'node:fs';
import { DEFAULT_UNITS, UnitDirectory, UnitDirectorySchema } from '../domain/units';

/** `HUIYING_UNITS_FILE` (a JSON array of {code, name}) replaces the default Lezhi directory. */
export function unitDirectoryFromEnv(env: NodeJS.ProcessEnv = process.env): UnitDirectory {
  const file = env.HUIYING_UNITS_FILE;
  if (!file) return new UnitDirectory(DEFAULT_UNITS);
  const parsed = UnitDirectorySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`HUIYING_UNITS_FILE ${file} is invalid: ${where}`);
  }
  return new UnitDirectory(parsed.data);
}
