import type { Role } from './roles';

// Who may take each action on a case is in that action's record in ACTIONS (actions.ts), beside its stages.

export const CREATE_CASE_ROLE: Role = 'operator';

/**
 * Roles that see citizens' phone (and ID) numbers unmasked: those who must call them. Everyone else sees them
 * masked (138****5678), and the units a protected case concerns see no citizen at all: `citizenVisibility` in
 * privacy.ts is the one rule that reads this list.
 */
export const UNMASKED_PHONE_ROLES: ReadonlySet<Role> = new Set(['operator', 'supervisor']);

/** Roles that may read the audit trail of who saw or exported personal data (GET /audit). */
export const AUDIT_ROLES: ReadonlySet<Role> = new Set(['supervisor', 'admin']);

/** Roles that see the supervisors' view of overdue, due-soon and stalled cases (GET /supervision/stuck). */
export const SUPERVISION_ROLES: ReadonlySet<Role> = new Set(['supervisor', 'admin']);

/**
 * Roles that may decrypt Temporal payloads through the codec endpoint (the Web UI), i.e. see personal data in full.
 * Only a role the API shows every citizen to (UNMASKED_PHONE_ROLES) — an admin sees phones masked in the API, so not
 * decrypted in the UI either — and the route also refuses anyone with a unit (privacy.ts `seesEveryCitizen`).
 */
export const CODEC_ROLES: ReadonlySet<Role> = new Set(['supervisor']);
