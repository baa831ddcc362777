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
