import type { ActionKind } from './actions';
import type { Role } from './roles';

/** The one role that may take each action on a case. Unit and level checks follow in `rules.ts`. */
export const ACTION_ROLE: Record<ActionKind, Role> = {
  assign: 'dispatcher',
  accept: 'handler',
  return: 'handler',
  progress: 'handler',
  submit: 'handler',
  review: 'reviewer',
  callback: 'operator',
  extension: 'handler',
  extensionDecision: 'supervisor',
  urge: 'supervisor',
};

/** Actions a handler may take only on cases of its own unit. */
export const UNIT_BOUND_ACTIONS: ReadonlySet<ActionKind> = new Set(['accept', 'return', 'progress', 'submit', 'extension']);

export const CREATE_CASE_ROLE: Role = 'operator';

/** Roles that see citizens' phone numbers unmasked: those who must call them. */
export const UNMASKED_PHONE_ROLES: ReadonlySet<Role> = new Set(['operator', 'supervisor']);

/** Roles that may decrypt Temporal payloads through the codec endpoint (the Web UI), i.e. see personal data in full. */
export const CODEC_ROLES: ReadonlySet<Role> = new Set(['supervisor', 'admin']);
