import { useEffect, useState } from 'react';
import type { Unit } from '../../domain/units';
import { api } from './api';

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

/** A text with every unit code of the directory replaced by the unit's name (older timeline notes name codes). */
export function withUnitNames(units: Unit[], text: string): string {
  return units.reduce((t, u) => t.replace(new RegExp(`\\b${u.code}\\b`, 'g'), u.name), text);
}
