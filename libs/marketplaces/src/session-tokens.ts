import { MarketplaceError } from './port';

/**
 * Session tokens cached in memory per connection (Sendo's 8 h JWT, Voso's 24 h token). Concurrent
 * calls for one connection share a single login, so a burst of pushes never trips Sendo's
 * five-logins-a-second limit. Tokens are renewed a little before their lifetime ends; a token the
 * marketplace refuses earlier (its clock, a shorter TTL) is forgotten and replaced by the adapter.
 */
export class SessionTokens {
  private readonly tokens = new Map<string, { token: string; renewAt: number }>();
  private readonly logins = new Map<string, Promise<string>>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
    private readonly renewMarginMs = Math.min(5 * 60_000, lifetimeMs / 10),
  ) {}

  /**
   * `login` may say how long its token lives (e.g. read from a JWT), when the marketplace issues
   * shorter tokens than the default lifetime.
   */
  async get(
    key: string,
    login: () => Promise<string | { token: string; lifetimeMs?: number }>,
  ): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached && cached.renewAt > this.now()) return cached.token;
    const running = this.logins.get(key);
    if (running) return running;
    const attempt = (async () => {
      try {
        const issued = await login();
        const { token, lifetimeMs } =
          typeof issued === 'string' ? { token: issued, lifetimeMs: undefined } : issued;
        const lifetime =
          lifetimeMs !== undefined && lifetimeMs > 0
            ? Math.min(lifetimeMs, this.lifetimeMs)
            : this.lifetimeMs;
        const margin = Math.min(this.renewMarginMs, lifetime / 10);
        this.tokens.set(key, { token, renewAt: this.now() + lifetime - margin });
        return token;
      } finally {
        this.logins.delete(key);
      }
    })();
    this.logins.set(key, attempt);
    return attempt;
  }

  /** Drops a refused token, unless a concurrent call has already replaced it with a fresh one. */
  forget(key: string, token: string): void {
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }
}

/**
 * One call made with a session token (Sendo, Voso). A refused token (401) went stale — the
 * marketplace's clock, a shorter lifetime — so log in again once and repeat once; refused again
 * right after a fresh login is the marketplace's trouble, not the credentials' (the login just
 * accepted them): retryable.
 */
export async function callWithSessionToken<T>(
  tokens: SessionTokens,
  key: string,
  login: Parameters<SessionTokens['get']>[1],
  send: (token: string) => Promise<{ failure?: MarketplaceError; value?: T }>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const token = await tokens.get(key, login);
    const { failure, value } = await send(token);
    if (!failure) return value as T;
    if (failure.kind !== 'auth' || failure.options.status !== 401) throw failure;
    tokens.forget(key, token);
    if (attempt >= 1) {
      throw new MarketplaceError('retryable', `${failure.message} (again after a fresh login)`, {
        ...failure.options,
        code: 'token_refused',
      });
    }
  }
}
