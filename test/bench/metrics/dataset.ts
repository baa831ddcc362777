import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { addDays, addMonths, foldVietnamese, SeededRandom } from '@ocop/common';
import { sealCredentials } from '../../../libs/channels/src/credentials';

/**
 * The metrics benchmark's data set: producers across Thái Nguyên's nine pre-2025 district-level
 * units, a few products each (mostly tea), SKUs, OCOP assessments decided over the period, one
 * connection per producer and marketplace, and orders with their lines over `days` days ending
 * today (Asia/Ho_Chi_Minh). The catalogue is made here with a seeded generator (a few thousand
 * rows); orders and lines in SQL with generate_series, since a million lines through the
 * connector's own import would take hours and measure the import, not the reports.
 */
export interface DataSetPlan {
  producers: number;
  lines: number;
  days: number;
}

export interface DataSetSize {
  producers: number;
  products: number;
  skus: number;
  certificates: number;
  orders: number;
  lines: number;
  countedLines: number;
  days: number;
  from: string;
  to: string;
}

/** District, weight (tea districts hold most producers), and a few of its real communes. */
const DISTRICTS: [string, number, string[]][] = [
  ['Đại Từ', 5, ['La Bằng', 'Hoàng Nông', 'Phú Xuyên', 'Khôi Kỳ', 'Minh Tiến']],
  ['TP Thái Nguyên', 4, ['Tân Cương', 'Phúc Xuân', 'Phúc Trìu', 'Quyết Thắng']],
  ['Định Hóa', 3, ['Bảo Cường', 'Phú Đình', 'Điềm Mặc', 'Trung Hội', 'Kim Phượng']],
  ['Phú Lương', 3, ['Phấn Mễ', 'Tức Tranh', 'Yên Ninh', 'Vô Tranh']],
  ['Đồng Hỷ', 3, ['Minh Lập', 'Sông Cầu', 'Hóa Thượng', 'Văn Hán']],
  ['TP Phổ Yên', 2, ['Vạn Phái', 'Minh Đức', 'Thành Công']],
  ['TP Sông Công', 1, ['Bình Sơn', 'Vinh Sơn', 'Tân Quang']],
  ['Phú Bình', 2, ['Kha Sơn', 'Tân Đức', 'Điềm Thụy']],
  ['Võ Nhai', 1, ['Tràng Xá', 'La Hiên', 'Phú Thượng']],
];
const KINDS = ['cooperative', 'cooperative', 'cooperative', 'household', 'enterprise', 'cooperative_group'];
const KIND_NAMES: Record<string, string> = {
  cooperative: 'HTX',
  household: 'Hộ kinh doanh',
  enterprise: 'Công ty TNHH',
  cooperative_group: 'Tổ hợp tác',
};
/** Non-tea categories of config/reference/categories.json sold by Thái Nguyên's producers. */
const OTHER_CATEGORIES: [string, string][] = [
  ['rice', 'Gạo nếp'],
  ['noodles', 'Miến dong'],
  ['honey', 'Mật ong'],
  ['mushrooms', 'Nấm hương'],
  ['fruit_vegetables', 'Na'],
  ['meat_products', 'Giò'],
  ['confectionery', 'Bánh chưng'],
  ['herbal', 'Trà hoa vàng'],
];
const TEA_NAMES = ['Chè búp', 'Trà móc câu', 'Trà nõn tôm', 'Chè đinh', 'Trà xanh'];
const MARKETPLACES = ['sendo', 'voso', 'postmart'] as const;
/** OCOP.md, ocop.json levelRules: the deciding level changed on 2025-07-06 for 3 stars. */
const levelOf = (stars: number, decided: string) =>
  stars === 5 ? 'central' : stars === 4 || decided >= '2025-07-06' ? 'province' : 'district';

interface Product {
  id: string;
  cooperativeId: string;
  producer: number;
  name: string;
  category: string;
}

interface Assessment {
  id: string;
  productId: string;
  cooperativeId: string;
  stars: number;
  total: number;
  decidedAt: string;
  validUntil: string | null;
  status: 'active' | 'superseded' | 'not_certified';
  supersededBy: string | null;
}

/** Makes the data set in the (freshly migrated) database `client` is connected to. */
export async function generateDataSet(
  client: Client,
  plan: DataSetPlan,
  credentialsKey: Buffer,
): Promise<DataSetSize> {
  const random = new SeededRandom(20261128);
  const [{ today }] = (
    await client.query<{ today: string }>(
      `SELECT ((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text AS today`,
    )
  ).rows;
  const first = addDays(today, -(plan.days - 1));
  // generation only: bigger sorts and hashes in memory for this session, no waiting on the WAL flush
  await client.query(`SET work_mem = '64MB'`);
  await client.query(`SET synchronous_commit = off`);

  const weighted = DISTRICTS.flatMap((d) => Array.from({ length: d[1] }, () => d));
  const producers = Array.from({ length: plan.producers }, (_, n) => {
    const [district, , communes] = random.pick(weighted);
    const commune = random.pick(communes);
    const kind = random.pick(KINDS);
    const teaGrower = random.next() < 0.7;
    const name = `${KIND_NAMES[kind]} ${teaGrower ? 'chè' : 'nông sản'} ${commune} ${n + 1}`;
    return { id: randomUUID(), n: n + 1, name, kind, district, commune, teaGrower };
  });
  await client.query(
    `INSERT INTO cooperatives (id, name, kind, province, district, commune, search_text, district_folded)
     SELECT id, name, kind, 'Thái Nguyên', district, commune, search_text, district_folded
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
       AS p(id, name, kind, district, commune, search_text, district_folded)`,
    [
      producers.map((p) => p.id),
      producers.map((p) => p.name),
      producers.map((p) => p.kind),
      producers.map((p) => p.district),
      producers.map((p) => p.commune),
      producers.map((p) => foldVietnamese(`${p.name} ${p.commune} ${p.district}`)),
      producers.map((p) => foldVietnamese(p.district)),
    ],
  );

  const products: Product[] = [];
  const skus: { id: string; productId: string; producer: number; code: string; price: number }[] = [];
  for (const producer of producers) {
    const count = random.int(2, 6);
    for (let i = 0; i < count; i += 1) {
      const tea = producer.teaGrower ? random.next() < 0.85 : random.next() < 0.3;
      const [category, base] = tea ? ['tea', random.pick(TEA_NAMES)] : random.pick(OTHER_CATEGORIES);
      const product: Product = {
        id: randomUUID(),
        cooperativeId: producer.id,
        producer: producer.n,
        name: `${base} ${producer.commune} ${i + 1}`,
        category,
      };
      products.push(product);
      const price = (tea ? random.int(12, 60) : random.int(5, 30)) * 10_000;
      for (let j = 0; j < random.int(1, 2); j += 1) {
        skus.push({
          id: randomUUID(),
          productId: product.id,
          producer: producer.n,
          code: `B${producer.n}-${i + 1}-${j + 1}`,
          price: price * (j + 1),
        });
      }
    }
  }
  await client.query(
    `INSERT INTO products (id, cooperative_id, name, category, search_text)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])`,
    [
      products.map((p) => p.id),
      products.map((p) => p.cooperativeId),
      products.map((p) => p.name),
      products.map((p) => p.category),
      products.map((p) => foldVietnamese(p.name)),
    ],
  );
  await client.query(
    `INSERT INTO skus (id, product_id, cooperative_id, code, name, price_vnd, weight_grams, on_hand)
     SELECT s.id, s.product_id, p.cooperative_id, s.code, 'Hộp ' || s.grams || 'g', s.price, s.grams, 1000
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::int[]) AS s(id, product_id, code, price, grams)
     JOIN products p ON p.id = s.product_id`,
    [
      skus.map((s) => s.id),
      skus.map((s) => s.productId),
      skus.map((s) => s.code),
      skus.map((s) => s.price),
      skus.map((s) => (s.code.endsWith('-2') ? 500 : 250)),
    ],
  );

  // OCOP: about 45% of products certified, decided on any day of the period; some re-rated a
  // year on (the first certificate superseded), a few assessed below 3 stars
  const assessments: Assessment[] = [];
  const span = plan.days;
  for (const product of products) {
    const draw = random.next();
    if (draw < 0.05) {
      assessments.push({
        id: randomUUID(),
        productId: product.id,
        cooperativeId: product.cooperativeId,
        stars: 2,
        total: random.int(30, 49),
        decidedAt: addDays(first, random.int(0, span - 1)),
        validUntil: null,
        status: 'not_certified',
        supersededBy: null,
      });
      continue;
    }
    if (draw > 0.5) continue;
    const starDraw = random.next();
    const stars = starDraw < 0.55 ? 3 : starDraw < 0.95 ? 4 : 5;
    const total = stars === 5 ? random.int(90, 96) : stars === 4 ? random.int(70, 89) : random.int(50, 69);
    const decidedAt = addDays(first, random.int(0, span - 1));
    const current: Assessment = {
      id: randomUUID(),
      productId: product.id,
      cooperativeId: product.cooperativeId,
      stars,
      total,
      decidedAt,
      validUntil: addMonths(decidedAt, 36),
      status: 'active',
      supersededBy: null,
    };
    const earliest = addDays(decidedAt, -400);
    if (stars > 3 && earliest >= first && random.next() < 0.25) {
      const earlier = addDays(decidedAt, -random.int(300, 400));
      assessments.push({
        ...current,
        id: randomUUID(),
        stars: 3,
        total: random.int(50, 69),
        decidedAt: earlier,
        validUntil: addMonths(earlier, 36),
        status: 'superseded',
        supersededBy: current.id,
      });
    }
    assessments.push(current);
  }
  await client.query(
    `INSERT INTO ocop_assessments (id, product_id, cooperative_id, part_a, part_b, part_c, total, stars,
       mandatory_criteria_met, level, decision_no, decided_at, valid_until, status, superseded_by)
     SELECT id, product_id, cooperative_id, round(total * 0.4, 2), round(total * 0.25, 2),
            total - round(total * 0.4, 2) - round(total * 0.25, 2), total, stars, stars >= 3, level,
            (1000 + n) || '/QĐ-UBND', decided_at, valid_until, status, superseded_by
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::numeric[], $5::smallint[], $6::text[],
                 $7::date[], $8::date[], $9::text[], $10::uuid[]) WITH ORDINALITY
       AS a(id, product_id, cooperative_id, total, stars, level, decided_at, valid_until, status, superseded_by, n)`,
    [
      assessments.map((a) => a.id),
      assessments.map((a) => a.productId),
      assessments.map((a) => a.cooperativeId),
      assessments.map((a) => a.total),
      assessments.map((a) => a.stars),
      assessments.map((a) => levelOf(a.stars, a.decidedAt)),
      assessments.map((a) => a.decidedAt),
      assessments.map((a) => a.validUntil),
      assessments.map((a) => a.status),
      assessments.map((a) => a.supersededBy),
    ],
  );
  await client.query(
    `UPDATE products p SET ocop_certificate_id = a.id, ocop_stars = a.stars, ocop_valid_until = a.valid_until
     FROM ocop_assessments a WHERE a.product_id = p.id AND a.status = 'active'`,
  );

  // one shop per producer and marketplace; the worker does not run, so no marketplace is called
  const connections = producers.flatMap((p) =>
    MARKETPLACES.map((marketplace) => {
      const shopId = `bench-${p.n}`;
      return {
        id: randomUUID(),
        producer: p.n,
        cooperativeId: p.id,
        marketplace,
        shopId,
        sealed: sealCredentials(credentialsKey, `${marketplace}:${shopId}`, {
          apiKey: randomBytes(12).toString('hex'),
        }),
      };
    }),
  );
  await client.query(
    `INSERT INTO connections (id, cooperative_id, marketplace, shop_id, base_url, credentials_sealed)
     SELECT id, cooperative_id, marketplace, shop_id, 'http://127.0.0.1:9', sealed
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])
       AS c(id, cooperative_id, marketplace, shop_id, sealed)`,
    [
      connections.map((c) => c.id),
      connections.map((c) => c.cooperativeId),
      connections.map((c) => c.marketplace),
      connections.map((c) => c.shopId),
      connections.map((c) => c.sealed),
    ],
  );

  // what the order generator picks from: each producer's SKUs numbered 0..n-1, with the first day
  // its product was certified (null if never)
  const certifiedFrom = new Map<string, string>();
  for (const a of assessments)
    if (a.status !== 'not_certified' && (certifiedFrom.get(a.productId) ?? '9999') > a.decidedAt)
      certifiedFrom.set(a.productId, a.decidedAt);
  const skuIndex = new Map<number, number>();
  await client.query(`CREATE TEMP TABLE bench_skus (producer int, k int, sku_id uuid, product_id uuid,
                        code text, price bigint, certified_from date, PRIMARY KEY (producer, k))`);
  await client.query(
    `INSERT INTO bench_skus SELECT * FROM unnest($1::int[], $2::int[], $3::uuid[], $4::uuid[], $5::text[],
                                                 $6::bigint[], $7::date[])`,
    [
      skus.map((s) => s.producer),
      skus.map((s) => {
        const k = skuIndex.get(s.producer) ?? 0;
        skuIndex.set(s.producer, k + 1);
        return k;
      }),
      skus.map((s) => s.id),
      skus.map((s) => s.productId),
      skus.map((s) => s.code),
      skus.map((s) => s.price),
      skus.map((s) => certifiedFrom.get(s.productId) ?? null),
    ],
  );
  await client.query(`CREATE TEMP TABLE bench_producers (producer int PRIMARY KEY, cooperative_id uuid,
                        skus int, sendo uuid, voso uuid, postmart uuid)`);
  const shop = (n: number, m: string) =>
    connections.find((c) => c.producer === n && c.marketplace === m)?.id ?? null;
  await client.query(
    `INSERT INTO bench_producers SELECT * FROM unnest($1::int[], $2::uuid[], $3::int[], $4::uuid[],
                                                      $5::uuid[], $6::uuid[])`,
    [
      producers.map((p) => p.n),
      producers.map((p) => p.id),
      producers.map((p) => skuIndex.get(p.n) ?? 0),
      producers.map((p) => shop(p.n, 'sendo')),
      producers.map((p) => shop(p.n, 'voso')),
      producers.map((p) => shop(p.n, 'postmart')),
    ],
  );

  // Orders: 1, 2, 3, 2 lines in turn (two on average); a few producers sell much more than most
  // (producer drawn as P × u^1.5); more orders as the period goes on (day drawn as days × √u);
  // placed between 07:00 and 22:00 Vietnam time; 10% cancelled and 6% returned, the last three
  // days' others still pending to shipped, the rest delivered.
  const orders = Math.ceil(plan.lines / 2);
  await client.query(`SELECT setseed(0.2026)`);
  await client.query(
    `CREATE TEMP TABLE bench_orders AS
     SELECT o.n, gen_random_uuid() AS id, o.producer, o.marketplace, o.placed_at,
            (ARRAY[1, 2, 3, 2])[1 + o.n % 4] AS lines,
            CASE WHEN o.fate < 0.10 THEN 'cancelled' WHEN o.fate < 0.16 THEN 'returned'
                 WHEN o.placed_at > now() - interval '3 days'
                   THEN (ARRAY['pending', 'confirmed', 'shipped'])[1 + floor(random() * 3)::int]
                 ELSE 'delivered' END AS status
     FROM (
       SELECT n, 1 + floor($2::int * power(random(), 1.5))::int AS producer,
              CASE WHEN m < 0.45 THEN 'sendo' WHEN m < 0.75 THEN 'voso' ELSE 'postmart' END AS marketplace,
              LEAST((($3::date + floor($4::int * sqrt(random()))::int) + time '07:00'
                      + random() * interval '15 hours') AT TIME ZONE 'Asia/Ho_Chi_Minh',
                    now() - interval '1 minute') AS placed_at,
              fate
       FROM (SELECT n, random() AS m, random() AS fate FROM generate_series(1, $1::int) n) draws
     ) o`,
    [orders, plan.producers, first, plan.days],
  );
  // A line picks one of its producer's SKUs; an uncertified pick is redrawn 30% of the time, so
  // a product sells more once certified (what the uplift report is there to show).
  await client.query(
    `CREATE TEMP TABLE bench_lines AS
     WITH draws AS MATERIALIZED (
       SELECT o.id AS order_id, g AS line_no, o.producer, o.placed_at,
              floor(random() * p.skus)::int AS first_k, floor(random() * p.skus)::int AS second_k,
              random() AS redraw
       FROM bench_orders o
       JOIN bench_producers p ON p.producer = o.producer
       CROSS JOIN LATERAL generate_series(1, o.lines) g
     ), picks AS MATERIALIZED (
       SELECT d.order_id, d.line_no, d.producer, d.placed_at,
              CASE WHEN f.certified_from <= (d.placed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                     OR d.redraw >= 0.3 THEN d.first_k ELSE d.second_k END AS k
       FROM draws d JOIN bench_skus f ON f.producer = d.producer AND f.k = d.first_k
     )
     SELECT c.order_id, c.line_no, s.sku_id, s.product_id, s.code, s.price,
            1 + floor(power(random(), 3) * 5)::int AS quantity, c.placed_at
     FROM picks c JOIN bench_skus s ON s.producer = c.producer AND s.k = c.k`,
  );
  // rows in the order the connector would have stored them: by placement
  await client.query(
    `INSERT INTO orders (id, cooperative_id, connection_id, marketplace, external_order_id, status,
       marketplace_status, marketplace_updated_at, placed_at, total_vnd, stock_phase, created_at, updated_at)
     SELECT o.id, p.cooperative_id,
            CASE o.marketplace WHEN 'sendo' THEN p.sendo WHEN 'voso' THEN p.voso ELSE p.postmart END,
            o.marketplace, 'B' || o.n, o.status, upper(o.status),
            LEAST(o.placed_at + interval '36 hours', now()), o.placed_at, t.total,
            CASE o.status WHEN 'delivered' THEN 'fulfilled' WHEN 'cancelled' THEN 'released'
                          WHEN 'returned' THEN 'returned' ELSE 'reserved' END,
            LEAST(o.placed_at + interval '1 minute', now()), LEAST(o.placed_at + interval '36 hours', now())
     FROM bench_orders o
     JOIN bench_producers p ON p.producer = o.producer
     JOIN (SELECT order_id, SUM(quantity * price) AS total FROM bench_lines GROUP BY order_id) t
       ON t.order_id = o.id
     ORDER BY o.placed_at`,
  );
  await client.query(
    `INSERT INTO order_lines (order_id, line_no, sku_id, product_id, sku_code, quantity, unit_price_vnd,
       reserved_quantity, fulfilled_quantity)
     SELECT l.order_id, l.line_no, l.sku_id, l.product_id, l.code, l.quantity, l.price,
            CASE WHEN o.status IN ('pending', 'confirmed', 'shipped') THEN l.quantity ELSE 0 END,
            CASE WHEN o.status IN ('delivered', 'returned') THEN l.quantity ELSE 0 END
     FROM bench_lines l JOIN bench_orders o ON o.id = l.order_id
     ORDER BY l.placed_at, l.order_id, l.line_no`,
  );
  await client.query(`DROP TABLE bench_lines, bench_orders, bench_producers, bench_skus`);
  await client.query(`RESET work_mem`);
  await client.query(`RESET synchronous_commit`);
  return measureDataSet(client);
}

/** What the database actually holds (also for a kept data set). */
export async function measureDataSet(client: Client): Promise<DataSetSize> {
  const [row] = (
    await client.query(
      `SELECT (SELECT count(*) FROM cooperatives)::int AS producers,
              (SELECT count(*) FROM products)::int AS products,
              (SELECT count(*) FROM skus)::int AS skus,
              (SELECT count(*) FROM ocop_assessments WHERE status <> 'not_certified')::int AS certificates,
              (SELECT count(*) FROM orders)::int AS orders,
              (SELECT count(*) FROM order_lines)::int AS lines,
              (SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
                 WHERE o.status NOT IN ('cancelled', 'returned'))::int AS counted_lines,
              (SELECT count(DISTINCT (placed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) FROM orders)::int AS days,
              (SELECT min((placed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text FROM orders) AS first,
              (SELECT max((placed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text FROM orders) AS last`,
    )
  ).rows;
  return {
    producers: row.producers,
    products: row.products,
    skus: row.skus,
    certificates: row.certificates,
    orders: row.orders,
    lines: row.lines,
    countedLines: row.counted_lines,
    days: row.days,
    from: row.first,
    to: row.last,
  };
}
