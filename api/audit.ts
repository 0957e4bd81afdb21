/**
 * The audit trail of personal data (个人信息保护法: record who viewed or exported a case's personal data): every
 * case view that leaves the API with the citizen unmasked, every export, every decode of Temporal payloads is
 * one record — who (id, name, roles), when, which case or which filter, from where (IP, user agent).
 *
 * Append-only JSON Lines under `<dataDir>/audit/`, one file per month (Asia/Shanghai), `2026-05.jsonl`; each
 * record is written whole and fsynced before the data it records leaves the API. A record never holds the
 * citizen's name or phone: only ids, and filters with any phone or ID number masked.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { shanghaiDay } from '../domain/calendar';
import { maskNumbers } from '../domain/privacy';
import { log } from '../observability/logger';
import { actorOf } from './auth';
import { ApiError } from './errors';
import { requestIdOf } from './request-log';
import { viewFacts } from './view';
import { syncDir } from './sync-dir';

/** What was done with personal data. Others may add their own (e.g. 'ledger.export'); these are the common ones. */
export type AuditAction = 'case.read' | 'export' | 'codec.decode' | (string & {});

const ActorRefSchema = z.object({ id: z.string().min(1), name: z.string(), roles: z.array(z.string()) }).strict();
const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const FlatRecord = z.record(z.string(), z.union([Scalar, z.array(Scalar)]));

/** One record as a caller hands it over; `at` defaults to now. Unknown fields are refused (no citizen may slip in). */
export const AuditEntryInputSchema = z
  .object({
    action: z.string().min(1).max(100),
    actor: ActorRefSchema,
    /** The case whose personal data was seen, if one case. */
    caseId: z.string().max(100).optional(),
    ledgerNo: z.string().max(100).optional(),
    /** What an export or list was asked for (a ledger export's filter); phone and ID numbers in it are masked. */
    filter: FlatRecord.optional(),
    /** `GET /cases/:id`, `POST /cases/:id/urge`, `GET /ledger.xlsx`... */
    endpoint: z.string().max(200).optional(),
    /** How much of the citizen the caller got (`full` for the reads recorded here). */
    visibility: z.enum(['full', 'masked', 'hidden']).optional(),
    /** How many records an export held, how many payloads a decode had... */
    count: z.number().int().min(0).optional(),
    ip: z.string().max(100).nullable(),
    userAgent: z.string().max(500).nullable(),
    details: FlatRecord.optional(),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type AuditEntryInput = z.input<typeof AuditEntryInputSchema>;
export type AuditEntry = z.output<typeof AuditEntryInputSchema> & { id: string; at: string };

export interface AuditQuery {
  /** From this instant on (inclusive). */
  from?: Date;
  /** Up to this instant (exclusive). */
  to?: Date;
  actorId?: string;
  caseId?: string;
  /** At most this many, newest first (default 100, at most 1000). */
  limit?: number;
}

export const AUDIT_DIR = 'audit';
const MONTH_FILE = /^(\d{4}-\d{2})\.jsonl$/;

/** The durable, append-only audit log. One instance per process is enough; several writing to one directory are safe. */
export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();

  /** `dir` is the audit directory itself, e.g. `<dataDir>/audit`; it is created on the first record. */
  constructor(readonly dir: string) {}

  /**
   * Appends one record and fsyncs it (and, for a new month's file, the directory). Resolves once it is on disk;
   * rejects (and nothing was recorded) when the entry is malformed or the disk refuses.
   */
  record(input: AuditEntryInput): Promise<AuditEntry> {
    const result = AuditEntryInputSchema.safeParse(input);
    // The message names the bad fields, never their values (which may be exactly what must not be written).
    if (!result.success)
      return Promise.reject(
        new Error(`audit entry refused: ${result.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ')}`),
      );
    const parsed = result.data;
    const entry: AuditEntry = {
      id: randomUUID(),
      ...parsed,
      at: parsed.at ? new Date(parsed.at).toISOString() : new Date().toISOString(),
      ...(parsed.filter ? { filter: maskRecord(parsed.filter) } : {}),
      ...(parsed.details ? { details: maskRecord(parsed.details) } : {}),
    };
    const line = Buffer.from(JSON.stringify(entry) + '\n', 'utf8');
    const file = path.join(this.dir, `${monthOf(new Date(entry.at))}.jsonl`);
    // One write at a time from this process, so records never interleave and each is synced in order.
    const done = this.tail.then(() => appendDurably(this.dir, file, line));
    this.tail = done.catch(() => undefined);
    return done.then(() => entry);
  }

  /** Records matching every given filter, newest first. Lines a crash left half-written are skipped. */
  async query(q: AuditQuery = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const fromMonth = q.from ? monthOf(q.from) : '0000-00';
    const toMonth = q.to ? monthOf(q.to) : '9999-99';
    const months = names
      .map((n) => MONTH_FILE.exec(n)?.[1])
      .filter((m): m is string => m !== undefined && m >= fromMonth && m <= toMonth)
      .sort()
      .reverse();
    const out: AuditEntry[] = [];
    for (const month of months) {
      const text = await fs.readFile(path.join(this.dir, `${month}.jsonl`), 'utf8');
      const found: AuditEntry[] = [];
      for (const line of text.split('\n')) {
        if (!line) continue;
        let e: AuditEntry;
        try {
          e = JSON.parse(line) as AuditEntry;
        } catch {
          continue;
        }
        const at = Date.parse(e.at);
        if (q.from && at < q.from.getTime()) continue;
        if (q.to && at >= q.to.getTime()) continue;
        if (q.actorId !== undefined && e.actor?.id !== q.actorId) continue;
        if (q.caseId !== undefined && e.caseId !== q.caseId) continue;
        found.push(e);
      }
      out.push(...found.sort((a, b) => b.at.localeCompare(a.at)));
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }
}

function monthOf(instant: Date): string {
  return shanghaiDay(instant).slice(0, 7);
}

function maskRecord(r: z.infer<typeof FlatRecord>): z.infer<typeof FlatRecord> {
  const mask = (v: z.infer<typeof Scalar>) => (typeof v === 'string' ? maskNumbers(v) : v);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? v.map(mask) : mask(v)]));
}

async function appendDurably(dir: string, file: string, line: Buffer): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const handle = await fs.open(file, 'a', 0o600);
  let created: boolean;
  try {
    created = (await handle.stat()).size === 0;
    await handle.write(line, 0, line.length);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (created) await syncDir(dir);
}

/** Who is asking and from where, as an audit record wants it. */
export function requestContext(req: Request, res: Response): Pick<AuditEntryInput, 'actor' | 'ip' | 'userAgent'> {
  const actor = actorOf(res);
  return {
    actor: { id: actor.id, name: actor.name, roles: [...actor.roles] },
    ip: req.ip ?? req.socket.remoteAddress ?? null,
    userAgent: req.get('user-agent')?.slice(0, 500) ?? null,
  };
}

/**
 * Records every case view that leaves with the citizen in full (`caseView` → visibility 'full'), before it
 * leaves: whatever route sent it (GET /cases/:id, an action's answer, intake). If the record cannot be written,
 * the caller gets 503 and not the data.
 */
export function auditUnmaskedReads(audit: AuditLog): RequestHandler {
  return (req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const facts = viewFacts(body);
      if (!facts || facts.visibility !== 'full') return json(body);
      const endpoint = (res.locals.endpoint as string | undefined) ?? `${req.method} ${req.route?.path ?? req.path}`;
      audit
        .record({
          action: 'case.read',
          ...requestContext(req, res),
          caseId: facts.caseId,
          ledgerNo: facts.ledgerNo,
          endpoint,
          visibility: 'full',
        })
        .then(
          () => json(body),
          (err) => {
            log().error({ reqId: requestIdOf(res), err }, `audit: could not record a read of case ${facts.caseId}`);
            const refusal = new ApiError(
              'unavailable',
              '审计日志暂时无法记录本次查看，个人信息未发送；请重试（操作请使用相同的 Idempotency-Key）',
            );
            res.status(503);
            json({ error: { code: refusal.code, message: refusal.message } });
          },
        );
      return res;
    };
    next();
  };
}
