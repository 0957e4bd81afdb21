/**
 * Scale: the read model's reads and the worker's memory with many cases. Runs `npm start` itself (scripts/start.ts:
 * its own dev server, embedded PostgreSQL, worker and API, on free ports, with a data dir under .test-data/), seeds it
 * with `npm run seed`'s functions — `--real` real cases (registered over the last 90 days, a share driven through
 * the API), then synthetic read-model rows up to each N —, and measures with a supervisor token, each over
 * `--iterations` requests (after 2 warm-ups): GET /supervision/stuck's first page, and a walk through all its pages
 * (limit 1000; whether it is complete: each case once, and the domain's classification of EVERY open row finds no
 * case the walk missed), GET /stats and the ledger export for the last full
 * month, GET /cases' first page; and the worker's RSS (/proc/<pid>/status) with the real cases open, after each was
 * read once (a query: the workflow is in the worker's cache). Prints tables; asserts nothing. Everything it started
 * is stopped at the end, also after a failure.
 *
 *   npm run bench:scale                                   (N = 10 000 and 100 000; 1 000 real cases)
 *   npm run bench:scale -- --cases 10000 --real 10000     (all real)
 *   npm run bench:scale -- --explain                      (EXPLAIN (ANALYZE, BUFFERS) of each query at each N)
 *   BENCH_SCALE=0.1 npm run bench:scale                   (every count × 0.1)
 */
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { classifyStuck } from '../api/supervision';
import { listCasePage } from '../db/case-queries';
import { summaryFromRow, SUMMARY_COLUMNS } from '../db/case-summaries';
import { ledgerCases } from '../db/ledger-queries';
import { metricsCases } from '../db/metrics-queries';
import type { Db } from '../db/pool';
import { stuckCandidates } from '../db/supervision-queries';
import { STAGES, type Stage } from '../domain/case';
import { listedCase } from '../domain/summary';
import { getFreePort } from '../scripts/ports';
import { spawnGuarded, stopGuarded, type GuardedChild } from '../scripts/guarded-spawn';
import { removeSynthetic, seedCases, seedSynthetic, seedTarget, SeedTokens, forEachBounded, type SeedTarget } from '../scripts/seed';

const ROOT = path.resolve(__dirname, '..');
const SCALE = Number(process.env.BENCH_SCALE ?? 1);

interface Timing {
  p50: number;
  p95: number;
  max: number;
  bytes: number;
}

async function timeRequests(url: string, token: string, iterations: number): Promise<Timing & { body: string }> {
  let body = '';
  const one = async () => {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const buf = Buffer.from(await res.arrayBuffer());
    const ms = performance.now() - t0;
    if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${buf.toString().slice(0, 300)}`);
    body = buf.toString();
    return { ms, bytes: buf.length };
  };
  await one();
  await one();
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < iterations; i++) {
    const r = await one();
    ms.push(r.ms);
    bytes = r.bytes;
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), max: ms[ms.length - 1], bytes, body };
}

/**
 * A walk through every page of GET /supervision/stuck (`limit` per page), as one timed unit: `iterations` walks after
 * 2 warm-ups. Returns the last walk's ids (each must appear once) and the totals its pages gave.
 */
async function timeStuckWalk(
  base: string,
  token: string,
  limit: number,
  iterations: number,
): Promise<Timing & { ids: string[]; pages: number; totals: Set<string> }> {
  let last = { ids: [] as string[], pages: 0, bytes: 0, totals: new Set<string>() };
  const walk = async () => {
    const t0 = performance.now();
    const ids: string[] = [];
    const totals = new Set<string>();
    let bytes = 0;
    let pages = 0;
    let next: string | null = null;
    do {
      const url = `${base}/supervision/stuck?limit=${limit}${next ? `&pageToken=${next}` : ''}`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const text = await res.text();
      if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
      const page = JSON.parse(text) as { items: { id: string }[]; nextPageToken: string | null; total: number; byReason: unknown };
      bytes += Buffer.byteLength(text);
      pages++;
      ids.push(...page.items.map((i) => i.id));
      totals.add(JSON.stringify([page.total, page.byReason]));
      next = page.nextPageToken;
    } while (next);
    last = { ids, pages, bytes, totals };
    return performance.now() - t0;
  };
  await walk();
  await walk();
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) ms.push(await walk());
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), max: ms[ms.length - 1], ...last };
}

/** The node process running `entry` among the descendants of `pid` (not its `sh` guard). */
async function descendantRunning(pid: number, entry: string): Promise<number | undefined> {
  const parents = new Map<number, number>();
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await fs.readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (stat) parents.set(Number(name), ppid);
  }
  const isDescendant = (p: number): boolean => {
    for (let q = parents.get(p); q !== undefined && q > 1; q = parents.get(q)) if (q === pid) return true;
    return false;
  };
  for (const p of parents.keys()) {
    if (!isDescendant(p)) continue;
    const argv = (await fs.readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (/node$/.test(argv[0]) && argv.some((a) => a.endsWith(entry))) return p;
  }
  return undefined;
}

async function rssMiB(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

/** The previous full calendar month in Shanghai: [first day, first day of the next). */
function lastMonth(now: Date): { from: string; to: string } {
  const sh = new Date(now.getTime() + 8 * 3600_000);
  const y = sh.getUTCFullYear();
  const m = sh.getUTCMonth(); // this month, 0-based
  const iso = (yy: number, mm: number) => new Date(Date.UTC(yy, mm, 1)).toISOString().slice(0, 10);
  return { from: iso(y, m - 1), to: iso(y, m) };
}
const shanghaiMidnight = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** A Db that EXPLAINs every query instead of running it and keeps the plans; the queries see no rows. */
function explaining(db: Db, plans: string[]): Db {
  return {
    query: async (text: string, params?: unknown[]) => {
      const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params);
      plans.push(`${text.replace(/\s+/g, ' ').trim()}\n${rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
      return { rows: [], rowCount: 0 };
    },
  } as unknown as Db;
}

async function explainAll(t: SeedTarget, month: { from: string; to: string }): Promise<string[]> {
  const plans: string[] = [];
  const db = explaining(t.db, plans);
  const now = new Date();
  const openStages = STAGES.filter((s): s is Exclude<Stage, 'closed'> => s !== 'closed');
  // As api/supervision.ts findStuckCases asks it.
  await stuckCandidates(db, {
    dueBy: t.calendar.addWorkingDays(now, t.limits.supervision.dueSoon).at,
    stalledBefore: Object.fromEntries(
      openStages.map((s) => [s, t.calendar.subtractWorkingDays(now, t.limits.supervision.stalled[s]).at]),
    ) as Record<Exclude<Stage, 'closed'>, Date>,
  });
  const period = { from: shanghaiMidnight(month.from), to: shanghaiMidnight(month.to) };
  await metricsCases(db, period);
  for await (const _ of ledgerCases(db, period)) break;
  await listCasePage(db, {}, 20);
  return plans;
}

function summarizePlan(plan: string): string {
  const lines = plan.split('\n');
  const nodes = lines.filter((l) => /->|^\s{4}\S/.test(l) && /(Scan|Sort|Limit|Append|BitmapOr|Aggregate|Gather|Hash)/.test(l));
  const time = lines.find((l) => /Execution Time/.test(l))?.trim() ?? '';
  return `${nodes.map((n) => n.replace(/\s+\(cost=[^)]*\)/, '').trim()).join(' | ')} — ${time}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      cases: { type: 'string', default: '10000,100000' },
      real: { type: 'string', default: '1000' },
      iterations: { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '16' },
      explain: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const sizes = values.cases!.split(',').map((n) => Math.round(Number(n) * SCALE));
  const real = Math.min(Math.round(Number(values.real) * SCALE), Math.min(...sizes));
  const iterations = Number(values.iterations);
  const concurrency = Number(values.concurrency);
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0) || !Number.isInteger(real) || real < 0) throw new Error('bad --cases/--real');

  const dataDir = path.join(ROOT, '.test-data', `bench-scale-${process.pid}`);
  await fs.mkdir(dataDir, { recursive: true });
  const [apiPort, temporalPort, uiPort, dbPort] = [await getFreePort(), await getFreePort(), await getFreePort(), await getFreePort()];
  // npm start's own environment, in a data dir of its own; nothing of the caller's system.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HUIYING_DATA_DIR: dataDir,
    PORT: String(apiPort),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    HUIYING_DB_PORT: String(dbPort),
    HUIYING_METRICS_PORT: String(await getFreePort()),
    HUIYING_WORKER_METRICS_PORT: String(await getFreePort()),
    // The seed's operator registers past the API; its other calls are actions, which have no rate limit.
    HUIYING_RATE_INTAKE_PER_MIN: '0',
    HUIYING_RATE_ANON_PER_MIN: '0',
  };
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  let start: GuardedChild | undefined;
  let target: SeedTarget | undefined;
  try {
    log(`starting npm start (data dir ${path.relative(ROOT, dataDir)}; its output in start.log there) ...`);
    const startLog = createWriteStream(path.join(dataDir, 'start.log'));
    const tsx = pathToFileURL(require.resolve('tsx')).href;
    start = spawnGuarded(process.execPath, ['--import', tsx, path.join(ROOT, 'scripts', 'start.ts')], { cwd: ROOT, env });
    start.stderr.pipe(startLog);
    const running = new Promise<void>((resolve, reject) => {
      createInterface({ input: start!.stdout }).on('line', (line) => {
        startLog.write(line + '\n');
        if (line.includes('Huiying is running.')) resolve();
      });
      start!.once('exit', (code) => reject(new Error(`npm start exited (${code}); see ${dataDir}/start.log`)));
      setTimeout(() => reject(new Error('npm start not running after 180 s')), 180_000).unref();
    });
    await running;
    target = await seedTarget(env);
    const workerPid = await descendantRunning(start.pid!, path.join('worker', 'index.ts'));
    if (!workerPid) throw new Error('no worker process found under npm start');
    const idle = await rssMiB(workerPid);
    log(`worker pid ${workerPid}, RSS ${idle.rss.toFixed(0)} MiB with no case`);

    // Real cases, then each read once (a query through the API), so every workflow is in the worker's cache.
    const seed = await seedCases(target, { count: real, runId: 'bench', concurrency, log: (l) => log(`seed: ${l}`) });
    if (seed.failures.length > 0) log(`seed: ${seed.failures.length} failed, e.g. ${seed.failures[0].error}`);
    const tokens = new SeedTokens(target.jwtSecret);
    const sup = await tokens.supervisor();
    const touchStart = performance.now();
    const touched = await forEachBounded(seed.ids.length, concurrency, async (i) => {
      const res = await fetch(`${target!.apiBase}/cases/${seed.ids[i]}`, { headers: { authorization: `Bearer ${sup}` } });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`GET /cases/${seed.ids[i]}: ${res.status}`);
    });
    const touchSeconds = (performance.now() - touchStart) / 1000;
    await new Promise((r) => setTimeout(r, 5000)); // let timers that fired settle
    const mem = await rssMiB(workerPid);
    const { rows: realRows } = await target.db.query(
      `SELECT count(*)::int AS all, count(*) FILTER (WHERE stage <> 'closed')::int AS open,
              count(*) FILTER (WHERE overdue)::int AS overdue, count(*) FILTER (WHERE red_flag)::int AS red
         FROM case_summaries WHERE id NOT LIKE 'synthetic-%'`,
    );
    const r0 = realRows[0];

    const month = lastMonth(new Date());
    const units = target.units.units.map((u) => u.code);
    const results: { n: number; open: number; monthRows: number; rows: [string, Timing, string][] }[] = [];
    const explains: { n: number; plans: string[] }[] = [];
    for (const n of sizes) {
      await removeSynthetic(target.db);
      const synthetic = n - r0.all;
      if (synthetic > 0) {
        log(`N = ${n}: writing ${synthetic} synthetic rows ...`);
        await seedSynthetic(target.db, { count: synthetic, runId: 'bench', unitCodes: units });
      }
      await target.db.query('VACUUM ANALYZE case_summaries');
      const { rows: counts } = await target.db.query(
        `SELECT count(*)::int AS all, count(*) FILTER (WHERE stage <> 'closed' AND NOT archived)::int AS open,
                count(*) FILTER (WHERE registered_at >= $1::timestamptz AND registered_at < $2::timestamptz)::int AS month
           FROM case_summaries`,
        [shanghaiMidnight(month.from).toISOString(), shanghaiMidnight(month.to).toISOString()],
      );
      const base = target.apiBase;
      const rows: [string, Timing, string][] = [];
      const stuck = await timeRequests(`${base}/supervision/stuck`, sup, iterations);
      const first = JSON.parse(stuck.body) as { items: unknown[]; total: number; byReason: Record<string, number> };
      rows.push([
        'GET /supervision/stuck (page 1)',
        stuck,
        `${first.items.length} of ${first.total} (${Object.entries(first.byReason)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`,
      ]);
      const walkIterations = Math.max(3, Math.round(iterations / 4));
      const walk = await timeStuckWalk(base, sup, 1000, walkIterations);
      // Completeness: the domain's rule applied to EVERY open row (no SQL preselection) finds the same cases, and the
      // walk through the pages lists each of them once.
      const { rows: open } = await target.db.query(
        `SELECT ${SUMMARY_COLUMNS} FROM case_summaries WHERE stage <> 'closed' AND NOT archived`,
      );
      const everyOpen = classifyStuck(
        open.map((r) => listedCase(summaryFromRow(r))),
        target.calendar,
        target.limits,
        new Date(),
      );
      const walked = new Set(walk.ids);
      const complete =
        walked.size === walk.ids.length &&
        walked.size === first.total &&
        everyOpen.every((c) => walked.has(c.id)) &&
        walk.totals.size === 1;
      rows.push([
        'GET /supervision/stuck (all pages)',
        walk,
        `${walk.pages} pages of ≤1000, ${walk.ids.length} items (${walked.size} distinct), ${walkIterations} walks; ` +
          `classifying all ${open.length} open rows: ${everyOpen.length}; ${complete ? 'complete' : 'INCOMPLETE'}`,
      ]);
      const q = `from=${month.from}&to=${month.to}`;
      const stats = await timeRequests(`${base}/stats?${q}`, sup, iterations);
      rows.push([`GET /stats (${month.from} month)`, stats, `registered ${(JSON.parse(stats.body) as { registered: number }).registered}`]);
      const csv = await timeRequests(`${base}/ledger.csv?${q}`, sup, iterations);
      rows.push(['GET /ledger.csv (month)', csv, `${csv.body.split('\r\n').length - 2} rows`]);
      const xlsx = await timeRequests(`${base}/ledger.xlsx?${q}`, sup, Math.max(3, Math.round(iterations / 4)));
      rows.push(['GET /ledger.xlsx (month)', xlsx, `${Math.max(3, Math.round(iterations / 4))} requests`]);
      const list = await timeRequests(`${base}/cases?pageSize=50`, sup, iterations);
      rows.push(['GET /cases first page (50)', list, '']);
      results.push({ n: counts[0].all, open: counts[0].open, monthRows: counts[0].month, rows });
      if (values.explain) explains.push({ n: counts[0].all, plans: await explainAll(target, month) });
    }

    console.log(`\nbench:scale — ${new Date().toISOString()}, ${(await import('node:os')).cpus().length} cores`);
    console.log(
      `Real cases: ${seed.registered + seed.existing} (${seed.failures.length} failed) registered over the last 90 days, ` +
        `${seed.actions} actions through the API, in ${seed.seconds.toFixed(0)} s (${((seed.registered + seed.existing) / seed.seconds).toFixed(1)} cases/s); ` +
        `planned stages ${JSON.stringify(seed.byTarget)}`,
    );
    console.log(
      `Worker RSS: ${idle.rss.toFixed(0)} MiB idle → ${mem.rss.toFixed(0)} MiB (peak ${mem.hwm.toFixed(0)} MiB) with ${r0.all} running case ` +
        `workflows (${r0.open} open, ${r0.overdue} overdue, ${r0.red} red-flagged), each read once (${touched.failures.length} failed, ` +
        `${touchSeconds.toFixed(0)} s): ${(((mem.rss - idle.rss) * 1024) / Math.max(1, r0.all)).toFixed(1)} KiB per case above idle`,
    );
    for (const r of results) {
      console.log(`\nN = ${r.n} rows (${r.n - r0.all} synthetic), ${r.open} open, ${r.monthRows} registered in ${month.from}…${month.to}:`);
      console.log('  request                            p50 ms   p95 ms   max ms   bytes       notes');
      for (const [label, t, note] of r.rows) {
        console.log(
          `  ${label.padEnd(34)} ${t.p50.toFixed(0).padStart(6)}   ${t.p95.toFixed(0).padStart(6)}   ${t.max.toFixed(0).padStart(6)}   ${String(t.bytes).padEnd(10)}  ${note}`,
        );
      }
    }
    for (const e of explains) {
      console.log(`\nEXPLAIN (ANALYZE, BUFFERS) at N = ${e.n}:`);
      for (const p of e.plans) console.log(`  ${summarizePlan(p)}`);
      await fs.writeFile(path.join(ROOT, '.test-data', `bench-scale-explain-${e.n}.txt`), e.plans.join('\n\n') + '\n');
    }
    if (explains.length > 0) console.log('(full plans in .test-data/bench-scale-explain-<N>.txt)');
  } finally {
    await target?.close().catch(() => undefined);
    if (start) {
      log('stopping npm start ...');
      await stopGuarded(start, 30_000);
    }
    if (!values.keep) await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
