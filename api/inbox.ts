import type { Client } from '@temporalio/client';
import { hasRole, type Actor } from '../domain/roles';
import { caseQuery, listAllCaseSummaries, quoted, type CaseSummary } from '../temporal/visibility';

export type Awaiting = 'assign' | 'sign_for' | 'rectify' | 'review' | 'callback' | 'extension_decision' | 'red_flag';

export interface InboxItem extends CaseSummary {
  awaiting: Awaiting;
}

/** What each role is waiting to do, as a visibility query, and what to call the wait. */
function queriesFor(actor: Actor): { query: string; awaiting: (c: CaseSummary) => Awaiting }[] {
  const running = `ExecutionStatus = 'Running'`;
  const out: { query: string; awaiting: (c: CaseSummary) => Awaiting }[] = [];
  if (hasRole(actor, 'dispatcher')) out.push({ query: caseQuery(running, `HuiyingStage = 'registered'`), awaiting: () => 'assign' });
  if (hasRole(actor, 'handler') && actor.unit) {
    out.push({
      query: caseQuery(running, `HuiyingUnit = ${quoted(actor.unit)}`, `HuiyingStage IN ('assigned', 'rectifying')`),
      awaiting: (c) => (c.stage === 'assigned' ? 'sign_for' : 'rectify'),
    });
  }
  if (hasRole(actor, 'reviewer') && actor.levels.length > 0) {
    out.push({ query: caseQuery(running, `HuiyingStage = 'reviewing'`, `HuiyingReviewLevel IN (${actor.levels.join(', ')})`), awaiting: () => 'review' });
  }
  if (hasRole(actor, 'operator')) out.push({ query: caseQuery(running, `HuiyingStage = 'replied'`), awaiting: () => 'callback' });
  if (hasRole(actor, 'supervisor')) {
    out.push({
      query: caseQuery(running, `(HuiyingFlags = 'extension_pending' OR HuiyingRedFlag = true)`),
      awaiting: (c) => (c.flags.includes('extension_pending') ? 'extension_decision' : 'red_flag'),
    });
  }
  return out;
}

/** The caller's inbox: one visibility query per role it holds, oldest case first. */
export async function inboxFor(client: Client, actor: Actor): Promise<InboxItem[]> {
  const lists = await Promise.all(
    queriesFor(actor).map(async ({ query, awaiting }) => (await listAllCaseSummaries(client, query, 500)).map((c) => ({ ...c, awaiting: awaiting(c) }))),
  );
  const seen = new Set<string>();
  return lists
    .flat()
    .filter((item) => !seen.has(`${item.id}:${item.awaiting}`) && seen.add(`${item.id}:${item.awaiting}`))
    .sort((a, b) => a.registeredAt.localeCompare(b.registeredAt));
}
