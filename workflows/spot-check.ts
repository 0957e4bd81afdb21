import { getExternalWorkflowHandle, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { drawSample } from '../domain/sampling';
import { roundPeriod, type SpotCheckPeriod } from '../domain/spot-check-period';
import { caseWorkflowId, sampleSignal } from '../temporal/definitions';

export interface SpotCheckRoundInput {
  period: SpotCheckPeriod;
  rate: number;
  min: number;
}

export interface SpotCheckRound {
  round: string;
  from: string;
  to: string;
  population: number;
  sample: { id: string; ledgerNo: string }[];
}

const { findClosedCases } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '1 minute' },
});

/**
 * One spot-check round (定期抽查), started by the schedule: finds the cases closed in the period that are still
 * open to a check, draws the sample reproducibly (seeded by the round id) and marks each sampled case.
 */
export async function spotCheckRoundWorkflow(input: SpotCheckRoundInput): Promise<SpotCheckRound> {
  const { round, from, to } = roundPeriod(input.period, workflowInfo().startTime);
  const population = await findClosedCases({ from: from.toISOString(), to: to.toISOString() });
  const sample = drawSample(population, input.rate, input.min, round);
  const marked: typeof sample = [];
  for (const c of sample) {
    try {
      await getExternalWorkflowHandle(caseWorkflowId(c.id)).signal(sampleSignal, round);
      marked.push(c);
    } catch {
      // Archived between the visibility query and now (visibility lags a little): it drops out of the sample.
    }
  }
  return { round, from: from.toISOString(), to: to.toISOString(), population: population.length, sample: marked };
}
