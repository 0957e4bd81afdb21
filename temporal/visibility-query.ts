import type { SEARCH_ATTRIBUTE_TYPES } from './search-attributes';

/**
 * Visibility queries built from typed clauses instead of string fragments: the attribute names come from the
 * registered set, the values are written by type, so no caller can misspell an attribute or forget a quote.
 */
type CaseAttribute = keyof typeof SEARCH_ATTRIBUTE_TYPES;
type SystemAttribute = 'ExecutionStatus' | 'StartTime' | 'WorkflowType';
export type Attribute = CaseAttribute | SystemAttribute;

type TypeValue = { Keyword: string; KeywordList: string; Bool: boolean; Int: number; Datetime: Date | string };
type SystemValue = { ExecutionStatus: 'Running'; StartTime: Date | string; WorkflowType: string };
/** What a clause may compare an attribute with: a KeywordList matches one of its members. */
export type ValueOf<A extends Attribute> = A extends CaseAttribute
  ? TypeValue[(typeof SEARCH_ATTRIBUTE_TYPES)[A]]
  : A extends SystemAttribute
    ? SystemValue[A]
    : never;

/** One condition of a query; only the builders below make them. */
export interface Clause {
  readonly sql: string;
}

const clause = (sql: string): Clause => ({ sql });

function literal(value: string | number | boolean | Date): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = value instanceof Date ? value.toISOString() : value;
  // Values come from schemas that already restrict them; a quote could only end the literal early, so none passes.
  return `'${text.replace(/'/g, '')}'`;
}

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';
const compare =
  (op: Op) =>
  <A extends Attribute>(attribute: A, value: ValueOf<A>): Clause =>
    clause(`${attribute} ${op} ${literal(value as string | number | boolean | Date)}`);

export const eq = compare('=');
export const ne = compare('!=');
export const lt = compare('<');
export const lte = compare('<=');
export const gte = compare('>=');

export function oneOf<A extends Attribute>(attribute: A, values: readonly ValueOf<A>[]): Clause {
  if (values.length === 0) throw new Error(`oneOf(${attribute}) needs at least one value`);
  return clause(`${attribute} IN (${values.map((v) => literal(v as string | number | boolean | Date)).join(', ')})`);
}

export function or(...clauses: Clause[]): Clause {
  return clause(`(${clauses.map((c) => c.sql).join(' OR ')})`);
}

export function and(...clauses: Clause[]): Clause {
  return clause(`(${clauses.map((c) => c.sql).join(' AND ')})`);
}

/** The case workflows still running (closed cases run on through their spot-check window). */
export const running = eq('ExecutionStatus', 'Running');

/** Every visibility query about cases starts here, so none forgets the workflow type; falsy entries are skipped. */
export function caseQuery(...clauses: (Clause | false | undefined | null | '')[]): string {
  return [eq('WorkflowType', 'caseWorkflow'), ...clauses.filter((c): c is Clause => !!c)].map((c) => c.sql).join(' AND ');
}
