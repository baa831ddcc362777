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
