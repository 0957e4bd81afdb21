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
  const person = await openConsole(browser, baseUrl);
  await person.page.getByRole('button', { name: buttonName }).click();
  await person.page.getByRole('button', { name: '退出' }).waitFor();
  return person;
}

/** A person's own context on the console's login page, not signed in yet (the single sign-on tests sign in there). */
export async function openConsole(browser: Browser, baseUrl: string): Promise<PersonPage> {
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

/** The people of one browser test file, each signing in to the app `start` gives (started once, before the tests). */
export interface PeopleInBrowsers<A extends { baseUrl: string }> {
  /** Signs in the demo person whose login button matches `name`, in a context of their own. */
  as(name: RegExp): Promise<PersonPage>;
  /** A context of its own on the login page, not signed in. */
  open(): Promise<PersonPage>;
  /** The app `start` gave (once started). */
  app(): A;
  /** The console's address (once started). */
  baseUrl(): string;
}

/**
 * Starts the app and Chromium before the file's tests and closes them after; after each test, every person's page
 * must have shown no error (a page error, a console error, a 5xx), and their contexts close.
 */
export function usePeopleInBrowsers<A extends { baseUrl: string }>(start: () => Promise<A>): PeopleInBrowsers<A> {
  let app: A | undefined;
  let browser: Browser | undefined;
  const opened: PersonPage[] = [];
  beforeAll(async () => {
    app = await start();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const p of opened.splice(0)) {
      expect(p.problems).toEqual([]);
      await p.context.close();
    }
  });
  const kept = (person: PersonPage) => {
    opened.push(person);
    return person;
  };
  return {
    as: async (name) => kept(await signIn(browser!, app!.baseUrl, name)),
    open: async () => kept(await openConsole(browser!, app!.baseUrl)),
    app: () => app!,
    baseUrl: () => app!.baseUrl,
  };
}

/** Resolves once no request whose URL matches `pattern` has started or been in flight for `quietMs`. */
export async function quietFor(page: Page, pattern: RegExp, quietMs: number): Promise<void> {
  let last = Date.now();
  let inFlight = 0;
  const started = (r: { url(): string }) => {
    if (!pattern.test(r.url())) return;
    inFlight += 1;
    last = Date.now();
  };
  const ended = (r: { url(): string }) => {
    if (!pattern.test(r.url())) return;
    inFlight -= 1;
    last = Date.now();
  };
  page.on('request', started);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  try {
    while (inFlight > 0 || Date.now() - last < quietMs) await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    page.off('request', started);
    page.off('requestfinished', ended);
    page.off('requestfailed', ended);
  }
}
