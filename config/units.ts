import { readFileSync } from 'node:fs';
import { DEFAULT_UNITS, UnitDirectory, UnitDirectorySchema } from '../domain/units';

/**
 * The unit directory: the default Lezhi one, or `file` (HUIYING_UNITS_FILE, `Config.files.units`), a JSON
 * array of {code, name} that replaces it.
 */
export function loadUnitDirectory(file: string | undefined): UnitDirectory {
  if (!file) return new UnitDirectory(DEFAULT_UNITS);
  const parsed = UnitDirectorySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`HUIYING_UNITS_FILE ${file} is invalid: ${where}`);
  }
  return new UnitDirectory(parsed.data);
}
