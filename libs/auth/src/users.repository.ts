import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, Repository } from 'typeorm';
import { Page, PageQuery } from '@ocop/common';
import { byCreation, fetchPage } from '@ocop/database';
import { User, UserInvite } from './people.entities';
import type { Role } from './principal';

/** A person as an admin creates them: with a password already, or with none until an invitation. */
export type NewUser = Pick<User, 'email' | 'name' | 'role' | 'cooperativeId' | 'passwordHash' | 'disabledAt'>;

/** What a change of a person writes: the name if given, and always the role and producer. */
export type UserChanges = Pick<User, 'role' | 'cooperativeId'> & Partial<Pick<User, 'name' | 'disabledAt'>>;

/** An invitation as it is stored: only the SHA-256 of its token. */
export type NewInvitation = Pick<UserInvite, 'userId' | 'tokenHash' | 'createdAt' | 'expiresAt'>;

/** People's accounts and their invitations, as UsersService and SessionsService read and write them. */
@Injectable()
export class UserStore {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** Stores a new person in the caller's transaction; a taken email fails its unique index (23505). */
  async add(manager: EntityManager, user: NewUser): Promise<User> {
    return manager.save(this.users.create(user));
  }

  /** A page of people, newest first. */
  async page(query: PageQuery): Promise<Page<User>> {
    const { rows, nextCursor } = await fetchPage(this.users.createQueryBuilder('u'), query, byCreation);
    return { items: rows, nextCursor };
  }

  async byId(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  /**
   * The people who are not disabled and hold one of `roles` (the cooperative role: only people of
   * `cooperativeId`), read with `manager` so a caller's transaction sees its own changes; oldest first.
   */
  async activeWithRoles(manager: EntityManager, roles: Role[], cooperativeId?: string): Promise<User[]> {
    return manager.find(User, {
      where: roles.map((role) => ({
        role,
        disabledAt: IsNull(),
        ...(role === 'cooperative' ? { cooperativeId } : {}),
      })),
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async byIds(ids: string[]): Promise<User[]> {
    return this.users.find({ where: { id: In(ids) } });
  }

  /** `email` trimmed and lower-cased, as it is stored. */
  async byEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email } });
  }

  /** The person, locked until the caller's transaction ends; null if there is none. */
  async lock(manager: EntityManager, id: string): Promise<User | null> {
    return manager.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async saveChanges(manager: EntityManager, id: string, changes: UserChanges): Promise<void> {
    await manager.update(User, { id }, changes);
  }

  /** In the caller's transaction when `manager` is given. */
  async setPasswordHash(id: string, passwordHash: string, manager?: EntityManager): Promise<void> {
    if (manager) await manager.update(User, { id }, { passwordHash });
    else await this.users.update({ id }, { passwordHash });
  }

  /** Whether an invitation of this token hash is unused and unexpired at `now`. */
  async invitationOpen(tokenHash: string, now: Date): Promise<boolean> {
    const [open] = await this.users.manager.query(
      'SELECT 1 FROM user_invites WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2',
      [tokenHash, now],
    );
    return Boolean(open);
  }

  /**
   * Marks the invitation used, if it is open and its person is not disabled, and answers that
   * person's id; undefined otherwise. The UPDATE decides between two concurrent attempts.
   */
  async useInvitation(manager: EntityManager, tokenHash: string, now: Date): Promise<string | undefined> {
    const [row]: { user_id: string }[] = await manager.query(
      `WITH used AS (
         UPDATE user_invites i SET used_at = $2
         FROM users u
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2
           AND u.id = i.user_id AND u.disabled_at IS NULL
         RETURNING i.user_id
       )
       SELECT user_id FROM used`,
      [tokenHash, now],
    );
    return row?.user_id;
  }

  /** Stores the person's invitation in place of any earlier one: one open invitation per person. */
  async replaceInvitation(manager: EntityManager, invitation: NewInvitation): Promise<void> {
    await manager.delete(UserInvite, { userId: invitation.userId });
    await manager.insert(UserInvite, { ...invitation, usedAt: null });
  }
}
