/**
 * Benchmark of the spreadsheet import's preview (issue 14: "2,000 rows preview in under 3 s"): a
 * 2,000-row .xlsx (1,000 SKUs the cooperative has, half of them with a new price, and 1,000 new
 * SKUs in 100 new products) posted to POST /v1/catalogue/imports of the API running as its own
 * process, timed from the request to the answer. The baseline printed beside it is exceljs alone
 * reading the same file in this process, timed the same way in the same run: the part of the
 * preview no code of ours can shorten. The time to apply the same preview is printed too.
 *
 * Run: npm run bench:catalogue-import    Sizes: BENCH_IMPORT_ROWS (2000), BENCH_SAMPLES (7)
 */
import { BENCH_ENV } from '../support/env';
import ExcelJS from 'exceljs';
import { freshDatabase } from '../../support/database';
import { spawnBenchApi, type BenchProcess } from '../support/processes';
import { type Cell, workbook, XLSX } from '../../support/spreadsheets';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 2000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7);
const TARGET_MS = 3000;
const API_PORT = 3941;

const ENV: Record<string, string> = {
  ...BENCH_ENV,
  DATABASE_URL:
    process.env.BENCH_IMPORT_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ocop_bench_import',
  QUEUE_PREFIX: '{ocop-bench-import}',
  PORT: String(API_PORT),
};
Object.assign(process.env, ENV);

const log = (line: string) => console.log(line);
const url = `http://127.0.0.1:${API_PORT}`;

async function call(method: string, path: string, key: string, body?: unknown, raw?: Buffer) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (raw) headers['content-type'] = XLSX;
  else if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url + path, {
    method,
    headers,
    body: (raw ?? (body === undefined ? undefined : JSON.stringify(body))) as RequestInit['body'],
  });
  const answer = (await res.json()) as any;
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** `rows` catalogue rows: SKU i of product ⌊i/10⌋, priced `price(i)`. */
async function sheet(rows: number, from: number, price: (i: number) => number): Promise<Buffer> {
  const lines: Cell[][] = [];
  for (let i = from; i < from + rows; i += 1) {
    lines.push([
      `Mật ong rừng Tây Bắc loại ${Math.floor(i / 10)}`,
      'honey',
      'Mật ong hoa rừng, thu hoạch mùa xuân, đóng chai thủy tinh',
      `https://cdn.example.vn/mat-ong/${Math.floor(i / 10)}.jpg\nhttps://cdn.example.vn/mat-ong/${Math.floor(i / 10)}-2.jpg`,
      `MO-${String(i).padStart(5, '0')}`,
      `Chai ${250 + (i % 4) * 250}ml`,
      price(i),
      250 + (i % 4) * 250,
      i % 50,
      2,
      'Đang bán',
    ]);
  }
  return workbook(lines);
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${Math.round(median)} ms, min ${Math.round(sorted[0]!)} ms, max ${Math.round(sorted.at(-1)!)} ms (n=${sorted.length})`;
}

async function main(): Promise<void> {
  await freshDatabase(ENV.DATABASE_URL!);
  let api: BenchProcess | undefined;
  try {
    api = await spawnBenchApi(ENV);
    const admin = ENV.ADMIN_API_KEY!;
    const coop = await call('POST', '/v1/cooperatives', admin, {
      name: 'HTX mật ong Tây Bắc (benchmark)',
      kind: 'cooperative',
      province: 'Sơn La',
      commune: 'Mộc Châu',
    });
    const { key } = await call('POST', '/v1/api-keys', admin, {
      role: 'cooperative',
      cooperativeId: coop.id,
    });

    // the cooperative already has half the file's SKUs
    const existing = Math.floor(ROWS / 2);
    const seeded = await call(
      'POST',
      '/v1/catalogue/imports',
      key,
      undefined,
      await sheet(existing, 0, () => 150000),
    );
    await call('POST', `/v1/catalogue/imports/${seeded.id}/apply`, key);

    // the file: those SKUs, every other one with a new price, then as many new ones
    const file = await sheet(ROWS, 0, (i) => (i < existing && i % 2 === 0 ? 165000 : 150000));
    log(
      `catalogue import preview, ${ROWS} rows (${existing} existing SKUs, ${ROWS - existing} new), ${Math.round(file.length / 1024)} KiB`,
    );

    const preview: number[] = [];
    const baseline: number[] = [];
    let last: any;
    // one of each untimed, then alternately, so both meet the machine's load at about the same times
    await call('POST', '/v1/catalogue/imports', key, undefined, file);
    await new ExcelJS.Workbook().xlsx.load(file as unknown as ArrayBuffer);
    for (let i = 0; i < SAMPLES; i += 1) {
      let t0 = performance.now();
      last = await call('POST', '/v1/catalogue/imports', key, undefined, file);
      preview.push(performance.now() - t0);
      t0 = performance.now();
      await new ExcelJS.Workbook().xlsx.load(file as unknown as ArrayBuffer);
      baseline.push(performance.now() - t0);
    }
    const counts = last.counts;
    if (
      counts.new !== ROWS - existing ||
      counts.changed !== Math.ceil(existing / 2) ||
      counts.refused !== 0
    ) {
      throw new Error(`unexpected preview: ${JSON.stringify(counts)}`);
    }
    log(`  preview over HTTP (read, check, compare, store): ${summary(preview)}`);
    log(`  baseline, exceljs alone reading the same file:  ${summary(baseline)}`);
    const median = [...preview].sort((a, b) => a - b)[Math.floor(preview.length / 2)]!;
    log(`  target: under ${TARGET_MS} ms → ${median < TARGET_MS ? 'met' : 'NOT met'}`);

    const t0 = performance.now();
    await call('POST', `/v1/catalogue/imports/${last.id}/apply`, key);
    log(`  apply of that preview in one transaction: ${Math.round(performance.now() - t0)} ms`);
  } finally {
    await api?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
