import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import { Clock, Conflict, ConnectorConfig, NotFound, Page, ValidationFailed } from '@ocop/common';
import { Transactions } from '@ocop/database';
import { hashKey } from './api-keys.service';
import { hashPassword, parametersWithCost } from './passwords';
import type { CreateUserBody, UpdateUserBody, UserListQuery } from './people.dto';
import { User, userView, type UserView } from './people.entities';
import type { Role } from './principal';
import { SessionStore } from './sessions.repository';
import { UserStore } from './users.repository';

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

/** Who a notice goes to: people of these roles, of this producer when one is named. */
export interface Audience {
  roles: Role[];
  cooperativeId?: string;
}

/** A person as another context addresses them (a notice, its e-mail). */
export interface Addressee {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** a disabled person is sent nothing more */
  disabled: boolean;
}

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
    private readonly users: UserStore,
    private readonly sessions: SessionStore,
    private readonly transactions: Transactions,
    private readonly config: ConnectorConfig,
    private readonly clock: Clock,
  ) {}

  private hashParameters() {
    return parametersWithCost(this.config.passwordScryptLn);
  }

  async create(body: CreateUserBody): Promise<CreatedUser> {
    assertCooperativeFits(body.role, body.cooperativeId ?? null);
    const passwordHash =
      body.password === undefined ? null : await hashPassword(body.password, this.hashParameters());
    try {
      return await this.transactions.run(async (manager) => {
        const user = await this.users.add(manager, {
          email: body.email,
          name: body.name,
          role: body.role,
          cooperativeId: body.cooperativeId ?? null,
          passwordHash,
          disabledAt: null,
        });
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
    const { items, nextCursor } = await this.users.page(query);
    return { items: items.map(userView), nextCursor };
  }

  async get(id: string): Promise<UserView> {
    return userView(await this.find(id));
  }

  async findByEmail(email: string): Promise<User | null> {
    return this.users.byEmail(email.trim().toLowerCase());
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
        const user = await this.users.lock(manager, id);
        if (!user) throw new NotFound('No such person');
        const role = body.role ?? user.role;
        // leaving the cooperative role leaves the producer behind; joining it needs one
        const cooperativeId = body.cooperativeId ?? (role === 'cooperative' ? user.cooperativeId : null);
        if (body.cooperativeId !== undefined && role !== 'cooperative') {
          throw new ValidationFailed([{ field: 'cooperativeId', message: 'is only for a cooperative user' }]);
        }
        assertCooperativeFits(role, cooperativeId);
        await this.users.saveChanges(manager, id, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          role,
          cooperativeId,
          ...(body.disabled === undefined
            ? {}
            : { disabledAt: body.disabled ? (user.disabledAt ?? this.clock.now()) : null }),
        });
        if (body.disabled) await this.sessions.endAllOf(manager, id);
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
    if (!(await this.users.invitationOpen(hashKey(token), now))) throw new NotFound(INVITATION_NOT_VALID);
    const passwordHash = await hashPassword(password, this.hashParameters());
    const userId = await this.transactions.run(async (manager) => {
      const invited = await this.users.useInvitation(manager, hashKey(token), now);
      if (!invited) {
        throw new NotFound(INVITATION_NOT_VALID);
      }
      await this.users.setPasswordHash(invited, passwordHash, manager);
      await this.sessions.endAllOf(manager, invited);
      return invited;
    });
    return this.find(userId);
  }

  /**
   * The people an audience names who may still sign in, in the caller's transaction (a notice is
   * written in the transaction of its cause). Cooperative people only with a producer named.
   */
  async audience(manager: EntityManager, audience: Audience): Promise<Addressee[]> {
    if (audience.roles.includes('cooperative') && audience.cooperativeId === undefined) {
      throw new Error('An audience of cooperative people names their cooperative');
    }
    const people = await this.users.activeWithRoles(manager, audience.roles, audience.cooperativeId);
    return people.map(addressee);
  }

  /** These people as a notice's e-mail addresses them; unknown ids are absent. */
  async addressees(ids: string[]): Promise<Map<string, Addressee>> {
    if (ids.length === 0) return new Map();
    return new Map((await this.users.byIds([...new Set(ids)])).map((user) => [user.id, addressee(user)]));
  }

  async find(id: string): Promise<User> {
    const found = await this.users.byId(id);
    if (!found) throw new NotFound('No such person');
    return found;
  }

  private async newInvitation(manager: EntityManager, userId: string): Promise<Invitation> {
    const token = newToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + INVITE_VALID_DAYS * DAY_MS);
    // one open invitation per person: the newest
    await this.users.replaceInvitation(manager, {
      userId,
      tokenHash: hashKey(token),
      createdAt: now,
      expiresAt,
    });
    return {
      // the token rides in the fragment, which browsers send to no server and put in no Referer
      inviteUrl: `${this.config.publicBaseUrl}/app/#/invite/${token}`,
      expiresAt: expiresAt.toISOString(),
    };
  }
}

function addressee(user: User): Addressee {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabledAt !== null,
  };
}

function assertCooperativeFits(role: string, cooperativeId: string | null): void {
  if ((role === 'cooperative') !== (cooperativeId !== null)) {
    throw new ValidationFailed([
      { field: 'cooperativeId', message: 'is required for a cooperative user and only for one' },
    ]);
  }
}
