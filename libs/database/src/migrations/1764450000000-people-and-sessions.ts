import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, "People and sign-in": accounts beside API keys, their sign-in sessions and the
 * one-time invitations where a person sets a password. Owned by libs/auth.
 *
 * Nothing secret is stored in the clear: a password as its scrypt hash with salt and parameters
 * (`$scrypt$ln=…,r=…,p=…$salt$hash`), a session and an invitation as the SHA-256 of their token.
 * Emails are stored normalised (trimmed, lower case), so the unique index is the whole rule.
 */
export class PeopleAndSessions1764450000000 implements MigrationInterface {
  name = 'PeopleAndSessions1764450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE CHECK (email = lower(btrim(email)) AND email <> ''),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'officer', 'cooperative')),
        cooperative_id uuid REFERENCES cooperatives (id),
        password_hash text,
        disabled_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((role = 'cooperative') = (cooperative_id IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE user_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz(3) NOT NULL,
        last_seen_at timestamptz(3) NOT NULL,
        expires_at timestamptz(3) NOT NULL
      )`);
    await q.query(`CREATE INDEX user_sessions_user ON user_sessions (user_id)`);
    await q.query(`
      CREATE TABLE user_invites (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz(3) NOT NULL,
        expires_at timestamptz(3) NOT NULL,
        used_at timestamptz(3)
      )`);
    await q.query(`CREATE INDEX user_invites_user ON user_invites (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS user_invites`);
    await q.query(`DROP TABLE IF EXISTS user_sessions`);
    await q.query(`DROP TABLE IF EXISTS users`);
  }
}
