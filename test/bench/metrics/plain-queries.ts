/**
 * The baseline of the metrics benchmark: each report's question answered by a plain GROUP BY over
 * orders and order lines, written as one would without the roll-ups (placement ranges on the
 * indexed placed_at, the same counted statuses and Vietnam calendar days as API.md).
 */

/** Midnight opening a Vietnam calendar day, as an instant comparable with placed_at. */
const vietnamMidnight = (date: string) => `((${date})::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`;
const COUNTED = `o.status NOT IN ('cancelled', 'returned')`;

/** Province report's revenue: by district and marketplace over [$1, $2]. */
export const PROVINCE_REVENUE = `
  SELECT c.district, o.marketplace, SUM(l.quantity * l.unit_price_vnd)::text AS revenue_vnd
  FROM orders o
  JOIN order_lines l ON l.order_id = o.id
  JOIN cooperatives c ON c.id = o.cooperative_id
  WHERE ${COUNTED}
    AND o.placed_at >= ${vietnamMidnight('$1::date')} AND o.placed_at < ${vietnamMidnight('$2::date + 1')}
  GROUP BY c.district, o.marketplace`;

/**
 * OCOP uplift: for each certificate ever issued whose after-window ended by $2, the product's
 * revenue in the $1 days before its decision date and the $1 days from it.
 */
export const CERTIFICATE_UPLIFT = `
  SELECT a.id,
         COALESCE(SUM(s.revenue) FILTER (WHERE s.placed_at < ${vietnamMidnight('a.decided_at')}), 0)::text AS before,
         COALESCE(SUM(s.revenue) FILTER (WHERE s.placed_at >= ${vietnamMidnight('a.decided_at')}), 0)::text AS after
  FROM ocop_assessments a
  LEFT JOIN LATERAL (
    SELECT o.placed_at, l.quantity * l.unit_price_vnd AS revenue
    FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE l.product_id = a.product_id AND ${COUNTED}
      AND o.placed_at >= ${vietnamMidnight('a.decided_at - $1::int')}
      AND o.placed_at < ${vietnamMidnight('a.decided_at + $1::int')}
  ) s ON true
  WHERE a.status <> 'not_certified' AND a.decided_at + $1::int <= $2::date
  GROUP BY a.id`;

/** One producer's monthly series by marketplace over [$2, $3]. */
export const PRODUCER_MONTHS = `
  SELECT to_char(o.placed_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM') AS period, o.marketplace,
         SUM(l.quantity * l.unit_price_vnd)::text AS revenue_vnd, SUM(l.quantity)::text AS units,
         COUNT(DISTINCT o.id)::text AS orders
  FROM orders o JOIN order_lines l ON l.order_id = o.id
  WHERE o.cooperative_id = $1 AND ${COUNTED}
    AND o.placed_at >= ${vietnamMidnight('$2::date')} AND o.placed_at < ${vietnamMidnight('$3::date + 1')}
  GROUP BY 1, 2`;

/**
 * OCOP uplift with controls (docs/ocop.md, "How uplift is measured"), as one query over the order
 * lines and the catalogue: for each certificate whose after-window ended by $2, the product's
 * revenue in the $1 days before its decision and the $1 days from it, and the pooled revenue of
 * its controls (products of its category certified on no day of either window that sold in the
 * first), those of its district apart. The daily revenue of every product is summed into running
 * totals over the span once, so each window is two lookups, as the report's panel does: written the
 * plain way, a join of every certificate and candidate to their days, it ran for minutes.
 */
export const CERTIFICATE_UPLIFT_WITH_CONTROLS = `
  WITH certs AS (
    SELECT a.id, a.product_id, a.decided_at AS d, p.category, c.district_folded
    FROM ocop_assessments a
    JOIN products p ON p.id = a.product_id
    JOIN cooperatives c ON c.id = p.cooperative_id
    WHERE a.status <> 'not_certified' AND a.decided_at + $1::int <= $2::date
  ), span AS (
    SELECT min(d) - $1::int AS first, max(d) + $1::int AS until FROM certs
  ), coverage AS (
    SELECT product_id, decided_at AS f,
           LEAST(valid_until, (revoked_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1) AS t
    FROM ocop_assessments WHERE status <> 'not_certified' AND valid_until IS NOT NULL
  ), daily AS (
    SELECT l.product_id, (o.placed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
           SUM(l.quantity * l.unit_price_vnd) AS revenue
    FROM orders o JOIN order_lines l ON l.order_id = o.id, span
    WHERE ${COUNTED} AND o.placed_at >= ${vietnamMidnight('span.first')}
      AND o.placed_at < ${vietnamMidnight('span.until')}
    GROUP BY 1, 2
  ), running AS (
    SELECT p.id AS product_id, g.day::date AS day,
           COALESCE(SUM(d.revenue) OVER (PARTITION BY p.id ORDER BY g.day
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS upto
    FROM products p CROSS JOIN span
    CROSS JOIN LATERAL generate_series(span.first, span.until, interval '1 day') g(day)
    LEFT JOIN daily d ON d.product_id = p.id AND d.day = g.day::date
  ), windows AS (
    SELECT c.id, c.product_id, c.d, c.district_folded, q.id AS other, k.district_folded AS other_district,
           r2.upto - r1.upto AS before, r3.upto - r2.upto AS after
    FROM certs c
    JOIN products q ON q.category = c.category
    JOIN cooperatives k ON k.id = q.cooperative_id
    JOIN running r1 ON r1.product_id = q.id AND r1.day = c.d - $1::int
    JOIN running r2 ON r2.product_id = q.id AND r2.day = c.d
    JOIN running r3 ON r3.product_id = q.id AND r3.day = c.d + $1::int
  ), controls AS (
    SELECT w.id, count(*) AS n, SUM(w.before) AS before, SUM(w.after) AS after,
           count(*) FILTER (WHERE w.other_district = w.district_folded) AS local_n,
           COALESCE(SUM(w.before) FILTER (WHERE w.other_district = w.district_folded), 0) AS local_before,
           COALESCE(SUM(w.after) FILTER (WHERE w.other_district = w.district_folded), 0) AS local_after
    FROM windows w
    WHERE w.other <> w.product_id AND w.before > 0
      AND NOT EXISTS (SELECT 1 FROM coverage v
                      WHERE v.product_id = w.other AND v.f < w.d + $1::int AND v.t >= w.d - $1::int)
    GROUP BY w.id
  )
  SELECT own.id, own.before::text, own.after::text, COALESCE(g.n, 0)::int AS n,
         COALESCE(g.before, 0)::text AS controls_before, COALESCE(g.after, 0)::text AS controls_after,
         COALESCE(g.local_n, 0)::int AS local_n, COALESCE(g.local_before, 0)::text AS local_before,
         COALESCE(g.local_after, 0)::text AS local_after
  FROM windows own LEFT JOIN controls g ON g.id = own.id
  WHERE own.other = own.product_id`;
