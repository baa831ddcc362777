import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { Clock, Conflict, ConnectorConfig, NotFound, Page, ValidationFailed } from '@ocop/common';
import { byCreation, fetchPage, Transactions } from '@ocop/database';
import { hashKey } from './api-keys.service';
import { hashPassword } from './passwords';
import type { CreateUserBody, UpdateUserBody, UserListQuery } from './people.dto';
import { User, UserInvite, UserSession, userView, type UserView } from './people.entities';

const INVITATION_NOT_VALID =
  'This invitation is not valid: it was used, replaced or has expired. Ask an admin for a new one';

/** An invitation is good for this long, once. */
export const INVITE_VALID_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

export interface Invitation {
  inviteUrl: string;
  expiresAt: string;
}

export type CreatedUser = UserView & { inviteUrl?: string };

/** 32 random bytes: nothing to guess, so their SHA-256 is enough to store (as for API keys). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function driverCode(error: unknown): string | undefined {
  return error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
}

/** People's accounts and their invitations (admins manage them; see the controllers' roles). */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly transactions: Transactions,
    private readonly config: ConnectorConfig,
    private readonly clock: Clock,
  ) {}

  async create(body: CreateUserBody): Promise<CreatedUser> {
    assertCooperativeFits(body.role, body.cooperativeId ?? null);
    const passwordHash = body.password === undefined ? null : await hashPassword(body.password);
    try {
      return await this.transactions.run(async (manager) => {
        const user = await manager.save(
          this.users.create({
            email: body.email,
            name: body.name,
            role: body.role,
            cooperativeId: body.cooperativeId ?? null,
            passwordHash,
            disabledAt: null,
          }),
        );
        if (passwordHash !== null) return userView(user);
        const invitation = await this.newInvitation(manager, user.id);
        return { ...userView(user), inviteUrl: invitation.inviteUrl };
      });
    } catch (error) {
      if (driverCode(error) === '23505') throw new Conflict('A person with this email already exists');
      if (driverCode(error) === '23503') throw new NotFound('No cooperative with that id');
      throw error;
    }
  }

  async list(query: UserListQuery): Promise<Page<UserView>> {
    const { rows, nextCursor } = await fetchPage(this.users.createQueryBuilder('u'), query, byCreation);
    return { items: rows.map(userView), nextCursor };
  }

  async get(id: string): Promise<UserView> {
    return userView(await this.find(id));
  }

  async findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email: email.trim().toLowerCase() } });
  }

  /**
   * Renames, changes the role (and producer), disables or enables. Disabling deletes every
   * session of the person in the same transaction: their cookie fails on its very next request.
   */
  async update(id: string, body: UpdateUserBody): Promise<UserView> {
    try {
      await this.transactions.run(async (manager) => {
        // read under the row lock: two changes at once ({name} and {role, cooperativeId}) must not
        // write back each other's old role and producer
        const user = await manager.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!user) throw new NotFound('No such person');
        const role = body.role ?? user.role;
        // leaving the cooperative role leaves the producer behind; joining it needs one
        const cooperativeId = body.cooperativeId ?? (role === 'cooperative' ? user.cooperativeId : null);
        if (body.cooperativeId !== undefined && role !== 'cooperative') {
          throw new ValidationFailed([{ field: 'cooperativeId', message: 'is only for a cooperative user' }]);
        }
        assertCooperativeFits(role, cooperativeId);
        await manager.update(
          User,
          { id },
          {
            ...(body.name !== undefined ? { name: body.name } : {}),
            role,
            cooperativeId,
            ...(body.disabled === undefined
              ? {}
              : { disabledAt: body.disabled ? (user.disabledAt ?? this.clock.now()) : null }),
          },
        );
        if (body.disabled) await manager.delete(UserSession, { userId: id });
      });
    } catch (error) {
      if (driverCode(error) === '23503') throw new NotFound('No cooperative with that id');
      throw error;
    }
    return this.get(id);
  }

  /** A new invitation for the person (a lost password, an expired link); earlier ones stop working. */
  async invite(id: string): Promise<Invitation> {
    const user = await this.find(id);
    if (user.disabledAt) throw new Conflict('This person is disabled; enable them first');
    return this.transactions.run((manager) => this.newInvitation(manager, id));
  }

  /**
   * Sets the password of an invitation's person and uses the invitation up, in one transaction:
   * the UPDATE that marks it used is also what decides between two concurrent attempts. Sessions
   * the person had end (a new password closes old doors). Answers the person.
   */
  async acceptInvite(token: string, password: string): Promise<User> {
    const now = this.clock.now();
    // a made-up token is refused before the hash: the route is public, and scrypt costs 32 MiB
    const [open] = await this.users.manager.query(
      'SELECT 1 FROM user_invites WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2',
      [hashKey(token), now],
    );
    if (!open) throw new NotFound(INVITATION_NOT_VALID);
    const passwordHash = await hashPassword(password);
    const userId = await this.transactions.run(async (manager) => {
      const [row]: { user_id: string }[] = await manager.query(
        `WITH used AS (
           UPDATE user_invites i SET used_at = $2
           FROM users u
           WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2
             AND u.id = i.user_id AND u.disabled_at IS NULL
           RETURNING i.user_id
         )
         SELECT user_id FROM used`,
        [hashKey(token), now],
      );
      if (!row) {
        throw new NotFound(INVITATION_NOT_VALID);
      }
      await manager.update(User, { id: row.user_id }, { passwordHash });
      await manager.delete(UserSession, { userId: row.user_id });
      return row.user_id;
    });
    return this.find(userId);
  }

  async find(id: string): Promise<User> {
    const found = await this.users.findOne({ where: { id } });
    if (!found) throw new NotFound('No such person');
    return found;
  }

  private async newInvitation(manager: EntityManager, userId: string): Promise<Invitation> {
    const token = newToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + INVITE_VALID_DAYS * DAY_MS);
    // one open invitation per person: the newest
    await manager.delete(UserInvite, { userId });
    await manager.insert(UserInvite, {
      userId,
      tokenHash: hashKey(token),
      createdAt: now,
      expiresAt,
      usedAt: null,
    });
    return {
      // the token rides in the fragment, which browsers send to no server and put in no Referer
      inviteUrl: `${this.config.publicBaseUrl}/app/#/invite/${token}`,
      expiresAt: expiresAt.toISOString(),
    };
  }
}

function assertCooperativeFits(role: string, cooperativeId: string | null): void {
  if ((role === 'cooperative') !== (cooperativeId !== null)) {
    throw new ValidationFailed([
      { field: 'cooperativeId', message: 'is required for a cooperative user and only for one' },
    ]);
  }
}
