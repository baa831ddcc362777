// The page.evaluate callbacks run in the browser, so they are typed against the DOM.
/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { addDays, vietnamDate } from '@ocop/common';
import { expiryBucket, formatVnd, vietnamToday } from '../../../apps/web/src/format';
import type { RunningApi } from '../../support/api';
import { uniqueCode } from '../../support/factories';
import { sandboxControl } from '../../support/marketplaces';
import { eventually } from '../../support/worker';
import { certify, placeOrder, type Seller, startSalesWorld } from '../metrics/support';
import { ordersOf, type Sandbox } from '../orders/support';
import {
  appUrl,
  go,
  launchBrowser,
  openTab,
  type Person,
  person,
  PASSWORD,
  PHONE,
  review,
  sessionOf,
  shown,
  signIn,
  type Tab,
  wider,
} from './support';

/**
 * The web app's report pages (#/province, #/producer/<id>, #/sync; the read-only dashboard's, moved
 * into /app/) in a real browser: Debian's Chromium, headless, driven by playwright-core. Data goes
 * in through the real API and the sandbox marketplaces (orders arrive by webhook); people sign in
 * through the page's form, and every chart the page drew is read back and compared with what the
 * API answers for the same role. The province report counts everything in its database, so the
 * suite has its own.
 */

interface DrawnChart {
  labels: string[];
  datasets: { label: string; data: (number | null)[] }[];
}

describe('the report pages in headless Chromium', () => {
  let world: Awaited<ReturnType<typeof startSalesWorld>> | undefined;
  let api: RunningApi;
  let sandbox: Sandbox;
  let browser: Browser;
  /** the officer's API key, for the API's own answers; the people below sign in through the page */
  let officer: string;
  let people: { officer: Person; admin: Person; noodleMaker: Person };
  let teaHouse: Seller;
  let noodles: Seller;
  let refusedListingError: string;
  const today = vietnamDate(new Date());
  const daysAgo = (n: number) => `${addDays(today, -n)}T03:00:00Z`;

  const get = async (path: string, key = officer) => {
    const res = await api.call('GET', path, { key });
    expect(res.status).toBe(200);
    return res.body;
  };

  /** A browser tab of its own (own cookies and sessionStorage) recording every URL it asks for. */
  const tab = (viewport?: { width: number; height: number }): Promise<Tab> => openTab(browser, viewport);
  const urlsOf = (opened: Tab) => opened.requests.map((r) => r.url());
  /** The session cookie's token never travels in a URL (nor does anything else secret). */
  async function noSecretInUrls(opened: Tab) {
    const { cookie } = await sessionOf(api, opened.context);
    const token = cookie.slice(cookie.indexOf('=') + 1);
    expect(urlsOf(opened).length).toBeGreaterThan(5);
    expect(urlsOf(opened).filter((url) => url.includes(token) || url.includes(PASSWORD))).toEqual([]);
    expect(opened.page.url()).not.toContain(token);
  }

  /** What each chart drew, read from Chart.js's own instances and checked against the page's record. */
  async function drawnCharts(page: Page): Promise<Record<string, DrawnChart>> {
    const { recorded, live } = await page.evaluate(() => {
      const w = window as unknown as {
        __dashboard: { charts: Record<string, DrawnChart> };
        Chart: {
          getChart(
            c: HTMLCanvasElement,
          ): { data: { labels: unknown[]; datasets: { label: string; data: unknown[] }[] } } | undefined;
        };
      };
      const live: Record<string, { labels: string[]; data: unknown[][]; width: number }> = {};
      for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]'))) {
        const chart = w.Chart.getChart(canvas);
        if (!chart) continue;
        live[canvas.dataset.chart as string] = {
          labels: chart.data.labels.map(String),
          data: chart.data.datasets.map((d) => d.data),
          width: canvas.width,
        };
      }
      return { recorded: w.__dashboard.charts, live };
    });
    expect(Object.keys(live).sort()).toEqual(Object.keys(recorded).sort());
    for (const [name, chart] of Object.entries(recorded)) {
      expect(live[name].width).toBeGreaterThan(0);
      expect(live[name].labels).toEqual(chart.labels);
      expect(live[name].data).toEqual(chart.datasets.map((d) => d.data));
    }
    return recorded;
  }

  const series = (chart: DrawnChart, label: string) => chart.datasets.find((d) => d.label === label)?.data;

  beforeAll(async () => {
    // the browser first: without Chromium there is nothing to wait for
    browser = await launchBrowser();
    world = await startSalesWorld('reports');
    ({ sandbox, api, officer, teaHouse, noodles } = world);
    people = {
      officer: await person(api, 'officer', undefined, { name: 'Trần Thu Hà (Sở Công Thương)' }),
      admin: await person(api, 'admin'),
      noodleMaker: await person(api, 'cooperative', noodles.coop.id),
    };
    // 4★ for the tea 120 days ago; 3★ for the noodles 100 days ago
    await certify(api, officer, teaHouse.productId, 4, addDays(today, -120));
    await certify(api, officer, noodles.productId, 3, addDays(today, -100));
    // a second tea whose certificate (36 months less a day) ends within the 30-day notice
    const oldTea = await api.call('POST', '/v1/products', {
      key: teaHouse.coop.key,
      body: {
        cooperativeId: teaHouse.coop.id,
        name: 'Trà móc câu đặc biệt',
        category: 'tea',
        skus: [{ code: uniqueCode('TN'), name: 'Hộp 100g', priceVnd: 90_000, weightGrams: 100, onHand: 5 }],
      },
    });
    const inThreeWeeks = addDays(today, 21);
    await certify(
      api,
      officer,
      oldTea.body.id,
      3,
      `${Number(inThreeWeeks.slice(0, 4)) - 3}${inThreeWeeks.slice(4)}`,
    );
    // a product the marketplace refuses (a blank name), listed on Sendo only
    const blank = await api.call('POST', '/v1/products', {
      key: teaHouse.coop.key,
      body: {
        cooperativeId: teaHouse.coop.id,
        name: '   ',
        category: 'honey',
        skus: [
          { code: uniqueCode('MO'), name: 'Chai 500ml', priceVnd: 150_000, weightGrams: 700, onHand: 5 },
        ],
      },
    });
    const refused = await api.call('POST', '/v1/listings', {
      key: teaHouse.coop.key,
      body: { productId: blank.body.id, connectionId: teaHouse.shops.sendo.connectionId },
    });
    refusedListingError = await eventually(async () => {
      const listing = await api.call('GET', `/v1/listings/${refused.body.id}`, { key: teaHouse.coop.key });
      return listing.body.status === 'error' ? (listing.body.lastError as string) : undefined;
    }, 30_000);

    // Tea: 1 box before its rating (sendo), 2 after (voso), 1 in the previous 30 days, 3 in the last 30.
    await placeOrder(sandbox, teaHouse, 'sendo', 1, daysAgo(150)); // 180,000
    await placeOrder(sandbox, teaHouse, 'voso', 2, daysAgo(60)); // 360,000
    await placeOrder(sandbox, teaHouse, 'sendo', 1, daysAgo(40)); // 180,000
    await placeOrder(sandbox, teaHouse, 'postmart', 3, daysAgo(10)); // 540,000
    // Noodles: 2 packs 50 days ago, 4 packs 20 days ago.
    const noodlesOnPostmart = await placeOrder(sandbox, noodles, 'postmart', 2, daysAgo(50)); // 100,000
    // the connector imports a pushed order only as the marketplace's API shows it, and Postmart's
    // order search reaches 15 days back: the seller confirms this one now, which brings it in
    await sandboxControl(sandbox.urls.postmart).moveOrder(
      noodles.shops.postmart.shopId,
      noodlesOnPostmart.orderId,
      'confirmed',
    );
    await placeOrder(sandbox, noodles, 'voso', 4, daysAgo(20)); // 200,000
    await eventually(async () => (await ordersOf(api, teaHouse.coop.key)).length === 4, 30_000);
    await eventually(async () => (await ordersOf(api, noodles.coop.key)).length === 2, 30_000);
    // every listing caught up with the badge changes, so the health figures stand still
    await eventually(async () => {
      const health = await get(`/v1/cooperatives/${teaHouse.coop.id}/channel-health`);
      return health.listings.counts.synced === 3 && health.listings.counts.error === 1 ? true : undefined;
    }, 30_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  describe('the extensions it reads', () => {
    it('GET /v1/me names the role and, for a cooperative key, its producer', async () => {
      expect(await get('/v1/me')).toEqual({ kind: 'key', role: 'officer', cooperativeId: null });
      expect(await get('/v1/me', noodles.coop.key)).toEqual({
        kind: 'key',
        role: 'cooperative',
        cooperativeId: noodles.coop.id,
      });
      expect((await api.call('GET', '/v1/me')).status).toBe(401);
    });

    it('GET /v1/me answers a signed-in person with their role, name and CSRF token', async () => {
      const opened = await tab();
      await signIn(opened.page, api, people.noodleMaker, '#/products');
      const { cookie } = await sessionOf(api, opened.context);
      const me = await api.call('GET', '/v1/me', { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        kind: 'user',
        role: 'cooperative',
        cooperativeId: noodles.coop.id,
        user: expect.objectContaining({ id: people.noodleMaker.id, name: people.noodleMaker.name }),
        csrfToken: expect.any(String),
      });
      await opened.close();
    });

    it('a producer’s channel health: listings by health with the marketplace’s message, and its connections', async () => {
      const health = await get(`/v1/cooperatives/${teaHouse.coop.id}/channel-health`, teaHouse.coop.key);
      expect(health.listings.counts).toEqual({ synced: 3, lagging: 0, pending: 0, error: 1 });
      expect(health.listings.items.filter((l: { health: string }) => l.health === 'error')).toEqual([
        expect.objectContaining({ marketplace: 'sendo', lastError: refusedListingError }),
      ]);
      expect(health.connections.map((c: { marketplace: string }) => c.marketplace).sort()).toEqual([
        'postmart',
        'sendo',
        'voso',
      ]);
      const sendo = health.connections.find((c: { marketplace: string }) => c.marketplace === 'sendo');
      expect(sendo.listings).toEqual({ synced: 1, lagging: 0, pending: 0, error: 1 });
      expect(sendo).not.toHaveProperty('credentials');
    });

    it('another producer’s channel health is 404 for a cooperative key, as if it did not exist', async () => {
      const res = await api.call('GET', `/v1/cooperatives/${teaHouse.coop.id}/channel-health`, {
        key: noodles.coop.key,
      });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });

    it('sync health is for admins: per marketplace listings, webhooks and polls, and the refused listing', async () => {
      for (const key of [officer, noodles.coop.key]) {
        const res = await api.call('GET', '/v1/operations/sync-health', { key });
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      const health = await get('/v1/operations/sync-health', api.adminKey);
      const sendo = health.marketplaces.find((m: { marketplace: string }) => m.marketplace === 'sendo');
      expect(sendo.counts).toEqual({ synced: 2, lagging: 0, pending: 0, error: 1 });
      expect(sendo.connections).toEqual({ active: 2, paused: 0, auth_failed: 0 });
      const webhooks = Object.fromEntries(
        health.marketplaces.map((m: { marketplace: string; webhooks: { received: number } }) => [
          m.marketplace,
          m.webhooks.received,
        ]),
      );
      // every order arrived by webhook at least once (a status change may add more)
      expect(webhooks.sendo).toBeGreaterThanOrEqual(2);
      expect(webhooks.voso).toBeGreaterThanOrEqual(2);
      expect(webhooks.postmart).toBeGreaterThanOrEqual(2);
      expect(health.errors).toEqual([
        expect.objectContaining({
          cooperativeId: teaHouse.coop.id,
          cooperativeName: teaHouse.coop.body.name,
          lastError: refusedListingError,
        }),
      ]);
      expect(health.queueDashboard).toBe('/admin/queues');
    });

    it('the page itself needs no sign-in and may load only its own scripts; the old dashboard leads to it', async () => {
      const res = await fetch(appUrl(api));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const scripts = [...(await res.text()).matchAll(/src="([^"]+\.js)"/g)].map((m) => m[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        expect(script).toMatch(/^\/app\/assets\//);
        expect((await fetch(`${api.url}${script}`)).status).toBe(200);
      }
      expect((await fetch(`${api.url}/app/assets/chart.cjs`)).status).toBe(404);
      for (const old of ['/dashboard', '/dashboard/', '/dashboard/vendor/chart.umd.min.js']) {
        const moved = await fetch(`${api.url}${old}`, { redirect: 'manual' });
        expect(moved.status).toBe(301);
        expect(moved.headers.get('location')).toBe('/app/');
      }
    });
  });

  it('an officer sees the province overview, every chart drawing the API’s figures', async () => {
    const opened = await tab();
    const { page } = opened;
    await signIn(page, api, people.officer);
    await shown(page, 'province');
    const charts = await drawnCharts(page);

    const province = await get('/v1/metrics/province');
    expect(province.products.byStars).toEqual({ '3': 2, '4': 1, '5': 0 });
    expect(charts.certifiedByStars.labels).toEqual(['3★', '4★', '5★']);
    expect(charts.certifiedByStars.datasets[0].data).toEqual([
      province.products.byStars['3'],
      province.products.byStars['4'],
      province.products.byStars['5'],
    ]);
    const categories = await get('/v1/reference/categories');
    const nameOf = new Map(categories.items.map((c: { slug: string; nameVi: string }) => [c.slug, c.nameVi]));
    const byCategory = Object.fromEntries(
      charts.certifiedByCategory.labels.map((label, i) => [
        label,
        charts.certifiedByCategory.datasets[0].data[i],
      ]),
    );
    expect(byCategory).toEqual(
      Object.fromEntries(
        Object.entries(province.products.byCategory).map(([slug, n]) => [nameOf.get(slug), n]),
      ),
    );
    expect(byCategory[nameOf.get('tea') as string]).toBe(2);
    expect(province.products.teaSharePct).toBe(66.67);
    expect(await page.getAttribute('[data-tea-share]', 'data-tea-share')).toBe('66.67');
    expect(await page.textContent('[data-kpi="teaShare"] strong')).toBe('66,67 %');

    expect(charts.revenueByDistrict.labels).toEqual(
      province.byDistrict.map((d: { district: string }) => d.district),
    );
    expect(charts.revenueByDistrict.datasets[0].data).toEqual(
      province.byDistrict.map((d: { revenueVnd: number }) => d.revenueVnd),
    );
    expect(charts.revenueByDistrict.labels.slice(0, 2)).toEqual(['Đại Từ', 'Phú Lương']);
    expect(charts.revenueByDistrict.datasets[0].data.slice(0, 2)).toEqual([1_260_000, 300_000]);
    // the revenue figure as an officer reads it: dots between thousands, the đồng sign after
    expect(await page.textContent('[data-kpi="revenue"] strong')).toBe(`1.560.000\u00a0₫`);
    expect(formatVnd(1_560_000)).toBe(`1.560.000\u00a0₫`);

    const sales = await get('/v1/metrics/province/sales?granularity=month');
    expect(charts.revenueByMarketplace.labels).toHaveLength(sales.series.length);
    expect(charts.revenueByMarketplace.labels.at(-1)).toBe(`${today.slice(5, 7)}/${today.slice(0, 4)}`);
    for (const [marketplace, label] of [
      ['sendo', 'Sendo'],
      ['voso', 'Voso'],
      ['postmart', 'Postmart'],
    ]) {
      expect(series(charts.revenueByMarketplace, label)).toEqual(
        sales.series.map((p: { byMarketplace: Record<string, number> }) => p.byMarketplace[marketplace]),
      );
    }
    expect(series(charts.revenueByMarketplace, 'Postmart')?.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(
      640_000,
    );

    const uplift = await get('/v1/metrics/ocop-uplift?windowDays=90');
    // the tea sold 180,000 in the 90 days before its 4★ and 360,000 + 180,000 after: +200 %
    expect(uplift.summary.byStars['4']).toMatchObject({ n: 1, medianPct: 200, p25Pct: 200, p75Pct: 200 });
    expect(charts.upliftByStars.labels).toEqual(['3★ (n=0)', '4★ (n=1)', '5★ (n=0)']);
    for (const [label, field] of [
      ['P25 (%)', 'p25Pct'],
      ['Trung vị (median %)', 'medianPct'],
      ['P75 (%)', 'p75Pct'],
    ] as const) {
      expect(series(charts.upliftByStars, label)).toEqual(
        ['3', '4', '5'].map((s) => uplift.summary.byStars[s][field]),
      );
    }

    const growth = await get('/v1/metrics/growth?limit=10');
    const measured = growth.items.filter((g: { growthPct: number | null }) => g.growthPct !== null);
    expect(charts.topProducersByGrowth.labels).toEqual(measured.map((g: { name: string }) => g.name));
    expect(charts.topProducersByGrowth.datasets[0].data).toEqual(
      measured.map((g: { growthPct: number }) => g.growthPct),
    );
    // last 90 days against the 90 before: tea 1,080,000 vs 180,000 (+500 %), noodles 300,000 vs 0 (none)
    expect(measured).toEqual([expect.objectContaining({ cooperativeId: teaHouse.coop.id, growthPct: 500 })]);
    expect(await page.locator('[data-table="topProducers"] tbody tr').count()).toBe(growth.items.length);

    const expiring: { validUntil: string }[] = (
      await get('/v1/ocop-certificates?expiringWithinDays=90&limit=200')
    ).items;
    const pageToday = vietnamToday();
    expect(charts.certificatesExpiring.datasets[0].data).toEqual(
      [30, 60, 90].map((b) => expiring.filter((c) => expiryBucket(c.validUntil, pageToday) === b).length),
    );
    expect(charts.certificatesExpiring.datasets[0].data).toEqual([1, 0, 0]);
    const expiringRow = await page.textContent('[data-table="expiring"] tbody tr');
    expect(expiringRow).toContain('Trà móc câu đặc biệt');
    const validUntil = expiring[0].validUntil;
    expect(expiringRow).toContain(
      `${validUntil.slice(8, 10)}/${validUntil.slice(5, 7)}/${validUntil.slice(0, 4)}`,
    );
    await review(page, 'province');

    // an officer opens a producer from the growth table
    await page.click(`[data-table="topProducers"] a[href="#/producer/${teaHouse.coop.id}"]`);
    await shown(page, 'producer');
    expect(await page.getAttribute('h1[data-producer]', 'data-producer')).toBe(teaHouse.coop.id);
    const producerCharts = await drawnCharts(page);
    const producerSales = await get(`/v1/metrics/cooperatives/${teaHouse.coop.id}/sales?granularity=month`);
    for (const [marketplace, label] of [
      ['sendo', 'Sendo'],
      ['voso', 'Voso'],
      ['postmart', 'Postmart'],
    ]) {
      expect(series(producerCharts.producerSales, label)).toEqual(
        producerSales.series.map(
          (p: { byMarketplace: Record<string, number> }) => p.byMarketplace[marketplace],
        ),
      );
    }
    const producerGrowth = await get(`/v1/metrics/cooperatives/${teaHouse.coop.id}/growth`);
    expect(producerGrowth.current.revenueVnd).toBe(540_000);
    expect(producerGrowth.previous.revenueVnd).toBe(180_000);
    expect(producerCharts.producerGrowth.datasets[0].data).toEqual([180_000, 540_000]);
    expect(await page.textContent('[data-kpi="growth"] strong')).toBe('+200 %');
    expect(producerCharts.listingHealth.datasets[0].data).toEqual([3, 0, 0, 1]);
    expect(await page.textContent('[data-table="listingProblems"]')).toContain(refusedListingError);
    const products = await page.textContent('[data-table="products"]');
    expect(products).toContain('4★');
    expect(products).toMatch(/Còn hiệu lực đến \d{2}\/\d{2}\/\d{4}/);
    expect(await page.locator('[data-table="connections"] tbody tr').count()).toBe(3);
    await review(page, 'producer');

    await noSecretInUrls(opened);
    // nothing failed but the first look for a session, before signing in
    expect(opened.failures).toEqual([expect.stringMatching(/^401 GET .*\/v1\/me$/)]);
    await opened.close();
  });

  it('on a phone the overview fits the screen width', async () => {
    const opened = await tab(PHONE);
    const { page } = opened;
    await signIn(page, api, people.officer);
    await shown(page, 'province');
    expect(await wider(page)).toEqual([]);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    // every chart still has room to draw
    for (const width of await page.$$eval('canvas[data-chart]', (all) => all.map((c) => c.clientWidth))) {
      expect(width).toBeGreaterThan(200);
    }
    await opened.close();
  });

  it('an admin sees sync health per marketplace and the way to the queue dashboard', async () => {
    const opened = await tab();
    const { page } = opened;
    await signIn(page, api, people.admin);
    await shown(page, 'province');
    await page.click('nav.menu a[href="#/sync"]');
    await shown(page, 'sync');
    const charts = await drawnCharts(page);
    const health = await get('/v1/operations/sync-health', api.adminKey);
    expect(charts.syncListings.labels).toEqual([
      'Sendo',
      'Voso',
      'Postmart',
      'Shopee',
      'TikTok Shop',
      'Lazada',
    ]);
    expect(series(charts.syncListings, 'Lỗi (error)')).toEqual([1, 0, 0, 0, 0, 0]);
    expect(series(charts.syncListings, 'Đã đồng bộ (synced)')).toEqual(
      health.marketplaces.map((m: { counts: { synced: number } }) => m.counts.synced),
    );
    expect(series(charts.webhookActivity, 'Nhận (received)')).toEqual(
      health.marketplaces.map((m: { webhooks: { received: number } }) => m.webhooks.received),
    );
    expect(await page.getAttribute('[data-link="queues"]', 'href')).toBe('/admin/queues');
    expect(await page.textContent('[data-table="errors"]')).toContain(refusedListingError);
    await review(page, 'sync');
    await noSecretInUrls(opened);
    await opened.close();
  });

  it('a cooperative’s staff see their own report and never another producer’s, on any page', async () => {
    const opened = await tab();
    const { page } = opened;
    await signIn(page, api, people.noodleMaker, '#/products');
    await page.click(`nav.menu a[href="#/producer/${noodles.coop.id}"]`);
    await shown(page, 'producer');
    expect(await page.getAttribute('h1[data-producer]', 'data-producer')).toBe(noodles.coop.id);
    expect(await page.locator('#producer-picker').count()).toBe(0);
    const own = await drawnCharts(page);
    expect(own.producerGrowth.datasets[0].data).toEqual([100_000, 200_000]);

    await go(page, `#/producer/${teaHouse.coop.id}`);
    await shown(page, 'producer');
    expect(await page.getAttribute('.error-note', 'data-status')).toBe('404');
    expect(await page.textContent('body')).not.toContain(teaHouse.coop.body.name);
    expect(await drawnCharts(page)).toEqual({});
    await review(page, 'producer-refused');

    // the pages a cooperative may not use are not offered, and their URLs say so
    expect(await page.locator('nav.menu a[href="#/province"], nav.menu a[href="#/sync"]').count()).toBe(0);
    for (const hash of ['#/province', '#/sync']) {
      await go(page, hash);
      await shown(page, 'not-offered');
      expect(await page.getAttribute('.error-note', 'data-status')).toBe('403');
      expect(await drawnCharts(page)).toEqual({});
    }
    // the session is an httpOnly cookie: nothing of it is kept in storage or put in a URL
    await noSecretInUrls(opened);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0);
    await opened.close();
  });
});
