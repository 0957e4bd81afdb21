import type { CaseState, TimelineEntry } from './case';
import { deadlinesStarted, type DeadlineRequest } from './deadlines';
import type { Notification, NotificationTemplate, Recipient } from './notifications';
import { REVIEW_LEVEL_LABELS, type ActorRef, type ReviewLevel } from './roles';

/** One change to a case, whole: what the workflow records, sends and asks the deadline activity to compute. */
export interface Transition {
  state: CaseState;
  notifications: Notification[];
  /** The deadlines the change starts (or extends), computed on the working-day calendar outside the workflow. */
  deadlines: DeadlineRequest[];
}

export const SYSTEM: ActorRef = { id: 'system', name: '系统' };

/** Deterministic from the case and the timeline position, so a replay or retry names the same notification. */
export function notificationId(caseId: string, seq: number, template: NotificationTemplate): string {
  return `${caseId}:${seq}:${template}`;
}

/** Accumulates one change's state patches, timeline entries and notifications; the deadlines follow from them. */
export class Draft {
  private state: CaseState;
  private readonly notifications: Notification[] = [];
  constructor(
    private readonly prev: CaseState,
    readonly by: ActorRef,
    readonly at: string,
  ) {
    this.state = { ...prev, updatedAt: at };
  }
  get current(): CaseState {
    return this.state;
  }
  set(patch: Partial<CaseState>): this {
    this.state = { ...this.state, ...patch };
    return this;
  }
  log(action: string, note?: string): this {
    const entry: TimelineEntry = { at: this.at, by: this.by, action, ...(note ? { note } : {}) };
    this.state = { ...this.state, timeline: [...this.state.timeline, entry] };
    return this;
  }
  notify(template: NotificationTemplate, to: Recipient, text: string): this {
    const id = notificationId(this.state.id, this.state.timeline.length, template);
    this.notifications.push({ id, caseId: this.state.id, ledgerNo: this.state.ledgerNo, template, to, text });
    return this;
  }
  notifyReviewers(level: ReviewLevel): this {
    const label = REVIEW_LEVEL_LABELS[level];
    return this.notify(
      'review_requested',
      { kind: 'reviewers', level },
      `【待${label}】${this.state.ledgerNo}「${this.state.title}」办理结果待${label}。`,
    );
  }
  done(): Transition {
    return { state: this.state, notifications: this.notifications, deadlines: deadlinesStarted(this.prev, this.state, this.at) };
  }
}
