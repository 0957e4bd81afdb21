import { useEffect, useState } from 'react';
import type { Unit } from '../../domain/units';
import { api } from './api';

// Apart from domain/units.ts, which holds zod schemas: the inbox's first screen loads no zod.
export { withUnitNames } from '../../domain/unit-names';

let cached: Promise<Unit[]> | undefined;

/** The unit directory (GET /units), read once per page load: unit names, never codes, on every screen. */
export function useUnits(): Unit[] {
  const [units, setUnits] = useState<Unit[]>([]);
  useEffect(() => {
    cached ??= api<Unit[]>('GET', '/units').catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
    cached.then(setUnits).catch(() => undefined);
  }, []);
  return units;
}

export function unitName(units: Unit[], code: string | null | undefined): string {
  if (!code) return '—';
  return units.find((u) => u.code === code)?.name ?? code;
}
