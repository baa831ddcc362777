import { MigrationInterface, QueryRunner } from 'typeorm';

/** OCOP assessments and certificates, the OCOP badge on products, and the domain-event outbox. */
export class OcopRatings1764310000000 implements MigrationInterface {
  name = 'OcopRatings1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ocop_assessments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES products (id),
        cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
        part_a numeric(5, 2) NOT NULL,
        part_b numeric(5, 2) NOT NULL,
        part_c numeric(5, 2) NOT NULL,
        total numeric(5, 2) NOT NULL,
        stars smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
        mandatory_criteria_met boolean NOT NULL,
        level text NOT NULL CHECK (level IN ('district', 'province', 'central')),
        decision_no text NOT NULL,
        decided_at date NOT NULL,
        valid_until date,
        status text NOT NULL CHECK (status IN ('active', 'expired', 'superseded', 'revoked', 'not_certified')),
        revoked_reason text,
        revoked_at timestamptz(3),
        superseded_by uuid REFERENCES ocop_assessments (id) DEFERRABLE INITIALLY DEFERRED,
        created_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((status = 'not_certified') = (valid_until IS NULL))
      )`);
    // At most one active certificate per product, whatever races between officers.
    await q.query(
      `CREATE UNIQUE INDEX ocop_one_active_per_product ON ocop_assessments (product_id) WHERE status = 'active'`,
    );
    await q.query(`CREATE INDEX ocop_by_product ON ocop_assessments (product_id, decided_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ocop_page ON ocop_assessments (decided_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX ocop_active_expiry ON ocop_assessments (valid_until) WHERE status = 'active'`,
    );
    await q.query(`CREATE INDEX ocop_by_cooperative ON ocop_assessments (cooperative_id, decided_at DESC)`);

    await q.query(
      `ALTER TABLE products ADD COLUMN ocop_certificate_id uuid, ADD COLUMN ocop_stars smallint, ADD COLUMN ocop_valid_until date`,
    );
    await q.query(
      `CREATE INDEX products_ocop_stars ON products (ocop_stars, ocop_valid_until) WHERE ocop_stars IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE domain_events (
        id bigserial PRIMARY KEY,
        type text NOT NULL,
        aggregate_id uuid NOT NULL,
        payload jsonb NOT NULL,
        occurred_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz(3)
      )`);
    await q.query(`CREATE INDEX domain_events_unpublished ON domain_events (id) WHERE published_at IS NULL`);
    await q.query(`CREATE INDEX domain_events_by_aggregate ON domain_events (aggregate_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS domain_events`);
    await q.query(
      `ALTER TABLE products DROP COLUMN ocop_certificate_id, DROP COLUMN ocop_stars, DROP COLUMN ocop_valid_until`,
    );
    await q.query(`DROP TABLE IF EXISTS ocop_assessments`);
  }
}
