import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from './principal';

/** A person who signs in (API keys remain for machines). */
@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** trimmed and lower-cased before it is stored or looked up */
  @Column() email: string;
  @Column() name: string;
  @Column({ type: 'text' }) role: Role;
  @Column({ name: 'cooperative_id', type: 'uuid', nullable: true }) cooperativeId: string | null;
  /** scrypt with its salt and parameters (passwords.ts); null until an invitation is accepted */
  @Column({ name: 'password_hash', type: 'text', nullable: true }) passwordHash: string | null;
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true }) disabledAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

/** A signed-in browser. Only the SHA-256 of its token is kept. */
@Entity('user_sessions')
export class UserSession {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'token_hash' }) tokenHash: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt: Date;
  /** the absolute end (SESSION_MAX_DAYS after sign-in), whatever the activity */
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
}

/** A one-time link where a person sets a password. Only the SHA-256 of its token is kept. */
@Entity('user_invites')
export class UserInvite {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'token_hash' }) tokenHash: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true }) usedAt: Date | null;
}

export const peopleEntities = [User, UserSession, UserInvite];

/** A person as the API shows them: never a password, hash or token. */
export function userView(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    cooperativeId: user.cooperativeId,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}
export type UserView = ReturnType<typeof userView>;
