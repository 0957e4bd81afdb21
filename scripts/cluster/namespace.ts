/**
 * What a real cluster lacks and the dev server made for us: Huiying's namespace and its custom search attributes.
 * Both idempotent, for every start. Search attributes are registered one per call (a call naming several registered
 * only the first, measured against v1.29.1 on PostgreSQL); the namespace's caches then take a moment to see them, so
 * this waits until a visibility query naming every one of them is accepted.
 */
import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { INDEXED_VALUE_TYPE, type SearchAttributeTypeName } from '../dev-server';

/** Closed cases stay in Temporal this long (the read model keeps them for good). A cluster's operator may choose another. */
export const NAMESPACE_RETENTION = '30 days';

/** gRPC status codes the SDK's errors carry. */
const ALREADY_EXISTS = 6;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;
const NOT_FOUND = 5;

const READY_TIMEOUT_MS = 60_000;

export interface NamespaceReport {
  created: boolean;
  /** The search attributes this call registered (none when all were there). */
  registered: string[];
}

export async function ensureNamespace(
  connection: Connection,
  o: { namespace: string; searchAttributes: Record<string, SearchAttributeTypeName>; retention?: string },
): Promise<NamespaceReport> {
  const created = await registerNamespace(connection, o.namespace, o.retention ?? NAMESPACE_RETENTION);
  const registered = await registerSearchAttributes(connection, o.namespace, o.searchAttributes);
  await waitUntilQueryable(connection, o.namespace, Object.keys(o.searchAttributes));
  return { created, registered };
}

async function registerNamespace(connection: Connection, namespace: string, retention: string): Promise<boolean> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(retention as Parameters<typeof msToTs>[0]),
      description: 'Huiying (回应)',
    });
    return true;
  } catch (err) {
    if (codeOf(err) === ALREADY_EXISTS) return false;
    throw new Error(`could not create the namespace ${namespace}: ${messageOf(err)}`, { cause: err });
  }
}

async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  wanted: Record<string, SearchAttributeTypeName>,
): Promise<string[]> {
  const registered: string[] = [];
  const existing = await customAttributes(connection, namespace);
  for (const [name, type] of Object.entries(wanted)) {
    const expected = INDEXED_VALUE_TYPE[type];
    if (existing[name] === expected) continue;
    if (existing[name] !== undefined) {
      throw new Error(
        `search attribute ${name} is registered in namespace ${namespace} with another type (IndexedValueType ${existing[name]}, wanted ${type}); a type cannot be changed`,
      );
    }
    await withRetries(`registering search attribute ${name}`, () =>
      connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { [name]: expected } }),
    );
    registered.push(name);
  }
  if (registered.length === 0) return registered;
  const after = await customAttributes(connection, namespace);
  const missing = Object.entries(wanted).filter(([name, type]) => after[name] !== INDEXED_VALUE_TYPE[type]);
  if (missing.length > 0) {
    throw new Error(`search attributes not registered in namespace ${namespace} after adding them: ${missing.map(([n]) => n).join(', ')}`);
  }
  return registered;
}

async function customAttributes(connection: Connection, namespace: string): Promise<Record<string, number>> {
  const { customAttributes: attributes } = await withRetries('listing search attributes', () =>
    connection.operatorService.listSearchAttributes({ namespace }),
  );
  return { ...(attributes ?? {}) };
}

/**
 * A freshly registered namespace or attribute is known to every service only once its namespace cache has been
 * refreshed (every 2 s by default): until then the frontend answers "not found" or refuses the query.
 */
async function waitUntilQueryable(connection: Connection, namespace: string, names: string[]): Promise<void> {
  const query = names.length > 0 ? names.map((n) => `${n} IS NULL`).join(' OR ') : '';
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`namespace ${namespace} did not accept its search attributes in time: ${messageOf(err)}`, { cause: err });
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Rate limits on namespace updates and a namespace not yet in a cache are passing states: try again a few times. */
async function withRetries<T>(what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = codeOf(err);
      const passing = code === RESOURCE_EXHAUSTED || code === UNAVAILABLE || code === NOT_FOUND;
      if (!passing || attempt >= 20) throw new Error(`${what}: ${messageOf(err)}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2_000)));
    }
  }
}

const codeOf = (err: unknown): number | undefined => (err as { code?: number }).code;
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
