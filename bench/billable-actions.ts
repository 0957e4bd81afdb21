/**
 * How many billable actions (Temporal Cloud's unit of price) one case costs, counted from the real histories of cases
 * driven through the API. Every run of the case's workflow id is counted, by category (bench/support/history.ts):
 *
 *   workflow started                each run
 *   activities                      each activity task scheduled, plus its retries (the started event's attempt − 1)
 *   local-activity workflow tasks   markers grouped by workflow task: all recorded in one task bill as one action
 *   timers started                  each timer started (a `condition` with a timeout is one)
 *   search-attribute upserts        each UpsertWorkflowSearchAttributes event, except those that set only
 *                                   TemporalChangeVersion (from `patched()`; Temporal Cloud does not bill them)
 *   updates accepted                each update accepted in history (the bench sends none that are refused, and prints
 *                                   how many it sent as a check)
 *   signals                         each signal
 *   queries                         each GET /cases/:id the bench makes (the API answers it with a query)
 *   (workflow tasks completed)      shown, not billed
 *
 * Profiles:
 *   clean, as deployed    dev server, worker and API as separate processes (bench/support/system.ts); the clean path
 *                         back to back; counted once the case is closed and idle (its spot-check window still runs)
 *   clean, to archive     the same steps through the in-process API on a time-skipping server (bench/support/
 *                         skipping-system.ts), then time runs on until the workflow completes
 *   clean, spaced         the same, with hours and days between the steps: once within the default limits, once
 *                         slower than some of them (timers then fire instead of being cancelled)
 *   overdue               registered, assigned, accepted, then left alone past its handling deadline's red flag
 * Prints a table per profile and a summary line; asserts nothing.
 *
 *   npm run bench:actions
 */
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { caseWorkflowId } from '../temporal/definitions';
import { DATABASE_ENV, startTestPostgres } from '../test/support/database';
import { people } from '../test/support/personas';
import { countActions, describeRaw, historiesOf, isRunning, printCount, settled, type Count, type Usage } from './support/history';
import { CLEAN_PATH, runStep, type ApiCall, type Json } from './support/http';
import { startSkippingSystem, type SkippingSystem } from './support/skipping-system';
import { startSystem } from './support/system';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * Time before each step of the spaced profiles (register, assign, accept, submit, review 1–3, callback): within the
 * default limits (assign ½ working day, sign-for 1, handling 15, each review 1, call-back 1), and slower than some of
 * them, so that deadline timers fire rather than being cancelled.
 */
const SPACINGS = {
  'within the limits': [0, 2 * HOUR, 4 * HOUR, 3 * DAY, 4 * HOUR, 4 * HOUR, 4 * HOUR, 4 * HOUR],
  slow: [0, 2 * HOUR, 20 * HOUR, 3 * DAY, DAY, 4 * HOUR, DAY, 2 * DAY],
};
type Spacing = keyof typeof SPACINGS;
/** How far time may run on for a closed case to complete (its spot-check window), in steps of a week. */
const ARCHIVE_WAIT = 400 * DAY;

let seq = 0;

/** The timeline entries the case made by itself (warnings, overdue, red flags, archive...), in order. */
function systemEntries(state: Json): string {
  return ((state?.timeline ?? []) as Json[])
    .filter((e) => e.by?.id === 'system')
    .map((e) => e.action)
    .join(', ');
}

/** Drives the clean path through the API; `before(i)` runs before step i (spacing). Returns the case id. */
async function cleanCase(api: ApiCall, usage: Usage, before?: (i: number) => Promise<void>): Promise<string> {
  let id = '';
  seq += 1;
  for (const [i, step] of CLEAN_PATH.entries()) {
    await before?.(i);
    ({ id } = await runStep(api, step, id, seq));
    if (i > 0) usage.updatesSent += 1;
  }
  return id;
}

/** Lets time run on, a week at a time, until the case's workflow has completed (or ARCHIVE_WAIT has passed). */
async function untilCompleted(s: SkippingSystem, workflowId: string): Promise<string> {
  for (let waited = 0; waited <= ARCHIVE_WAIT; waited += 7 * DAY) {
    await settled(s.h.client, workflowId);
    const d = await describeRaw(s.h.client, workflowId);
    if (!isRunning(d)) {
      const status = temporal.api.enums.v1.WorkflowExecutionStatus[d.workflowExecutionInfo!.status!].replace(
        'WORKFLOW_EXECUTION_STATUS_',
        '',
      );
      return `${status.toLowerCase()} after ${Math.round(waited / DAY)} more days`;
    }
    await s.skip(7 * DAY);
  }
  return `still running after ${ARCHIVE_WAIT / DAY} days`;
}

async function onSkipping(bundle: { code: string }, run: (s: SkippingSystem) => Promise<Count>): Promise<Count> {
  const s = await startSkippingSystem(bundle);
  try {
    return await run(s);
  } finally {
    await s.stop();
  }
}

async function cleanDeployed(): Promise<Count> {
  const system = await startSystem();
  try {
    const usage: Usage = { updatesSent: 0, queries: 0 };
    const id = await cleanCase(system.api, usage);
    const workflowId = caseWorkflowId(id);
    await settled(system.client, workflowId);
    const count = countActions(await historiesOf(system.client, workflowId), usage);
    printCount('Clean case, as deployed (dev server; worker and API as processes), counted when closed and idle', count);
    return count;
  } finally {
    await system.stop();
  }
}

async function cleanToArchive(bundle: { code: string }, spaced?: Spacing): Promise<Count> {
  return onSkipping(bundle, async (s) => {
    const usage: Usage = { updatesSent: 0, queries: 0 };
    const id = await cleanCase(
      s.api,
      usage,
      spaced
        ? async (i) => {
            const ms = SPACINGS[spaced][i];
            if (ms > 0) await s.skip(ms);
          }
        : undefined,
    );
    const workflowId = caseWorkflowId(id);
    const end = await untilCompleted(s, workflowId);
    const count = countActions(await historiesOf(s.h.client, workflowId), usage);
    // Read after counting, to say which timers fired: this query is not in the figures.
    const { body } = await s.api('GET', `/cases/${id}`, { token: people.supervisor });
    const system = systemEntries(body);
    const title = spaced
      ? `Clean case, spaced ${spaced} (time-skipping; before each step: ${SPACINGS[spaced].map((ms) => (ms % DAY === 0 ? `${ms / DAY} d` : `${ms / HOUR} h`)).join(', ')}), ${end}`
      : `Clean case, back to back (time-skipping), ${end}`;
    printCount(`${title}; system entries: ${system || 'none'}`, count);
    return count;
  });
}

async function overdue(bundle: { code: string }): Promise<Count> {
  return onSkipping(bundle, async (s) => {
    const usage: Usage = { updatesSent: 0, queries: 0 };
    let id = '';
    let body: Json;
    seq += 1;
    for (const [i, step] of CLEAN_PATH.slice(0, 3).entries()) {
      ({ id, body } = await runStep(s.api, step, id, seq));
      if (i > 0) usage.updatesSent += 1;
    }
    // The handling deadline's red flag if the answer says when; its due time otherwise.
    const handling = body.deadlines?.handling;
    const until = handling?.redFlagAt ?? handling?.dueAt ?? body.dueAt;
    if (!until) throw new Error(`the accept answer names no deadline: ${JSON.stringify(body).slice(0, 300)}`);
    const workflowId = caseWorkflowId(id);
    await settled(s.h.client, workflowId);
    const target = Date.parse(until) + 60_000;
    const now = await s.now();
    if (target > now) await s.skip(target - now);
    await settled(s.h.client, workflowId);
    const res = await s.api('GET', `/cases/${id}`, { token: people.supervisor });
    usage.queries += 1;
    const state: Json = res.body ?? {};
    const milestones = systemEntries(state);
    const count = countActions(await historiesOf(s.h.client, workflowId), usage);
    printCount(
      `Overdue case: assigned, accepted, left alone until ${handling?.redFlagAt ? 'its red flag' : 'overdue'} + 1 min (${state.stage ?? '?'}, overdue ${state.overdue}, red flag ${state.redFlag}; system entries: ${milestones || 'none'})`,
      count,
    );
    return count;
  });
}

async function main(): Promise<void> {
  process.stderr.write('bundling workflows ...\n');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '..', 'workflows', 'index.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => process.stderr.write(`${m}\n`), log() {} },
  });
  const bundle = { code };
  // One PostgreSQL for the time-skipping profiles, stopped here: test/support/database.ts would otherwise start one
  // for this process that only stops once the event loop is empty, which its own child process prevents.
  const postgres = await startTestPostgres();
  process.env[DATABASE_ENV] = postgres.url;
  try {
    console.log('Billable actions per case, from the histories of cases driven through the API (default limits)');
    const deployed = await cleanDeployed();
    const archived = await cleanToArchive(bundle);
    const spaced = await cleanToArchive(bundle, 'within the limits');
    const slow = await cleanToArchive(bundle, 'slow');
    const late = await overdue(bundle);
    console.log(
      `\nSummary: clean case ${deployed.total} actions as deployed when closed, ${archived.total} to archive, ` +
        `${spaced.total} spaced within the limits, ${slow.total} spaced slower than some (target ≤ 18); overdue case ${late.total} by its red flag.`,
    );
  } finally {
    await postgres.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
