import type { Client } from '@temporalio/client';
import { hasRole, type Actor } from '../domain/roles';
import { parseFlags } from '../domain/search';
import { listAllCaseSummaries, type CaseSummary } from '../temporal/visibility';
import { caseQuery, eq, oneOf, or, running } from '../temporal/visibility-query';

export type Awaiting = 'assign' | 'sign_for' | 'rectify' | 'review' | 'callback' | 'extension_decision' | 'red_flag';

export interface InboxItem extends CaseSummary {
  awaiting: Awaiting;
}

/** What each role is waiting to do, as a visibility query, and what to call the wait. */
function queriesFor(actor: Actor): { query: string; awaiting: (c: CaseSummary) => Awaiting }[] {
  const out: { query: string; awaiting: (c: CaseSummary) => Awaiting }[] = [];
  if (hasRole(actor, 'dispatcher')) out.push({ query: caseQuery(running, eq('HuiyingStage', 'registered')), awaiting: () => 'assign' });
  if (hasRole(actor, 'handler') && actor.unit) {
    out.push({
      query: caseQuery(running, eq('HuiyingUnit', actor.unit), oneOf('HuiyingStage', ['assigned', 'rectifying'])),
      awaiting: (c) => (c.stage === 'assigned' ? 'sign_for' : 'rectify'),
    });
  }
  if (hasRole(actor, 'reviewer') && actor.levels.length > 0) {
    out.push({
      query: caseQuery(running, eq('HuiyingStage', 'reviewing'), oneOf('HuiyingReviewLevel', actor.levels)),
      awaiting: () => 'review',
    });
  }
  if (hasRole(actor, 'operator')) out.push({ query: caseQuery(running, eq('HuiyingStage', 'replied')), awaiting: () => 'callback' });
  if (hasRole(actor, 'supervisor')) {
    out.push({
      query: caseQuery(running, or(eq('HuiyingFlags', 'extension_pending'), eq('HuiyingRedFlag', true))),
      awaiting: (c) => (parseFlags(c.flags).has('extension_pending') ? 'extension_decision' : 'red_flag'),
    });
  }
  return out;
}

/** The caller's inbox: one visibility query per role it holds, oldest case first. */
export async function inboxFor(client: Client, actor: Actor): Promise<InboxItem[]> {
  const lists = await Promise.all(
    queriesFor(actor).map(async ({ query, awaiting }) =>
      (await listAllCaseSummaries(client, query, 500)).map((c) => ({ ...c, awaiting: awaiting(c) })),
    ),
  );
  const seen = new Set<string>();
  return lists
    .flat()
    .filter((item) => !seen.has(`${item.id}:${item.awaiting}`) && seen.add(`${item.id}:${item.awaiting}`))
    .sort((a, b) => a.registeredAt.localeCompare(b.registeredAt));
}
