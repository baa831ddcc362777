// The page.evaluate callbacks run in the browser, so they are typed against the DOM.
/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import type { INestApplicationContext } from '@nestjs/common';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { type Answer, type RunningApi, startApi } from '../../support/api';
import { startMarketplaces } from '../../support/marketplaces';
import { startWorker } from '../../support/worker';
import type { Sandbox } from '../orders/support';

/**
 * What a browser test of the web app (/app/) needs: the real API on an ephemeral port, the worker
 * in this process, the sandbox marketplaces, Debian's Chromium driven by playwright-core, people
 * with passwords who sign in through the page's own form, and the checks every page must pass
 * (axe, both widths, no page error). One of each per suite: a suite starts them in beforeAll.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts', 'web');
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
/** What people are given to sign in with (10 to 200 characters, docs/api.md). */
export const PASSWORD = 'mat-khau-thu-nghiem-2026';

/**
 * The API, the worker (in this process) and the three sandbox marketplaces, on this test file's own
 * database and queue prefix (test/support/own-database.ts). The worker is what carries a price or a
 * stock change to the marketplaces; a suite that never syncs may leave it out.
 */
export async function startServices(
  options: { worker?: boolean; env?: Record<string, string> } = {},
): Promise<{ api: RunningApi; sandbox: Sandbox; worker?: INestApplicationContext; close(): Promise<void> }> {
  const sandbox = await startMarketplaces();
  const api = await startApi(options.env);
  const worker =
    options.worker === false
      ? undefined
      : await startWorker({ ORDER_POLL_INTERVAL_MS: '2000', ...options.env });
  return {
    api,
    sandbox,
    worker,
    async close() {
      await worker?.close();
      await api.close();
      await sandbox.close();
    },
  };
}

/** Debian's Chromium, headless; the machine's network is closed, so no call home or update. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: install Debian's package with "apt-get install -y chromium" (.ci/run does it when it is missing)`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export type Role = 'admin' | 'officer' | 'cooperative';

/** A person with a password, as POST /v1/users made them. */
export interface Person {
  id: string;
  email: string;
  name: string;
  role: Role;
  cooperativeId: string | null;
  password: string;
}

const FAMILY_NAMES = ['Nguyễn Thị', 'Trần Văn', 'Lê Thị', 'Phạm Văn', 'Hoàng Thị', 'Đỗ Văn'];

/** A new person of `role` (a cooperative's staff need `cooperativeId`), made by the admin key. */
export async function person(
  api: RunningApi,
  role: Role,
  cooperativeId?: string,
  options: { name?: string; email?: string } = {},
): Promise<Person> {
  const tag = randomUUID().slice(0, 8);
  const name =
    options.name ??
    `${FAMILY_NAMES[Math.floor(Math.random() * FAMILY_NAMES.length)]} ${tag.slice(0, 4).toUpperCase()}`;
  const email = options.email ?? `${role}-${tag}@web-e2e.example`;
  const res = await api.call('POST', '/v1/users', {
    key: api.adminKey,
    body: { email, name, role, ...(cooperativeId ? { cooperativeId } : {}), password: PASSWORD },
  });
  if (res.status !== 201) throw new Error(`person not created: ${res.status} ${res.text}`);
  return {
    id: res.body.id,
    email: res.body.email,
    name: res.body.name,
    role,
    cooperativeId: res.body.cooperativeId ?? null,
    password: PASSWORD,
  };
}

/** A browser tab and what it saw: every request, answers of 400 and more, console errors, page errors. */
export interface Tab {
  context: BrowserContext;
  page: Page;
  /** every request the tab made, in order */
  requests: Request[];
  /** `<status> <method> <url>` of every answer of 400 or more */
  failures: string[];
  /** console errors, apart from Chromium's "Failed to load resource" line for an answer in `failures` */
  consoleErrors: string[];
  /** uncaught exceptions and unhandled rejections in the page */
  pageErrors: string[];
  /** a page error or console error matching one of these is expected (the test provokes it) */
  allow(pattern: RegExp): void;
  /** closes the tab; fails if the page threw or logged an error nobody allowed */
  close(): Promise<void>;
}

const tabs = new WeakMap<Page, Tab>();

/** A tab of its own (own cookies and storage), at a desktop's width unless told otherwise. */
export async function openTab(browser: Browser, viewport = DESKTOP): Promise<Tab> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  const allowed: RegExp[] = [];
  const tab: Tab = {
    context,
    page,
    requests: [],
    failures: [],
    consoleErrors: [],
    pageErrors: [],
    allow: (pattern) => void allowed.push(pattern),
    async close() {
      const unexpected = unexpectedErrors(tab, allowed);
      await context.close();
      if (unexpected.length > 0) {
        throw new Error(`the page reported errors nobody expected:\n  ${unexpected.join('\n  ')}`);
      }
    },
  };
  page.on('request', (request) => tab.requests.push(request));
  page.on('response', (response) => {
    if (response.status() >= 400) {
      tab.failures.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    }
  });
  page.on('pageerror', (error) => tab.pageErrors.push(`${error.name}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // an answer the page handles (a 401 before sign-in, a 404 it shows as "not found") is logged by
    // Chromium too; the answers are in `failures`, where a test judges them
    if (/^Failed to load resource: the server responded with a status of \d+/.test(message.text())) return;
    tab.consoleErrors.push(message.text());
  });
  tabs.set(page, tab);
  return tab;
}

function unexpectedErrors(tab: Tab, allowed: RegExp[]): string[] {
  return [
    ...tab.pageErrors.map((e) => `page error: ${e}`),
    ...tab.consoleErrors.map((e) => `console error: ${e}`),
  ].filter((e) => !allowed.some((pattern) => pattern.test(e)));
}

/** Fails at once, with the page's own words, when a page error happened while a test waited. */
function failOnPageError(page: Page): void {
  const tab = tabs.get(page);
  if (tab && tab.pageErrors.length > 0) {
    const unexpected = unexpectedErrors({ ...tab, consoleErrors: [] }, []);
    if (unexpected.length > 0) throw new Error(`the page failed: ${unexpected.join('; ')}`);
  }
}

/** The web app's address for `hash` ("#/products"). */
export function appUrl(api: RunningApi, hash = ''): string {
  return `${api.url}/app/${hash}`;
}

/**
 * Signs `who` in through the page's form (#email, #password, the submit button) and waits until
 * the page they land on (`hash`, or their role's home) has its data on screen.
 */
export async function signIn(page: Page, api: RunningApi, who: Person, hash = ''): Promise<void> {
  await page.goto(appUrl(api, hash));
  await shown(page, 'sign-in');
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  await page.click('form button[type=submit]');
  const outcome = await page.waitForFunction(
    () => {
      const refused = document.querySelector('#sign-in-error');
      if (refused) return `refused: ${refused.textContent ?? ''}`;
      const body = document.body.dataset;
      return body.page && body.page !== 'sign-in' && body.ready === 'true' ? 'in' : false;
    },
    undefined,
    { timeout: 30_000 },
  );
  const value = await outcome.jsonValue();
  failOnPageError(page);
  if (value !== 'in') throw new Error(`${who.email} could not sign in: ${String(value)}`);
}

/** Waits until page `name` shows its data (body[data-page=name][data-ready=true]). */
export async function shown(page: Page, name: string, timeout = 30_000): Promise<void> {
  // a click or Enter that changed the route has its effects (the page marking itself busy) run
  // a frame later: until then the body still says ready for what was on screen before
  await settle(page);
  try {
    await page.waitForSelector(`body[data-page="${name}"][data-ready="true"]`, { timeout });
  } catch (error) {
    failOnPageError(page);
    const now = await page.evaluate(
      () => `${document.body.dataset.page}, ready=${document.body.dataset.ready}`,
    );
    throw new Error(`page "${name}" was not shown (the page is ${now}): ${(error as Error).message}`);
  }
  failOnPageError(page);
}

/**
 * Waits until the app's effects have run: Preact runs them after the next frame, and an effect's
 * own state change (a page starting to load) has its effects one frame later still; three frames
 * leave room for both.
 */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    for (let frame = 0; frame < 3; frame += 1) {
      await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    }
  });
}

/**
 * Moves to `hash` ("#/stock?sku=…") as a link would, and answers once the app has taken the change
 * in (its effects run a frame after the hashchange), so a following `shown` sees the new page.
 */
export async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate(
    (h) =>
      new Promise<void>((resolve) => {
        if (location.hash === h) return resolve();
        window.addEventListener('hashchange', () => resolve(), { once: true });
        location.hash = h;
      }),
    hash,
  );
  await settle(page);
}

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/**
 * axe-core on the page as it is now; fails on any serious or critical violation, each named with
 * its rule, what it means and the elements it found.
 */
export async function checkAxe(page: Page, label = ''): Promise<void> {
  // legacy mode runs axe in the page itself: the default finishes each run in a new blank tab,
  // which costs ~2.5 s a check on this machine against ~0.2 s; the page has no cross-origin frame,
  // the one thing the default mode is for
  const results = await new AxeBuilder({ page })
    .setLegacyMode()
    .options({ resultTypes: ['violations'] })
    .analyze();
  const findings: AxeFinding[] = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact as string,
      help: v.help,
      nodes: v.nodes
        .slice(0, 5)
        .map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1] ?? ''}`),
    }));
  if (findings.length > 0) {
    const where = label || (await page.evaluate(() => `${document.body.dataset.page} (${location.hash})`));
    throw new Error(
      `axe found ${findings.length} serious or critical problem(s) on ${where}:\n` +
        findings.map((f) => `- [${f.impact}] ${f.id}: ${f.help}\n    ${f.nodes.join('\n    ')}`).join('\n'),
    );
  }
}

/** Sets the tab's width (and a matching height), waiting for the layout to follow. */
export async function resize(page: Page, viewport: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(viewport);
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
}

/** Screenshots of the whole page at 1280 px and at 390 px wide, as test-artifacts/web/<name>-<width>.png. */
export async function shoot(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? DESKTOP;
  for (const viewport of [DESKTOP, PHONE]) {
    await resize(page, viewport);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${viewport.width}.png`), fullPage: true });
  }
  await resize(page, before);
}

/**
 * The acceptance every page owes: no serious or critical axe finding and nothing wider than the
 * screen, at 1280 and at 390 px, with a screenshot at each width.
 */
export async function review(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? DESKTOP;
  for (const viewport of [DESKTOP, PHONE]) {
    await resize(page, viewport);
    await checkAxe(page, `${name} at ${viewport.width} px`);
    if (viewport === PHONE) {
      const overflow = await wider(page);
      if (overflow.length > 0)
        throw new Error(`${name} at 390 px: wider than the screen: ${overflow.join(', ')}`);
    }
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${viewport.width}.png`), fullPage: true });
  }
  await resize(page, before);
}

/** Elements reaching past the right edge of the screen (a table scrolling in its .table-wrap is fine). */
export async function wider(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out = Array.from(document.querySelectorAll<HTMLElement>('body *'))
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      // a table or a menu that scrolls sideways inside a box that fits is fine; the skip link is
      // off-screen until focused
      .filter((e) => !e.closest('.table-wrap'))
      .filter((e) => !e.closest('.skip-link'))
      .filter((e) => {
        for (let box = e.parentElement; box && box !== document.body; box = box.parentElement) {
          const overflow = getComputedStyle(box).overflowX;
          if (
            (overflow === 'auto' || overflow === 'scroll') &&
            box.getBoundingClientRect().right <= window.innerWidth + 1
          )
            return false;
        }
        return true;
      })
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).replace(/\s+/g, '.')}` : ''}`,
      );
    if (document.documentElement.scrollWidth > window.innerWidth) out.push('html (scrolls sideways)');
    return out;
  });
}

/** The session cookie and CSRF token the browser holds, to call the API as that person from the test. */
export interface BrowserSession {
  cookie: string;
  csrfToken: string;
}

export async function sessionOf(api: RunningApi, context: BrowserContext): Promise<BrowserSession> {
  const cookies = await context.cookies(api.url);
  const session = cookies.find((c) => c.name === 'ocop_session');
  if (!session)
    throw new Error(`no session cookie in the browser (cookies: ${cookies.map((c) => c.name).join(', ')})`);
  const cookie = `${session.name}=${session.value}`;
  const me = await api.call('GET', '/v1/me', { headers: { cookie } });
  return { cookie, csrfToken: me.status === 200 ? (me.body.csrfToken as string) : '' };
}

/** A request as the browser's person: the cookie, and the CSRF token unless `csrf: false`. */
export function callAs(
  api: RunningApi,
  session: BrowserSession,
  method: string,
  path: string,
  options: { body?: unknown; csrf?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { cookie: session.cookie };
  if (options.csrf !== false && session.csrfToken) headers['x-csrf-token'] = session.csrfToken;
  return api.call(method, path, { body: options.body, headers });
}

/**
 * Records the JavaScript files a tab downloads from now on, and answers their gzipped size (each
 * body compressed with zlib's default level, as a server would send it) and their names.
 */
export function watchScripts(page: Page): () => Promise<{ gzipBytes: number; files: string[] }> {
  const bodies: Promise<{ url: string; bytes: number }>[] = [];
  page.on('response', (response) => {
    const url = response.url();
    if (!/\.m?js(\?|$)/.test(new URL(url).pathname) || response.status() !== 200) return;
    bodies.push(response.body().then((body) => ({ url, bytes: gzipSync(body).length })));
  });
  return async () => {
    const seen = await Promise.all(bodies);
    const unique = new Map(seen.map((s) => [s.url, s.bytes]));
    return {
      gzipBytes: [...unique.values()].reduce((sum, b) => sum + b, 0),
      files: [...unique.keys()].map((url) => new URL(url).pathname),
    };
  };
}

/**
 * A suite's whole world: services (startServices) and one browser, with the helpers bound to them:
 * `web.person('cooperative', coopId)`, `web.signIn(tab.page, who, '#/products')`, `web.tab()`.
 */
export async function startWeb(options: { worker?: boolean; env?: Record<string, string> } = {}) {
  // the API serves the pages from dist/web; without it every page is a 404 and sign-in times out
  if (!existsSync(join(__dirname, '..', '..', '..', 'dist', 'web', 'index.html'))) {
    throw new Error('The web app is not built: run "npm run build" first');
  }
  const services = await startServices(options);
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await services.close();
    throw error;
  }
  const { api } = services;
  return {
    ...services,
    browser,
    person: (role: Role, cooperativeId?: string, extra: { name?: string; email?: string } = {}) =>
      person(api, role, cooperativeId, extra),
    signIn: (page: Page, who: Person, hash = '') => signIn(page, api, who, hash),
    tab: (viewport = DESKTOP) => openTab(browser, viewport),
    url: (hash = '') => appUrl(api, hash),
    session: (context: BrowserContext) => sessionOf(api, context),
    async close() {
      await browser.close();
      await services.close();
    },
  };
}

export type Web = Awaited<ReturnType<typeof startWeb>>;
