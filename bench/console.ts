/**
 * The console's figures (issue 10), from a real browser (Debian's Chromium) against the system as `npm start` runs
 * it: N registered cases (default 1 000) waiting in the dispatcher's inbox, then
 *  - JavaScript transferred (compressed, as the browser received it) for the login page and for the first screen
 *    after login (the inbox), from the DevTools protocol's encoded sizes;
 *  - the inbox with N cases: time from navigation to its first row, and Lighthouse's navigation metrics
 *    (time to interactive, total blocking time, largest contentful paint; no simulated throttling: this machine);
 *  - Lighthouse's accessibility score of the intake form and of the inbox (target ≥ 95).
 * Prints figures; asserts nothing.
 *
 *   npm run bench:console        (BENCH_CASES=1000)
 */
import { randomUUID } from 'node:crypto';
import puppeteer, { type Page } from 'puppeteer-core';
import { ensureConsoleBuilt } from '../scripts/console-build';
import { newCase } from '../test/support/cases';
import { people } from '../test/support/personas';
import { startSystem } from './support/system';

const CASES = Number(process.env.BENCH_CASES ?? 1000);
const CHROMIUM = process.env.HUIYING_CHROMIUM ?? '/usr/bin/chromium';
const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** Counts the compressed bytes of every script the page loads until `stop()` is called. */
async function scriptBytes(page: Page): Promise<{ stop: () => { bytes: number; files: number } }> {
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  const scripts = new Set<string>();
  let bytes = 0;
  let files = 0;
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Script') scripts.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => {
    if (scripts.has(e.requestId)) {
      bytes += e.encodedDataLength;
      files++;
    }
  });
  return {
    stop: () => {
      void cdp.detach().catch(() => undefined);
      return { bytes, files };
    },
  };
}

async function main(): Promise<void> {
  await ensureConsoleBuilt((l) => process.stderr.write(`${l}\n`));
  const system = await startSystem();
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  try {
    process.stderr.write(`registering ${CASES} cases ...\n`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < CASES) {
          const i = next++;
          const res = await system.api('POST', '/cases', {
            token: people.operator,
            headers: { 'idempotency-key': randomUUID() },
            body: newCase({ title: `控制台基准 ${i}`, citizen: { name: '基准市民', phone: `137${String(i).padStart(8, '0')}` } }),
          });
          if (res.status !== 201) throw new Error(`register: ${res.status} ${res.text.slice(0, 200)}`);
        }
      }),
    );

    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const login = await scriptBytes(page);
    await page.goto(`${system.baseUrl}/`, { waitUntil: 'networkidle0' });
    const loginJs = login.stop();
    const firstScreen = await scriptBytes(page);
    await page.locator('::-p-text(登录：赵派单)').click();
    await page.waitForSelector('::-p-text(控制台基准)');
    await new Promise((r) => setTimeout(r, 1000)); // the inbox's lazy chunks that load after its first paint
    const afterLogin = firstScreen.stop();
    console.log(`Console (${CASES} cases in the dispatcher's inbox; 2 cores; compressed as served)`);
    console.log(`  JavaScript for the login page:               ${kB(loginJs.bytes)} in ${loginJs.files} files`);
    console.log(
      `  JavaScript for the first screen after login: ${kB(loginJs.bytes + afterLogin.bytes)} in ${loginJs.files + afterLogin.files} files (target ≤ 300 kB)`,
    );

    // The inbox from a fresh load (the session survives a reload), to its first row, five times.
    const firstRow: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto(`${system.baseUrl}/#/inbox`, { waitUntil: 'domcontentloaded' });
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.waitForSelector('::-p-text(控制台基准)');
      firstRow.push(await page.evaluate(() => performance.now()));
    }
    firstRow.sort((a, b) => a - b);
    console.log(
      `  inbox, navigation to its first row:         median ${firstRow[2].toFixed(0)} ms (of 5: ${firstRow.map((t) => t.toFixed(0)).join(', ')})`,
    );

    // Lighthouse (the npm package, driving the same Chromium): accessibility of the page as it stands (a snapshot;
    // its navigation mode gave no first paint for this single-page app in headless Chromium).
    const { snapshot } = await import('lighthouse');
    const flags = { formFactor: 'desktop' as const, screenEmulation: { disabled: true }, onlyCategories: ['accessibility'] };
    const accessibility = async (p: Page) => {
      const result = await snapshot(p, { flags });
      if (!result) throw new Error('Lighthouse returned no result');
      if (result.lhr.runtimeError) throw new Error(`Lighthouse: ${result.lhr.runtimeError.code} ${result.lhr.runtimeError.message}`);
      return result.lhr;
    };
    const inbox = await accessibility(page);
    console.log(
      `  Lighthouse accessibility, inbox:        ${Math.round((inbox.categories.accessibility?.score ?? 0) * 100)} (target ≥ 95)`,
    );

    const operatorPage = await browser.newPage();
    await operatorPage.setViewport({ width: 1280, height: 900 });
    await operatorPage.goto(`${system.baseUrl}/`, { waitUntil: 'networkidle0' });
    await operatorPage.locator('::-p-text(登录：李话务)').click();
    await operatorPage.waitForSelector('::-p-text(我的待办)');
    await operatorPage.goto(`${system.baseUrl}/#/intake`);
    await operatorPage.waitForSelector('::-p-text(诉求人姓名)');
    const intake = await accessibility(operatorPage);
    console.log(
      `  Lighthouse accessibility, intake form:  ${Math.round((intake.categories.accessibility?.score ?? 0) * 100)} (target ≥ 95)`,
    );
    for (const [name, lhr] of [
      ['inbox', inbox],
      ['intake form', intake],
    ] as const) {
      const failed = Object.values(lhr.audits).filter(
        (a) => a.scoreDisplayMode === 'binary' && a.score === 0 && lhr.categories.accessibility?.auditRefs.some((r) => r.id === a.id),
      );
      for (const a of failed) {
        console.log(`    ${name}: failed ${a.id} — ${a.title}`);
        const items = (a.details as { items?: { node?: { snippet?: string; explanation?: string } }[] } | undefined)?.items ?? [];
        for (const item of items.slice(0, 3))
          console.log(`      ${item.node?.snippet ?? ''} ${item.node?.explanation?.split('\n')[1] ?? ''}`);
      }
    }
  } finally {
    await browser.close();
    await system.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
