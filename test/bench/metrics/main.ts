/**
 * Benchmark of the sales reports (issue 7, "Benchmarks"): a million order lines across 500
 * producers and two years; latency of the province report, the OCOP uplift report (with its
 * control groups, issue 15) and one producer's monthly series over HTTP against the API process,
 * warm, beside a plain GROUP BY over the order lines answering the same question, timed the same
 * way in the same run. The uplift report is also timed cold, from an API that reads its controls'
 * sales for every report (UPLIFT_CONTROLS_TTL_SECONDS=0). The baseline
 * runs straight through a pg pool, so its figure is database time only (no HTTP, no JSON, no
 * report assembly): that favours the baseline. Each report's answer is also checked against it.
 *
 * Run: npm run bench:metrics
 * Sizes: BENCH_LINES (1000000), BENCH_PRODUCERS (500), BENCH_DAYS (730), BENCH_SAMPLES (50)
 * BENCH_KEEP_DATA=1 reuses the data set a previous run left in the database when it is the size
 * asked for (the figures are then measured on it, and the generation time is not printed).
 */
import { BENCH_ENV } from '../support/env';
import { Client, Pool } from 'pg';
import { addDays } from '@ocop/common';
import { environmentSchema, loadEnvironment } from '../../../config/environment';
import { metricsContext, rebuildMetrics } from '../../../apps/cli/src/rebuild-metrics';
import { adjustedUplift, DISTRICT_CONTROLS_MIN, growthPct, SalesMetrics } from '@ocop/metrics';
import { migrate } from '@ocop/database';
import { freshDatabase } from '../../support/database';
import { spawnBenchApi, type BenchProcess } from '../support/processes';
import { generateDataSet, measureDataSet, type DataSetSize } from './dataset';
import { CERTIFICATE_UPLIFT_WITH_CONTROLS, PRODUCER_MONTHS, PROVINCE_REVENUE } from './plain-queries';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 500);
const DAYS = Number(process.env.BENCH_DAYS ?? 730);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 50);
const WARM_UP = 5;
const ROUNDS = 2;
const UPLIFT_WINDOW_DAYS = 90; // the report's default
const TARGET_P95_MS = 200;
const TARGET_RATIO = 20;
const API_PORT = 3931;
/** An API that reads the uplift controls' sales for every report: the cold figure. */
const COLD_API_PORT = 3932;
const COLD_SAMPLES = 10;
/** The uplift baseline runs for seconds: fewer calls of it (per round: warm-up, then timed). */
const SLOW_PLAIN = { warmUp: 1, samples: 2 };

// a database and queue prefix of its own: the data set is costly to make, and other benchmarks
// drop and recreate ocop_bench
const ENV: Record<string, string> = {
  ...BENCH_ENV,
  DATABASE_URL:
    process.env.BENCH_METRICS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ocop_bench_metrics',
  QUEUE_PREFIX: '{ocop-bench-metrics}',
};
Object.assign(process.env, ENV);

const log = (line: string) => console.log(line);
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

interface Latency {
  p50: number;
  p95: number;
  max: number;
  n: number;
}

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), max: at(1), n: sorted.length };
}

/**
 * `rollup` and `plain` in ROUNDS rounds, each a run of the one then of the other: WARM_UP calls
 * untimed, then SAMPLES / ROUNDS timed. Runs, not alternate calls: a plain query reads the order
 * tables through the server's small shared buffers (128 MB, shared with other work) and would
 * evict the roll-ups before every report call, so neither would be measured warm. Several rounds,
 * so that both meet the load of whatever else runs on the machine at about the same times.
 */
async function timedPair<R, P>(
  rollup: () => Promise<R>,
  plain: () => Promise<P>,
  inProcess: () => Promise<unknown> = async () => undefined,
  plainRuns = { warmUp: WARM_UP, samples: SAMPLES / ROUNDS },
): Promise<{ rollup: Latency; plain: Latency; inProcess: Latency; rollupAnswer: R; plainAnswer: P }> {
  const run = async <T>(
    call: () => Promise<T>,
    samples: number[],
    runs = { warmUp: WARM_UP, samples: SAMPLES / ROUNDS },
  ): Promise<T> => {
    let answer = await call();
    for (let i = 1; i < runs.warmUp; i += 1) answer = await call();
    for (let i = 0; i < runs.samples; i += 1) {
      const t0 = performance.now();
      answer = await call();
      samples.push(performance.now() - t0);
    }
    return answer;
  };
  const rollupSamples: number[] = [];
  const plainSamples: number[] = [];
  const inProcessSamples: number[] = [];
  let rollupAnswer = undefined as R;
  let plainAnswer = undefined as P;
  for (let round = 0; round < ROUNDS; round += 1) {
    rollupAnswer = await run(rollup, rollupSamples);
    await run(inProcess, inProcessSamples);
    plainAnswer = await run(plain, plainSamples, plainRuns);
  }
  return {
    rollup: latency(rollupSamples),
    plain: latency(plainSamples),
    inProcess: latency(inProcessSamples),
    rollupAnswer,
    plainAnswer,
  };
}

/** A report over HTTP, timed until its whole body has arrived; parsed after. */
function report(path: string): () => Promise<any> {
  return async () => {
    const res = await fetch(`http://127.0.0.1:${API_PORT}${path}`, {
      headers: { authorization: `Bearer ${ENV.ADMIN_API_KEY}` },
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text;
  };
}

/** Mismatches between two answers keyed alike; both sides' zero entries count as absent. */
function differences(rollup: Map<string, number>, plain: Map<string, number>): string[] {
  const keys = new Set([...rollup.keys(), ...plain.keys()]);
  return [...keys]
    .filter((key) => (rollup.get(key) ?? 0) !== (plain.get(key) ?? 0))
    .map((key) => `${key}: roll-up ${rollup.get(key) ?? 0}, plain ${plain.get(key) ?? 0}`);
}

async function prepareDataSet(): Promise<{ size: DataSetSize; prepared: Record<string, number> | null }> {
  const plan = { producers: PRODUCERS, lines: LINES, days: DAYS };
  if (process.env.BENCH_KEEP_DATA === '1') {
    const client = new Client({ connectionString: ENV.DATABASE_URL });
    const kept = await client
      .connect()
      .then(() => measureDataSet(client))
      .catch(() => null)
      .finally(() => client.end());
    if (kept && kept.lines === LINES && kept.producers === PRODUCERS) {
      // migrations added since the data set was made apply to it as they would to a live database
      const applied = await migrate(ENV.DATABASE_URL);
      if (applied.length > 0) {
        log(`applied to the kept data set: ${applied.join(', ')}`);
        const vacuum = new Client({ connectionString: ENV.DATABASE_URL });
        await vacuum.connect();
        await vacuum.query('VACUUM ANALYZE').finally(() => vacuum.end());
      }
      return { size: kept, prepared: null };
    }
    log('no kept data set of that size: making one');
  }
  const t0 = performance.now();
  await freshDatabase(ENV.DATABASE_URL);
  const migrated = seconds(t0);
  const client = new Client({ connectionString: ENV.DATABASE_URL });
  await client.connect();
  try {
    const t1 = performance.now();
    await generateDataSet(client, plan, Buffer.from(ENV.CREDENTIALS_KEY, 'base64'));
    const generated = seconds(t1);
    const t2 = performance.now();
    // the service's own rebuild (what `rebuild-metrics` runs)
    await rebuildMetrics(loadEnvironment(environmentSchema));
    const rebuilt = seconds(t2);
    const t3 = performance.now();
    // what autovacuum would have done by the time anyone reads reports: statistics and the
    // visibility map (index-only scans) for every table, roll-ups and order lines alike
    await client.query('VACUUM ANALYZE');
    const vacuumed = seconds(t3);
    return {
      size: await measureDataSet(client),
      prepared: { migrated, generated, rebuilt, vacuumed, total: seconds(t0) },
    };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const { size, prepared } = await prepareDataSet();
  log(
    `data set: ${size.lines} order lines (${size.countedLines} of orders that count) in ${size.orders} orders, ` +
      `${size.producers} producers, ${size.products} products, ${size.skus} SKUs, ${size.certificates} ` +
      `certificates; ${size.days} days with orders, ${size.from} .. ${size.to}`,
  );
  if (prepared)
    log(
      `  made in ${prepared.total} s: schema ${prepared.migrated} s, generation ${prepared.generated} s, ` +
        `roll-up rebuild (SalesRollups.rebuild) ${prepared.rebuilt} s, VACUUM ANALYZE ${prepared.vacuumed} s`,
    );
  else log('  kept from an earlier run (BENCH_KEEP_DATA=1)');

  const pool = new Pool({ connectionString: ENV.DATABASE_URL, max: 2, application_name: 'bench-baseline' });
  const context = await metricsContext(loadEnvironment(environmentSchema));
  const metrics = context.get(SalesMetrics);
  let api: BenchProcess | undefined;
  try {
    const [rollupRows] = (
      await pool.query(
        `SELECT (SELECT count(*) FROM sales_producer_days)::int AS producer_days,
                (SELECT count(*) FROM sales_product_days)::int AS product_days,
                (SELECT count(*) FROM sales_producer_months)::int AS producer_months,
                ((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text AS today`,
      )
    ).rows;
    log(
      `roll-ups: ${rollupRows.producer_days} producer-days, ${rollupRows.producer_months} producer-months, ` +
        `${rollupRows.product_days} product-days ` +
        `(rows per marketplace)`,
    );
    const today: string = rollupRows.today;
    // the busiest producer (most roll-up rows: the slowest series) and a middling one
    const ranked: { cooperative_id: string; lines: number }[] = (
      await pool.query(
        `SELECT o.cooperative_id, count(*)::int AS lines FROM orders o JOIN order_lines l ON l.order_id = o.id
         GROUP BY 1 ORDER BY 2 DESC, 1`,
      )
    ).rows;
    const busiest = ranked[0];
    const middling = ranked[Math.floor(ranked.length / 2)];

    api = await spawnBenchApi({ ...ENV, PORT: String(API_PORT) });
    const rows: {
      name: string;
      rollup: Latency;
      inProcess: Latency;
      plain: Latency;
      mismatches: string[];
    }[] = [];

    // province: revenue by district and by marketplace over the year ending today
    {
      const from = addDays(today, -364);
      const pair = await timedPair(
        report('/v1/metrics/province'),
        () => pool.query(PROVINCE_REVENUE, [from, today]),
        () => metrics.province({}),
      );
      const body = JSON.parse(pair.rollupAnswer);
      const byDistrict = new Map<string, number>();
      const byMarketplace = new Map<string, number>();
      for (const row of pair.plainAnswer.rows) {
        const revenue = Number(row.revenue_vnd);
        byDistrict.set(
          `district ${row.district}`,
          (byDistrict.get(`district ${row.district}`) ?? 0) + revenue,
        );
        byMarketplace.set(
          `marketplace ${row.marketplace}`,
          (byMarketplace.get(`marketplace ${row.marketplace}`) ?? 0) + revenue,
        );
      }
      const reported = new Map<string, number>([
        ...body.byDistrict.map((d: any) => [`district ${d.district}`, d.revenueVnd] as [string, number]),
        ...Object.entries(body.channelMix).map(
          ([m, v]) => [`marketplace ${m}`, v as number] as [string, number],
        ),
      ]);
      rows.push({
        name: 'province report (revenue by district and marketplace, 365 days)',
        rollup: pair.rollup,
        inProcess: pair.inProcess,
        plain: pair.plain,
        mismatches: differences(reported, new Map([...byDistrict, ...byMarketplace])),
      });
    }

    // OCOP uplift: each certificate's revenue in the 90 days before and from its decision, and
    // its control group's; warm (the controls' sales panel held, UPLIFT_CONTROLS_TTL_SECONDS 60)
    let upliftCold: Latency | undefined;
    {
      const pair = await timedPair(
        report(`/v1/metrics/ocop-uplift?windowDays=${UPLIFT_WINDOW_DAYS}`),
        () => pool.query(CERTIFICATE_UPLIFT_WITH_CONTROLS, [UPLIFT_WINDOW_DAYS, today]),
        () => metrics.ocopUplift({ windowDays: UPLIFT_WINDOW_DAYS }),
        SLOW_PLAIN,
      );
      const body = JSON.parse(pair.rollupAnswer);
      const reported = new Map<string, number>();
      const computed = new Map<string, number>();
      const scopes = { district: 0, category: 1, none: 2 } as const;
      for (const i of body.items) {
        reported.set(`${i.certificateId} before`, i.beforeRevenueVnd);
        reported.set(`${i.certificateId} after`, i.afterRevenueVnd);
        reported.set(`${i.certificateId} controls`, i.controls.n);
        reported.set(`${i.certificateId} scope`, scopes[(i.controls.scope ?? 'none') as keyof typeof scopes]);
        reported.set(`${i.certificateId} controls before`, i.controls.beforeRevenueVnd);
        reported.set(`${i.certificateId} controls after`, i.controls.afterRevenueVnd);
        reported.set(`${i.certificateId} adjusted`, i.adjustedUpliftPct ?? NaN);
      }
      for (const row of pair.plainAnswer.rows) {
        const local = row.local_n >= DISTRICT_CONTROLS_MIN;
        const n = local ? row.local_n : row.n;
        const before = Number(local ? row.local_before : row.controls_before);
        const after = Number(local ? row.local_after : row.controls_after);
        const controls = {
          n,
          scope: n === 0 ? null : local ? ('district' as const) : ('category' as const),
          beforeRevenueVnd: before,
          afterRevenueVnd: after,
          changePct: growthPct(before, after),
          reason: n === 0 ? 'none' : null,
        };
        computed.set(`${row.id} before`, Number(row.before));
        computed.set(`${row.id} after`, Number(row.after));
        computed.set(`${row.id} controls`, n);
        computed.set(`${row.id} scope`, scopes[controls.scope ?? 'none']);
        computed.set(`${row.id} controls before`, before);
        computed.set(`${row.id} controls after`, after);
        computed.set(
          `${row.id} adjusted`,
          adjustedUplift(Number(row.before), Number(row.after), controls).adjustedUpliftPct ?? NaN,
        );
      }
      rows.push({
        name:
          `OCOP uplift report with controls (${body.items.length} certificates, ${UPLIFT_WINDOW_DAYS}-day ` +
          `windows; controls' sales held in memory, warm)`,
        rollup: pair.rollup,
        inProcess: pair.inProcess,
        plain: pair.plain,
        // NaN (no adjusted figure) on both sides is agreement
        mismatches: differences(reported, computed).filter((m) => !m.includes('roll-up NaN, plain NaN')),
      });

      // cold: an API that reads the controls' sales for every report, as the first call after
      // the panel's time is up does
      const cold = await spawnBenchApi({
        ...ENV,
        PORT: String(COLD_API_PORT),
        UPLIFT_CONTROLS_TTL_SECONDS: '0',
      });
      try {
        const call = async () => {
          const res = await fetch(
            `http://127.0.0.1:${COLD_API_PORT}/v1/metrics/ocop-uplift?windowDays=${UPLIFT_WINDOW_DAYS}`,
            { headers: { authorization: `Bearer ${ENV.ADMIN_API_KEY}` } },
          );
          await res.text();
        };
        for (let i = 0; i < WARM_UP; i += 1) await call();
        const samples: number[] = [];
        for (let i = 0; i < COLD_SAMPLES; i += 1) {
          const t0 = performance.now();
          await call();
          samples.push(performance.now() - t0);
        }
        upliftCold = latency(samples);
      } finally {
        await cold.stop();
      }
    }

    // one producer's monthly series over the whole period
    for (const [label, producer] of [
      ['busiest', busiest],
      ['middling', middling],
    ] as const) {
      const path =
        `/v1/metrics/cooperatives/${producer.cooperative_id}/sales` +
        `?granularity=month&from=${size.from}&to=${today}`;
      const pair = await timedPair(
        report(path),
        () => pool.query(PRODUCER_MONTHS, [producer.cooperative_id, size.from, today]),
        () =>
          metrics.sales({}, producer.cooperative_id, { granularity: 'month', from: size.from, to: today }),
      );
      const body = JSON.parse(pair.rollupAnswer);
      const reported = new Map<string, number>();
      const computed = new Map<string, number>();
      for (const entry of body.series) {
        reported.set(`${entry.period} revenue`, entry.revenueVnd);
        reported.set(`${entry.period} units`, entry.units);
        reported.set(`${entry.period} orders`, entry.orders);
        for (const [marketplace, revenue] of Object.entries(entry.byMarketplace))
          reported.set(`${entry.period} ${marketplace}`, revenue as number);
      }
      const add = (key: string, value: number) => computed.set(key, (computed.get(key) ?? 0) + value);
      for (const row of pair.plainAnswer.rows) {
        add(`${row.period} revenue`, Number(row.revenue_vnd));
        add(`${row.period} units`, Number(row.units));
        add(`${row.period} orders`, Number(row.orders));
        add(`${row.period} ${row.marketplace}`, Number(row.revenue_vnd));
      }
      rows.push({
        name: `producer monthly series, ${label} producer (${producer.lines} lines, ${body.series.length} months)`,
        rollup: pair.rollup,
        inProcess: pair.inProcess,
        plain: pair.plain,
        mismatches: differences(reported, computed),
      });
    }

    // the floor under every report: one authenticated row over HTTP from the same API process
    const floor = await timedPair(report(`/v1/cooperatives/${middling.cooperative_id}`), () =>
      pool.query('SELECT * FROM cooperatives WHERE id = $1', [middling.cooperative_id]),
    );

    log(
      `\nwarm latency, ${SAMPLES} calls one after another in ${ROUNDS} runs each, alternating the variants, ` +
        `${WARM_UP} warm-up calls before each run.\n` +
        `  over HTTP = the API process (whole answer received): what a client waits for;\n` +
        `  in-process = the SalesMetrics service in this process (all of the report's queries and its ` +
        `assembly, no HTTP): the roll-up path, set against\n` +
        `  plain = a GROUP BY over orders/order_lines through a pg pool, database time only. The ` +
        `20× target is judged in-process against plain, both without HTTP, at p95 (and p50 beside).`,
    );
    log(
      `API floor, GET /v1/cooperatives/:id (one row by primary key): p50 ${floor.rollup.p50} ms, ` +
        `p95 ${floor.rollup.p95} ms; the same row through the pool: p50 ${floor.plain.p50} ms`,
    );
    if (upliftCold)
      log(
        `OCOP uplift report, cold (controls' sales read for each report, UPLIFT_CONTROLS_TTL_SECONDS=0), ` +
          `${COLD_SAMPLES} calls over HTTP: p50 ${upliftCold.p50} ms, p95 ${upliftCold.p95} ms, max ${upliftCold.max} ms`,
      );
    const times = (x: number, y: number) => Math.round((x / y) * 10) / 10;
    const summary = rows.map((row) => {
      const ratioP95 = times(row.plain.p95, row.inProcess.p95);
      const ratioP50 = times(row.plain.p50, row.inProcess.p50);
      log(`${row.name}`);
      log(
        `  over HTTP:  p50 ${row.rollup.p50} ms, p95 ${row.rollup.p95} ms, max ${row.rollup.max} ms   ` +
          `target p95 < ${TARGET_P95_MS} ms: ${row.rollup.p95 < TARGET_P95_MS ? 'met' : 'MISSED'}`,
      );
      log(
        `  in-process: p50 ${row.inProcess.p50} ms, p95 ${row.inProcess.p95} ms, max ${row.inProcess.max} ms`,
      );
      log(`  plain:      p50 ${row.plain.p50} ms, p95 ${row.plain.p95} ms, max ${row.plain.max} ms`);
      log(
        `  plain / in-process: ${ratioP95}× at p95, ${ratioP50}× at p50   target ≥ ${TARGET_RATIO}×: ` +
          `${ratioP95 >= TARGET_RATIO ? 'met' : 'MISSED'}; plain / over HTTP: ` +
          `${times(row.plain.p95, row.rollup.p95)}× at p95, ${times(row.plain.p50, row.rollup.p50)}× at p50`,
      );
      log(
        `  answers agree: ${row.mismatches.length === 0 ? 'yes' : `NO, ${row.mismatches.length} differ, e.g. ${row.mismatches.slice(0, 3).join('; ')}`}`,
      );
      return {
        report: row.name,
        overHttp: row.rollup,
        inProcess: row.inProcess,
        plain: row.plain,
        ratioP95,
        ratioP50,
        agree: row.mismatches.length === 0,
      };
    });
    log(
      JSON.stringify({
        metrics: {
          dataSet: size,
          prepared,
          reports: summary,
          apiFloor: floor.rollup,
          upliftColdOverHttp: upliftCold,
          targetP95Ms: TARGET_P95_MS,
          targetRatio: TARGET_RATIO,
        },
        totalSeconds: seconds(started),
      }),
    );
  } finally {
    await api?.stop();
    await context.close();
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
