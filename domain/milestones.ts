import type { CaseState, Stage } from './case';
import { DEADLINE_LABELS, type Deadline } from './deadline-schema';
import { formatShanghai, type Milestone } from './deadlines';
import { Draft, SYSTEM, type Transition } from './draft';
import type { Recipient } from './notifications';

/** Who answers for the wait a stage is in: the one warned before the deadline and chased after it. */
export function responsibleFor(state: CaseState): Recipient | null {
  const byStage: Record<Stage, Recipient | null> = {
    registered: { kind: 'dispatchers' },
    assigned: state.unit ? { kind: 'unit', unit: state.unit } : null,
    rectifying: state.unit ? { kind: 'unit', unit: state.unit } : null,
    reviewing: state.reviewLevel ? { kind: 'reviewers', level: state.reviewLevel } : null,
    replied: { kind: 'operators' },
    deciding: { kind: 'supervisors' },
    closed: null,
  };
  return byStage[state.stage];
}

/**
 * Supervision (督办) when a deadline's time comes: a warning (预警) before it; at it, `overdue`, a chase-up
 * notice (催办) to whoever is responsible and a notice to supervisors; later a red flag. Each enters the timeline.
 */
export function fireMilestone(state: CaseState, m: Milestone, at: string): Transition {
  const deadline = state.deadlines[m.key] as Deadline;
  const draft = new Draft(state, SYSTEM, at);
  const label = DEADLINE_LABELS[m.key];
  const due = formatShanghai(deadline.dueAt);
  const who = responsibleFor(state);
  const head = `${state.ledgerNo}「${state.title}」`;
  const mark = (patch: Partial<Deadline>) => draft.set({ deadlines: { ...draft.current.deadlines, [m.key]: { ...deadline, ...patch } } });
  switch (m.kind) {
    case 'warn':
      // The warning comes due late when the deadline was not running at its time (e.g. the case sat in review
      // and was sent back after the due date): "will be due at <a past time>" would mislead, and the overdue
      // step follows at once, so the warning is only marked done.
      if (Date.parse(at) >= Date.parse(deadline.dueAt)) {
        mark({ warned: true });
        break;
      }
      mark({ warned: true }).log('warning', `${label}时限将于 ${due} 到期`);
      if (who) draft.notify('warning', who, `【预警】${head}${label}时限将于 ${due} 到期，请抓紧办理。`);
      break;
    case 'overdue':
      mark({ overdue: true }).log('overdue', `${label}时限 ${due} 已超期`);
      draft.set({ outcome: { ...draft.current.outcome, everOverdue: true } });
      if (who) draft.notify('chase_up', who, `【催办】${head}${label}时限已于 ${due} 到期，请立即办理。`);
      draft.notify('overdue', { kind: 'supervisors' }, `【超期】${head}${label}超期（时限 ${due}）。`);
      break;
    case 'redFlag':
      mark({ redFlag: true }).log('red_flag', `${label}超期已达红牌期限（时限 ${due}）`);
      draft.set({ outcome: { ...draft.current.outcome, everRedFlag: true } });
      draft.notify('red_flag', { kind: 'supervisors' }, `【红牌】${head}${label}严重超期（时限 ${due}），请督办。`);
      if (who) draft.notify('chase_up', who, `【红牌督办】${head}${label}严重超期（时限 ${due}），请立即办理并说明情况。`);
      break;
  }
  return draft.done();
}
