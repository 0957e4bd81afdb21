/**
 * `npm run demo`: fills a running Huiying (`npm start`, same configuration) with the cases of scripts/demo-cases.ts, so
 * that every walk of the README and every screen of the console shows something on a fresh install:
 *
 * - open cases at each stage across units, registered over the last working days with the API's own recipe (the
 *   sealed intake, its ledger number, the workflow start: scripts/seed.ts `registerPlanned`) and moved on through the
 *   HTTP API by the console's demo people (李话务, 赵派单, each unit's 承办人, 孙初审 / 周审核 / 吴审发, 钱督办). Those
 *   left untouched since an older registration are overdue, or red-flagged, by their own workflows' timers;
 * - closed cases with call-backs (and a direct answer, a void call, a reopened one);
 * - last month's closed cases, imported from the county's old ledger (a sheet written to the data dir and read back
 *   by `npm run ledger:import`'s reader), which the monthly spot-check round draws from.
 *
 * Workflow state is the truth: nothing is written into the read model; the workflows record their rows. Idempotent:
 * case ids and Idempotency-Keys come from each case's key, so a second run finds what the first made.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { deriveSecret } from '../api/ids';
import { signToken } from '../api/tokens';
import { ConfigError, loadConfig } from '../config';
import { closedCasesToSample } from '../db/spot-check-queries';
import { STAGE_LABELS, type Stage } from '../domain/case';
import { demoPeople, type DemoPerson } from '../domain/demo-people';
import { roundPeriod } from '../domain/spot-check-period';
import { DEMO_CASES, lastMonthLedger, type DemoActor, type DemoCase } from './demo-cases';
import { importHistoricalCases } from './historical-import';
import { historicalWorkbook, readHistoricalSheet } from './historical-sheet';
import { apiPost, registerPlanned, seedTarget, type SeedTarget } from './seed';

export interface DemoCaseReport {
  key: string;
  id: string;
  ledgerNo: string;
  stage: Stage;
  shows: string;
}

export interface DemoReport {
  /** Registered by this run, and found from an earlier one. */
  registered: number;
  existing: number;
  cases: DemoCaseReport[];
  /** Last month's closed cases from the old ledger: imported now, imported before. */
  imported: number;
  importedBefore: number;
  importedIds: string[];
  /** The spot-check round a trigger would run now, and how many closed cases it draws from. */
  round: string;
  roundPopulation: number;
  overdue: number;
  redFlags: number;
  /** The old ledger sheet the import read. */
  oldLedgerFile: string;
}

/** The people of the development login, by the role a step names. */
class DemoPeople {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly people: DemoPerson[];
  constructor(
    private readonly secret: string,
    units: SeedTarget['units'],
  ) {
    this.people = demoPeople(units.units);
  }
  person(as: DemoActor): DemoPerson {
    const id = typeof as === 'string' ? `demo-${as}` : 'reviewer' in as ? `demo-reviewer-${as.reviewer}` : `demo-handler-${as.handler}`;
    const found = this.people.find((p) => p.id === id);
    if (!found) throw new Error(`no demo person ${id} (is the unit in the directory?)`);
    return found;
  }
  token(as: DemoActor): Promise<string> {
    const p = this.person(as);
    let t = this.tokens.get(p.id);
    if (!t) {
      t = signToken({ sub: p.id, name: p.name, roles: p.roles, unit: p.unit, levels: p.levels }, this.secret, '8h');
      this.tokens.set(p.id, t);
    }
    return t;
  }
}

/** When a demo case was registered: `at` on the working day that many working days before `now`, or hours ago. */
export function registrationOf(c: DemoCase, now: Date, t: Pick<SeedTarget, 'calendar'>): Date {
  if ('hoursAgo' in c.registered) return new Date(now.getTime() - c.registered.hoursAgo * 3_600_000);
  const day = t.calendar.shanghaiDay(t.calendar.subtractWorkingDays(now, c.registered.workingDaysAgo).at);
  return new Date(`${day}T${c.registered.at}:00+08:00`);
}

/** Refuses, before anything is written, when the API on PORT is not this configuration's Huiying. */
async function checkApi(t: SeedTarget, people: DemoPeople): Promise<void> {
  const health = await fetch(`${t.apiBase}/health`).catch((err: Error) => err);
  if (health instanceof Error || !health.ok) {
    const why = health instanceof Error ? health.message : `/health answered ${health.status} ${await health.text()}`;
    throw new Error(`no Huiying answers at ${t.apiBase} (${why}): run \`npm start\` first, with this configuration`);
  }
  const me = await fetch(`${t.apiBase}/me`, { headers: { authorization: `Bearer ${await people.token('operator')}` } });
  if (!me.ok) {
    throw new Error(
      `the API at ${t.apiBase} refuses tokens signed with this data dir's secret (${me.status}): it is another Huiying. ` +
        'Source the huiying.env of the `npm start` you mean (its data dir), or set HUIYING_DATA_DIR and PORT as it was started.',
    );
  }
}

export async function seedDemo(
  t: SeedTarget,
  opts: { now?: Date; log?: (line: string) => void; oldLedgerFile: string },
): Promise<DemoReport> {
  const now = opts.now ?? new Date();
  const log = opts.log ?? (() => undefined);
  const people = new DemoPeople(t.jwtSecret, t.units);
  await checkApi(t, people);

  // Last month's closed cases, through the old-ledger import as an operator would run it on a real sheet.
  await fs.mkdir(path.dirname(opts.oldLedgerFile), { recursive: true });
  await fs.writeFile(opts.oldLedgerFile, await historicalWorkbook(lastMonthLedger(now), t.units.units));
  const sheet = await readHistoricalSheet(await fs.readFile(opts.oldLedgerFile), t.units.units, now);
  if (sheet.problems.length > 0) throw new Error(`the demo's old ledger sheet is unreadable: ${JSON.stringify(sheet.problems)}`);
  const imported = await importHistoricalCases({ ...t, citizenKeySecret: deriveSecret(t.jwtSecret, 'citizen-key') }, sheet.records, {
    importedBy: people.person('supervisor'),
    now,
  });
  if (imported.refused.length > 0) throw new Error(`old ledger rows refused: ${JSON.stringify(imported.refused)}`);
  log(
    `last month's old ledger (${opts.oldLedgerFile}): ${imported.imported.length} closed cases imported, ${imported.again.length} imported before`,
  );

  // Oldest first, so that ledger numbers grow with the registration time as they would have.
  const planned = DEMO_CASES.map((c) => ({ c, at: registrationOf(c, now, t) })).sort((a, b) => a.at.getTime() - b.at.getTime());
  const operator = people.person('operator');
  const report: DemoReport = {
    registered: 0,
    existing: 0,
    cases: [],
    imported: imported.imported.length,
    importedBefore: imported.again.length,
    importedIds: imported.ids,
    round: '',
    roundPopulation: 0,
    overdue: 0,
    redFlags: 0,
    oldLedgerFile: opts.oldLedgerFile,
  };
  const ids = new Map<string, string>();
  for (const { c, at } of planned) {
    const { id, created } = await registerPlanned(t, { key: `demo-${c.key}`, request: c.request, registeredAt: at }, operator);
    ids.set(c.key, id);
    if (created) report.registered += 1;
    else report.existing += 1;
    if (!created && (await stageOf(t, id)) === c.stage) continue; // an earlier run finished it
    for (const [i, step] of c.steps.entries()) {
      // The same key as an earlier run's step: the workflow finds that update and changes nothing.
      await apiPost(t.apiBase, `/cases/${id}/${step.action}`, await people.token(step.as), step.body, `demo-${c.key}-${i}-${step.action}`);
    }
  }
  log(`${report.registered} cases registered now, ${report.existing} found from an earlier run`);

  // The workflows record their rows (and fire the timers of the old registrations): wait until the read model shows them.
  const want = new Map([...ids].map(([key, id]) => [id, DEMO_CASES.find((c) => c.key === key)!]));
  const rows = await waitForRows(t, [...want.keys(), ...imported.ids], (row) => {
    const c = want.get(row.id);
    return !c || (row.stage === c.stage && (c.marks === undefined || (c.marks === 'overdue' ? row.overdue : row.red_flag)));
  });
  for (const { c } of planned) {
    const row = rows.get(ids.get(c.key)!)!;
    report.cases.push({ key: c.key, id: row.id, ledgerNo: row.ledger_no, stage: row.stage, shows: c.shows });
  }
  const { round, from, to } = roundPeriod(t.limits.spotCheck.period, now);
  report.round = round;
  report.roundPopulation = (await closedCasesToSample(t.db, from.toISOString(), to.toISOString(), now.toISOString())).length;
  const counts = await t.db.query<{ overdue: number; red: number }>(
    `SELECT count(*) FILTER (WHERE overdue)::int AS overdue, count(*) FILTER (WHERE red_flag)::int AS red
       FROM case_summaries WHERE id = ANY($1) AND stage <> 'closed'`,
    [[...want.keys()]],
  );
  report.overdue = counts.rows[0].overdue;
  report.redFlags = counts.rows[0].red;
  return report;
}

type Row = { id: string; ledger_no: string; stage: Stage; red_flag: boolean; overdue: boolean };

async function stageOf(t: SeedTarget, id: string): Promise<Stage | null> {
  const { rows } = await t.db.query<{ stage: Stage }>('SELECT stage FROM case_summaries WHERE id = $1', [id]);
  return rows[0]?.stage ?? null;
}

/** The rows of `ids` once each is there and `ready`; throws after a minute naming what is missing. */
async function waitForRows(t: SeedTarget, ids: string[], ready: (row: Row) => boolean): Promise<Map<string, Row>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await t.db.query<Row>('SELECT id, ledger_no, stage, red_flag, overdue FROM case_summaries WHERE id = ANY($1)', [ids]);
    const found = new Map(rows.map((r) => [r.id, r]));
    const missing = ids.filter((id) => !found.has(id) || !ready(found.get(id)!));
    if (missing.length === 0) return found;
    if (Date.now() > deadline) {
      throw new Error(
        `the read model does not show ${missing.length} demo cases after a minute (is the worker running?): ${missing.join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function printReport(r: DemoReport, apiBase: string): void {
  const out = (line = '') => console.log(line);
  out();
  out(
    r.registered > 0 || r.imported > 0
      ? `Demo cases ready: ${r.registered} registered now (${r.existing} from an earlier run), ${r.imported} closed cases of last month imported.`
      : `Already seeded: the ${r.existing} demo cases and ${r.importedBefore} closed cases of last month are there; nothing was added.`,
  );
  out();
  for (const c of r.cases) out(`  ${c.ledgerNo}  ${STAGE_LABELS[c.stage]}  ${c.shows}`);
  out();
  out(`  Open: ${r.cases.filter((c) => c.stage !== 'closed').length}, of them ${r.overdue} overdue and ${r.redFlags} red-flagged.`);
  out(`  Last month: ${r.roundPopulation} closed cases the spot-check round ${r.round} draws from (old ledger sheet: ${r.oldLedgerFile}).`);
  out();
  out('Try (README):');
  out(`  the console ${apiBase.replace('127.0.0.1', 'localhost')}/ — sign in as 赵派单 (待交办, 退单待审), 钱督办 (督办工作台, 延期待批),`);
  out('    孙初审 / 周审核 / 吴审发 (待审核), 李话务 (待回访), 县交通运输局承办人 (待签收, 待协办)');
  out('  "Walk one case through the loop" and "Find every case in review" (npm run temporal -- workflow list ...)');
  out('  "Spot-checks": npm run temporal -- schedule trigger --schedule-id huiying-spot-check, then GET /spot-checks');
  out('  "Unit metrics" and "Ledger export" for last month');
}

async function main(): Promise<void> {
  const config = loadConfig();
  const target = await seedTarget();
  try {
    const report = await seedDemo(target, {
      log: (line) => console.log(`[demo] ${line}`),
      oldLedgerFile: path.join(config.dataDir, 'demo-old-ledger.xlsx'),
    });
    printReport(report, target.apiBase);
  } finally {
    await target.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`npm run demo: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
