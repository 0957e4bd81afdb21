import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { ACTION_KINDS, type ActionBody, type ActionKind } from '../domain/actions';
import type { CaseState } from '../domain/case';
import type { Actor } from '../domain/roles';

/** Signals, queries and updates of the case workflow: the only way the API talks to a case. */
export const getCaseQuery = defineQuery<CaseState>('getCase');

export type ActionUpdate<K extends ActionKind> = UpdateDefinition<CaseState, [Actor, ActionBody<K>], K>;

function action<K extends ActionKind>(kind: K): ActionUpdate<K> {
  return defineUpdate<CaseState, [Actor, ActionBody<K>], K>(kind);
}

/** One update per action, named as the action: the Web UI's history then reads like the timeline. */
export const actionUpdates = Object.fromEntries(ACTION_KINDS.map((kind) => [kind, action(kind)])) as { [K in ActionKind]: ActionUpdate<K> };

/** A spot-check round puts a closed case into its sample (from workflow to workflow, so a signal). */
export const sampleSignal = defineSignal<[round: string]>('sampleForSpotCheck');

/**
 * The worker's calendar now covers a year it did not (calendar-sweep.ts): the case computes its provisional deadlines
 * again. A signal, so the sweep need not wait for each case; the argument names the calendar, for the history's reader.
 */
export const recalendarSignal = defineSignal<[calendarVersion: string]>('recalendar');

export const caseWorkflowId = (caseId: string): string => `case-${caseId}`;

/** The ledger sequencer hands out numbers in order, once per case id, however often it is asked. */
export const allocateLedgerNoUpdate = defineUpdate<string, [caseId: string]>('allocateLedgerNo');
export const ledgerWorkflowId = (prefix: string, year: number): string => `ledger-${prefix}-${year}`;
