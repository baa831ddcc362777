import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock, ConnectorConfig, EVERYTHING, RateLimited, Unauthorized } from '@ocop/common';
import { hashKey } from './api-keys.service';
import {
  hashPassword,
  needsRehash,
  parametersWithCost,
  type ScryptParameters,
  verifyPassword,
} from './passwords';
import type { User } from './people.entities';
import type { Principal } from './principal';
import { RateLimits } from './rate-limits';
import { SessionStore } from './sessions.repository';
import { UserStore } from './users.repository';
import { newToken } from './users.service';

export interface StartedSession {
  user: User;
  /** the cookie's value; shown to nobody but the browser */
  token: string;
  expiresAt: Date;
}

const DAY_MS = 24 * 3600 * 1000;

/** One answer for every refused sign-in, so it tells nobody which emails have accounts. */
const REFUSED = 'The email or password is not right';

/**
 * The CSRF token of a session: an HMAC keyed by the session's own token. A page of this origin
 * reads it from GET /v1/me and sends it back as X-CSRF-Token; another site can neither read that
 * answer nor compute it (the cookie is httpOnly), and nothing needs storing.
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('ocop csrf v1').digest('base64url');
}

export function csrfMatches(sessionToken: string, presented: string | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfTokenOf(sessionToken));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

@Injectable()
export class SessionsService {
  private readonly idleMs: number;
  private readonly maxMs: number;
  /** what new hashes get, and what a refusal without a hash is made to cost */
  private readonly passwords: ScryptParameters;

  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionStore,
    private readonly limits: RateLimits,
    private readonly clock: Clock,
    config: ConnectorConfig,
  ) {
    this.idleMs = config.env.SESSION_IDLE_SECONDS * 1000;
    this.maxMs = config.env.SESSION_MAX_DAYS * DAY_MS;
    this.passwords = parametersWithCost(config.passwordScryptLn);
  }

  /**
   * Checks an email and password and opens a session. Every attempt spends one of the email's
   * five tries in 15 minutes, before the password is looked at (so concurrent guesses cannot slip
   * past the count); a success gives the email its tries back. Unknown emails are counted and
   * hashed against alike, so neither the answer, its time nor the 429 tells whether one exists.
   */
  async signIn(email: string, password: string): Promise<StartedSession> {
    const normalised = email.trim().toLowerCase();
    const decision = await this.limits.spend('sign-in', hashKey(normalised));
    if (!decision.allowed) {
      throw new RateLimited(
        'Too many failed sign-ins for this email; try again later',
        decision.retryAfterSeconds,
      );
    }
    const user = await this.users.byEmail(normalised);
    const matches = await verifyPassword(password, user?.passwordHash, this.passwords);
    if (!user || !matches || user.disabledAt !== null) throw new Unauthorized(REFUSED);
    await this.limits.forgive('sign-in', hashKey(normalised));
    if (needsRehash(user.passwordHash!, this.passwords)) {
      await this.users.setPasswordHash(user.id, await hashPassword(password, this.passwords));
    }
    return this.start(user);
  }

  /** Opens a session for a person already proven (a sign-in, an accepted invitation). */
  async start(user: User): Promise<StartedSession> {
    const now = this.clock.now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + this.maxMs);
    // sessions that ended on their own are swept when their person signs in again
    await this.sessions.sweepEnded(user.id, now, new Date(now.getTime() - this.idleMs));
    await this.sessions.add({
      userId: user.id,
      tokenHash: hashKey(token),
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    });
    return { user, token, expiresAt };
  }

  /**
   * The principal of a session cookie, or undefined when the session is unknown, idle too long,
   * past its absolute end, or its person disabled. Reads the person on every request, so a change
   * of role or producer applies at once. The last-seen time is written at most once per
   * (idle time / 10, at most a minute), not on every request.
   */
  async authenticate(token: string): Promise<Principal | undefined> {
    const found = await this.sessions.withPerson(hashKey(token));
    if (!found) return undefined;
    const { session, user } = found;
    const now = this.clock.now();
    if (
      user.disabledAt !== null ||
      session.expiresAt.getTime() <= now.getTime() ||
      now.getTime() - session.lastSeenAt.getTime() >= this.idleMs
    ) {
      await this.sessions.end(session.id);
      return undefined;
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= Math.min(60_000, this.idleMs / 10)) {
      await this.sessions.touch(session.id, now);
    }
    const cooperativeId = user.role === 'cooperative' ? (user.cooperativeId ?? undefined) : undefined;
    return {
      actor: { kind: 'user', id: user.id, name: user.name },
      role: user.role,
      cooperativeId,
      scope: cooperativeId ? Object.freeze({ cooperativeId }) : EVERYTHING,
      session: { id: session.id, csrfToken: csrfTokenOf(token) },
    };
  }

  /** Ends one session: its cookie fails from the next request on. */
  async end(sessionId: string): Promise<void> {
    await this.sessions.end(sessionId);
  }
}
