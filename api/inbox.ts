import { hasRole, type Actor } from '../domain/roles';
import { parseFlags, supportPendingFlag } from '../domain/search';
import type { ListedCase } from '../domain/summary';
import type { Awaiting, InboxItem } from '../domain/inbox';
import type { WorkingCalendar } from '../domain/calendar';
import { workingDaysLeft } from '../domain/view';
import { inboxCases, type InboxSelection } from '../db/inbox-queries';
import type { Db } from '../db/pool';

/** What each role is waiting to do, as a selection of the read model, and what to call the wait. */
function queriesFor(actor: Actor): { selection: InboxSelection; awaiting: (c: ListedCase) => Awaiting }[] {
  const out: { selection: InboxSelection; awaiting: (c: ListedCase) => Awaiting }[] = [];
  if (hasRole(actor, 'dispatcher')) {
    out.push({ selection: { stages: ['registered'] }, awaiting: () => 'assign' });
    out.push({ selection: { flag: 'return_pending' }, awaiting: () => 'return_decision' });
  }
  if (hasRole(actor, 'handler') && actor.unit) {
    out.push({
      selection: { stages: ['assigned', 'rectifying'], unit: actor.unit },
      awaiting: (c) => (c.stage === 'assigned' ? 'sign_for' : 'rectify'),
    });
    // 协办: cases its unit supports, until it has given its contribution.
    out.push({ selection: { flag: supportPendingFlag(actor.unit) }, awaiting: () => 'contribute' });
  }
  if (hasRole(actor, 'reviewer') && actor.levels.length > 0) {
    out.push({ selection: { stages: ['reviewing'], reviewLevels: actor.levels }, awaiting: () => 'review' });
  }
  if (hasRole(actor, 'operator')) out.push({ selection: { stages: ['replied'] }, awaiting: () => 'callback' });
  if (hasRole(actor, 'supervisor')) {
    out.push({
      selection: { supervisor: true },
      awaiting: (c) => {
        const flags = parseFlags(c.flags);
        if (flags.has('appeal_pending')) return 'appeal_decision';
        return flags.has('extension_pending') ? 'extension_decision' : 'red_flag';
      },
    });
  }
  return out;
}

/** The caller's inbox: one query of the read model per role it holds, oldest case first. */
export async function inboxFor(db: Db, actor: Actor, calendar: WorkingCalendar, now = new Date()): Promise<InboxItem[]> {
  const lists = await Promise.all(
    queriesFor(actor).map(async ({ selection, awaiting }) =>
      (await inboxCases(db, selection)).map((c) => ({
        ...c,
        awaiting: awaiting(c),
        workingDaysLeft: workingDaysLeft(calendar, c.dueAt, now),
        returnedBy: parseFlags(c.flags).returnedBy,
      })),
    ),
  );
  const seen = new Set<string>();
  return lists
    .flat()
    .filter((item) => !seen.has(`${item.id}:${item.awaiting}`) && seen.add(`${item.id}:${item.awaiting}`))
    .sort((a, b) => a.registeredAt.localeCompare(b.registeredAt));
}
