import type { Actor } from './roles';
import type { Unit } from './units';

/** A demo person of the development login: who they are, and the unit's name for the login page. */
export interface DemoPerson extends Actor {
  unitName?: string;
}

/**
 * The people the development login offers (console, `GET /auth/dev/people`): one per role and review level, and one
 * handler per unit of the directory. Ids are stable, so a case's timeline reads the same across restarts. Never
 * offered when the county's single sign-on is configured.
 */
export function demoPeople(units: readonly Unit[]): DemoPerson[] {
  return [
    { id: 'demo-operator', name: '李话务', roles: ['operator'], levels: [] },
    { id: 'demo-dispatcher', name: '赵派单', roles: ['dispatcher'], levels: [] },
    { id: 'demo-reviewer-1', name: '孙初审', roles: ['reviewer'], levels: [1] },
    { id: 'demo-reviewer-2', name: '周审核', roles: ['reviewer'], levels: [2] },
    { id: 'demo-reviewer-3', name: '吴审发', roles: ['reviewer'], levels: [3] },
    { id: 'demo-supervisor', name: '钱督办', roles: ['supervisor'], levels: [] },
    { id: 'demo-admin', name: '孙管理', roles: ['admin'], levels: [] },
    ...units.map((u) => ({
      id: `demo-handler-${u.code}`,
      name: `${u.name}承办人`,
      roles: ['handler' as const],
      unit: u.code,
      unitName: u.name,
      levels: [],
    })),
  ];
}
