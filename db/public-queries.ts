import type { RequestType } from '../domain/case';
import type { Open311Row } from '../domain/open311';
import type { Db } from './pool';

/** The case a ledger number names (the index case_summaries_ledger_no); undefined when none does. */
export async function caseIdOfLedgerNo(db: Db, ledgerNo: string): Promise<string | undefined> {
  const { rows } = await db.query('SELECT id FROM case_summaries WHERE ledger_no = $1 LIMIT 1', [ledgerNo]);
  return (rows[0]?.id as string | undefined) ?? undefined;
}

export interface Open311Filter {
  ledgerNos?: string[];
  types?: RequestType[];
  /** Registered at or after. */
  from?: Date;
  /** Registered before. */
  to?: Date;
  /** Only open (true) or only closed (false) cases. */
  open?: boolean;
  limit: number;
}

/** Rows for Open311's `GET requests.json`, newest registration first: the read model's columns, nothing from Temporal. */
export async function listOpen311Rows(db: Db, f: Open311Filter): Promise<Open311Row[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (f.ledgerNos) where.push(`ledger_no = ANY(${param(f.ledgerNos)}::text[])`);
  if (f.types) where.push(`type = ANY(${param(f.types)}::text[])`);
  if (f.from) where.push(`registered_at >= ${param(f.from.toISOString())}::timestamptz`);
  if (f.to) where.push(`registered_at < ${param(f.to.toISOString())}::timestamptz`);
  if (f.open !== undefined) where.push(f.open ? `stage <> 'closed'` : `stage = 'closed'`);
  const { rows } = await db.query(
    `SELECT ledger_no, stage, type, unit, registered_at, recorded_at, due_at FROM case_summaries
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY registered_at DESC, id DESC
     LIMIT ${param(f.limit)}`,
    params,
  );
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
  return rows.map((r) => ({
    ledgerNo: r.ledger_no as string,
    stage: r.stage as Open311Row['stage'],
    type: r.type as RequestType,
    unit: (r.unit as string | null) ?? null,
    registeredAt: iso(r.registered_at),
    recordedAt: iso(r.recorded_at),
    dueAt: r.due_at === null ? null : iso(r.due_at),
  }));
}
