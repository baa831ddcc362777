import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import { User, UserSession } from './people.entities';

/** A session as it is opened: only the SHA-256 of its token is stored. */
export type NewSession = Pick<UserSession, 'userId' | 'tokenHash' | 'createdAt' | 'lastSeenAt' | 'expiresAt'>;

/** A session with its person, as the guard checks them on each request. */
export interface SessionOfPerson {
  session: UserSession;
  user: User;
}

/** The signed-in browsers' sessions, as SessionsService opens, checks and ends them. */
@Injectable()
export class SessionStore {
  constructor(@InjectRepository(UserSession) private readonly sessions: Repository<UserSession>) {}

  /** Deletes the person's sessions past their absolute end (`now`) or idle since before `idleSince`. */
  async sweepEnded(userId: string, now: Date, idleSince: Date): Promise<void> {
    await this.sessions.delete({ userId, expiresAt: LessThan(now) });
    await this.sessions
      .createQueryBuilder()
      .delete()
      .where('user_id = :userId AND last_seen_at < :idleSince', { userId, idleSince })
      .execute();
  }

  async add(session: NewSession): Promise<void> {
    await this.sessions.insert(session);
  }

  /** The session of this token hash and its person; undefined when there is none. */
  async withPerson(tokenHash: string): Promise<SessionOfPerson | undefined> {
    const found = await this.sessions
      .createQueryBuilder('s')
      .innerJoinAndMapOne('s.user', User, 'u', 'u.id = s.user_id')
      .where('s.token_hash = :hash', { hash: tokenHash })
      .getOne();
    if (!found) return undefined;
    return { session: found, user: (found as UserSession & { user: User }).user };
  }

  async touch(id: string, lastSeenAt: Date): Promise<void> {
    await this.sessions.update({ id }, { lastSeenAt });
  }

  async end(id: string): Promise<void> {
    await this.sessions.delete({ id });
  }

  /** Ends every session of the person, in the caller's transaction. */
  async endAllOf(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(UserSession, { userId });
  }
}
