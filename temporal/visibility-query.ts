import type { SEARCH_ATTRIBUTE_TYPES } from './search-attributes';

/**
 * Visibility queries built from typed clauses instead of string fragments: the attribute names come from the
 * registered set, the values are written by type, so no caller can misspell an attribute or forget a quote. Only
 * the read model's rebuild (temporal/rebuild-read-model.ts) still lists workflows; everything else reads db/.
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

/** Equality: the one comparison left in use (lists and reports read the read model, db/, not visibility). */
export function eq<A extends Attribute>(attribute: A, value: ValueOf<A>): Clause {
  return clause(`${attribute} = ${literal(value as string | number | boolean | Date)}`);
}

/** The case workflow's types: the first version (case-v1.ts) and the current one. */
export const CASE_WORKFLOW_TYPES = ['caseWorkflow', 'caseWorkflowV2'] as const;

/** Every visibility query about cases starts here, so none forgets the workflow types; falsy entries are skipped. */
export function caseQuery(...clauses: (Clause | false | undefined | null | '')[]): string {
  const types = clause(`WorkflowType IN (${CASE_WORKFLOW_TYPES.map((t) => literal(t)).join(', ')})`);
  return [types, ...clauses.filter((c): c is Clause => !!c)].map((c) => c.sql).join(' AND ');
}
