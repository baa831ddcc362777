import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: a spreadsheet import is previewed, then applied. The preview is kept here between the
 * two requests: what each row would do (the answer the page shows), the changes to make, and the
 * catalogue's values the preview was computed from, so that applying can refuse when they moved.
 * A preview expires (an hour) and is applied at most once; expired rows are only history and may
 * be deleted at any time.
 */
export class CatalogueImports1764455000000 implements MigrationInterface {
  name = 'CatalogueImports1764455000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE catalogue_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
        actor_kind text CHECK (actor_kind IN ('key', 'user')),
        actor_id uuid,
        actor_name text,
        preview jsonb NOT NULL,
        plan jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        applied_at timestamptz
      )`);
    await q.query(`CREATE INDEX catalogue_imports_expiry ON catalogue_imports (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE catalogue_imports`);
  }
}
