/**
 * The authorization matrix: every endpoint the API serves, and which role may call it on which cases. It is the
 * one table the API enforces (`authorize(endpoint)` in api/auth.ts), the README prints
 * (`npx tsx scripts/authorization-table.ts`) and the matrix test walks against the running app.
 *
 * Adding an endpoint is one line here, e.g. `'POST /cases/:id/merge': only('operator'),`; an endpoint the app
 * serves without a line here fails test/privacy/authorization-matrix.test.ts.
 *
 * The action rows come from the action catalogue (ACTIONS in actions.ts: each action's role and whether it is unit
 * bound), which the workflow's validators (`refuse` in rules.ts) read too: the API and the workflow cannot disagree
 * about who may act.
 */
import { ACTION_KINDS, ACTIONS, ROUTED_ACTIONS, type ActionKind } from './actions';
import { uploadAccess } from './attachments';
import { KNOWLEDGE_EDIT_ROLES, KNOWLEDGE_READ_ROLES, KNOWLEDGE_USE_ROLE } from './knowledge';
import { AUDIT_ROLES, CODEC_ROLES, CREATE_CASE_ROLE, SUPERVISION_ROLES } from './permissions';
import { ROLES, type Actor, type Role } from './roles';

/** On which cases a role may call an endpoint: any case, or only the cases assigned to its own unit. */
export type CaseScope = 'any' | 'own_unit';

/**
 * Who may call an endpoint: anyone without a token (`public`), a partner platform with its API key and no token
 * (`partner`: the route checks the key, no role grants it), or these roles, each with its case scope.
 */
export type RoleAccess = Readonly<Partial<Record<Role, CaseScope>>>;
export type Access = 'public' | 'partner' | RoleAccess;

export const PUBLIC = 'public' as const;
export const PARTNER = 'partner' as const;

/** These roles, on any case. */
export function only(...roles: (Role | Iterable<Role>)[]): RoleAccess {
  const flat = roles.flatMap((r) => (typeof r === 'string' ? [r] : [...r]));
  return Object.fromEntries(flat.map((r) => [r, 'any' as const]));
}

/** Every role on any case, except handlers: only their own unit's cases. */
const everyoneHandlersOwnUnit: RoleAccess = { ...only(ROLES), handler: 'own_unit' };
/** Every authenticated role; nothing case-bound about the endpoint. */
const everyone: RoleAccess = only(ROLES);

/** The endpoint an action is posted to. */
export function actionEndpoint(kind: ActionKind): EndpointKey {
  return `POST /cases/:id/${ACTIONS[kind].path}`;
}

/** `POST /cases/:id/<action>` for each routed action, from the catalogue the workflow also enforces. */
const actionRows: Record<string, Access> = Object.fromEntries(
  ROUTED_ACTIONS.map((kind) => [actionEndpoint(kind), { [ACTIONS[kind].role]: ACTIONS[kind].unitBound ? 'own_unit' : 'any' }]),
);

/**
 * Own-unit endpoints whose unit check the case workflow makes itself, in the update's validator (`refuse` in
 * rules.ts, from the same `unitBound` in ACTIONS), before anything enters history: the API need not look the case
 * up first. Every other own-unit endpoint on a case is checked by the API before it acts.
 */
export const UNIT_CHECKED_BY_WORKFLOW: ReadonlySet<string> = new Set(
  ACTION_KINDS.filter((kind) => ACTIONS[kind].unitBound).map(actionEndpoint),
);

/** `METHOD /path` (Express path syntax) → who may call it. */
export const ENDPOINTS: Readonly<Record<string, Access>> = {
  'POST /cases': only(CREATE_CASE_ROLE),
  'GET /cases': everyoneHandlersOwnUnit,
  'GET /cases/:id': everyoneHandlersOwnUnit,
  // Evidence and attachments (api/routes/attachments.ts): read as the case is read; added by kind (UPLOADERS in attachments.ts).
  'POST /cases/:id/attachments': uploadAccess(),
  'GET /cases/:id/attachments': everyoneHandlersOwnUnit,
  'GET /cases/:id/attachments/:attachmentId': everyoneHandlersOwnUnit,
  ...actionRows,
  'GET /supervision/stuck': only(SUPERVISION_ROLES),
  'GET /supervision/workload': only(SUPERVISION_ROLES),
  'GET /inbox': everyone,
  'GET /units': everyone,
  'GET /audit': only(AUDIT_ROLES),
  'GET /spot-checks': only(SUPERVISION_ROLES),
  // Metrics: supervisors and admins for every unit; a handler only its own unit's line (api/routes/stats.ts).
  'GET /stats': { ...only(SUPERVISION_ROLES), handler: 'own_unit' },
  // The ledger: what GET /cases would list for the caller (a handler: its own unit's cases).
  'GET /ledger.xlsx': everyoneHandlersOwnUnit,
  'GET /ledger.csv': everyoneHandlersOwnUnit,
  // The knowledge base (api/routes/knowledge.ts): searched by those who answer citizens, kept by supervisors and admins.
  'GET /knowledge': only(KNOWLEDGE_READ_ROLES),
  'GET /knowledge/:id': only(KNOWLEDGE_READ_ROLES),
  'GET /knowledge/:id/history': only(KNOWLEDGE_READ_ROLES),
  'POST /knowledge': only(KNOWLEDGE_EDIT_ROLES),
  'PUT /knowledge/:id': only(KNOWLEDGE_EDIT_ROLES),
  'DELETE /knowledge/:id': only(KNOWLEDGE_EDIT_ROLES),
  'GET /knowledge.xlsx': only(KNOWLEDGE_EDIT_ROLES),
  'POST /knowledge/import': only(KNOWLEDGE_EDIT_ROLES),
  'POST /knowledge/:id/uses': only(KNOWLEDGE_USE_ROLE),
  // Citizens and partner platforms: a case's public status by its ledger number and the phone's last four digits
  // (api/routes/public-status.ts); Open311 GeoReport v2, open data, and requests posted with a partner's key (api/routes/open311.ts).
  'GET /public/cases/:ledgerNo': PUBLIC,
  'GET /open311/v2/services.json': PUBLIC,
  'GET /open311/v2/requests.json': PUBLIC,
  'GET /open311/v2/requests/:id.json': PUBLIC,
  'POST /open311/v2/requests.json': PARTNER,
  'GET /health': PUBLIC,
  // Liveness and readiness for an orchestrator (api/health.ts): no personal data, no token.
  'GET /health/live': PUBLIC,
  'GET /health/ready': PUBLIC,
  'GET /openapi.json': PUBLIC,
  // The console (api/console.ts): its page and assets are public; everything it shows comes through the rows above.
  'GET /': PUBLIC,
  'GET /assets/*path': PUBLIC,
  // The console's sign-in (api/routes/session.ts): how to sign in; the development login only when HUIYING_DEV_LOGIN is on.
  'GET /auth/config': PUBLIC,
  'GET /auth/dev/people': PUBLIC,
  'POST /auth/dev/login': PUBLIC,
  'GET /me': everyone,
  // The codec endpoint for the Temporal Web UI (api/routes/codec.ts; it checks CODEC_ROLES itself, with a bearer token or its session cookie).
  'POST /codec/decode': only(CODEC_ROLES),
  'POST /codec/encode': only(CODEC_ROLES),
  'GET /codec/session': only(CODEC_ROLES),
  'POST /codec/session': only(CODEC_ROLES),
  'DELETE /codec/session': PUBLIC,
};

export type EndpointKey = string;

export function accessOf(endpoint: EndpointKey): Access {
  const access = ENDPOINTS[endpoint];
  if (access === undefined) throw new Error(`'${endpoint}' is not in the authorization matrix (domain/authorization.ts)`);
  return access;
}

/**
 * The widest case scope any of the actor's roles has on this endpoint, or null when none may call it. A person
 * holding several roles may do what each of them may (a handler who is also a supervisor sees every case).
 */
export function scopeFor(endpoint: EndpointKey, actor: Pick<Actor, 'roles'>): CaseScope | null {
  const access = accessOf(endpoint);
  if (access === PUBLIC) return 'any';
  if (access === PARTNER) return null;
  const scopes = actor.roles.map((r) => access[r]).filter((s): s is CaseScope => s !== undefined);
  if (scopes.includes('any')) return 'any';
  return scopes.length > 0 ? 'own_unit' : null;
}

/** Whether a caller with this scope may touch a case assigned to `caseUnit` (null: not assigned). */
export function scopeCovers(scope: CaseScope, actor: Pick<Actor, 'unit'>, caseUnit: string | null): boolean {
  return scope === 'any' || (actor.unit !== undefined && caseUnit !== null && actor.unit === caseUnit);
}

/** The roles named in an endpoint's row, with their scopes, in ROLES order (for tables and messages). */
export function rolesOf(endpoint: EndpointKey): { role: Role; scope: CaseScope }[] {
  const access = accessOf(endpoint);
  if (access === PUBLIC || access === PARTNER) return [];
  return ROLES.filter((r) => access[r] !== undefined).map((role) => ({ role, scope: access[role]! }));
}

/** The matrix as a Markdown table (endpoint × role), for the README. */
export function authorizationMarkdown(): string {
  const head = `| endpoint | ${ROLES.join(' | ')} |\n| --- |${ROLES.map(() => ' --- |').join('')}`;
  const cell = (endpoint: string, role: Role): string => {
    const access = ENDPOINTS[endpoint];
    if (access === PUBLIC) return 'public';
    if (access === PARTNER) return 'partner key';
    const scope = access[role];
    return scope === 'any' ? 'yes' : scope === 'own_unit' ? 'own unit' : '—';
  };
  const rows = Object.keys(ENDPOINTS).map((e) => `| \`${e}\` | ${ROLES.map((r) => cell(e, r)).join(' | ')} |`);
  return [head, ...rows].join('\n');
}
