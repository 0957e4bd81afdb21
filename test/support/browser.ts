/**
 * A real browser for the console's tests: Debian's Chromium driven by playwright-core (this machine cannot download
 * Playwright's own browsers; `.ci/run` installs the package when it is missing). Each person gets a context of their
 * own, as separate people on separate machines would; screenshots are kept under test-results/console/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Set it to use another Chromium; default Debian's package. */
export const CHROMIUM_ENV = 'HUIYING_CHROMIUM';
const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'console');

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env[CHROMIUM_ENV] ?? DEFAULT_CHROMIUM;
  if (!fs.existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: install Debian's package (apt-get install chromium) or set ${CHROMIUM_ENV}`);
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

export interface PersonPage {
  context: BrowserContext;
  page: Page;
  /** Every text the page showed in an error or a console error, and every response ≥ 500, for the test's asserts. */
  problems: string[];
  shot(name: string): Promise<void>;
}

/**
 * A person signed in through the development login, in a context of their own. The browser runs in New York on
 * purpose: every time on screen must still read in Asia/Shanghai.
 */
export async function signIn(browser: Browser, baseUrl: string, buttonName: RegExp | string): Promise<PersonPage> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A refusal (4xx) is an answer the page shows; Chromium logs each one as a failed load.
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(baseUrl);
  await page.getByRole('button', { name: buttonName }).click();
  await page.getByRole('button', { name: '退出' }).waitFor();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    problems,
    shot: async (name) => {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
  };
}
