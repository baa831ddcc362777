import type { Marketplace } from '@ocop/marketplaces';

/**
 * Some listings of these connections now lag (their desired version moved, or they may have work
 * waiting), announced in the transaction that made them lag. Whoever drives the sync enqueues the
 * connections' work after the commit; if nobody does, the sync reconciler finds the lagging
 * listings in PostgreSQL, so no handler is required.
 */
export class ListingsBumped {
  constructor(readonly connectionIds: string[]) {}
}

/**
 * A shop's connection moved to another cooperative, in the transfer's transaction: what other
 * contexts keep per connection for its old holder must go in that same transaction (the orders
 * context forgets its order cursor, or the new holder would never be sent the shop's older
 * orders). A process that can transfer without that handler loaded refuses to.
 */
export class ConnectionTransferred {
  static readonly mustBeHandled = 'in-transaction';

  constructor(readonly connectionId: string) {}
}

/**
 * A connection turned auth_failed: its marketplace refused the stored credentials, or its address
 * is no longer one the connector may call. Published in the transaction of the transition, once
 * per episode (a connection already auth_failed is not announced again; one that recovered and
 * fails again is). The notifications context tells the producer's people.
 */
export class ConnectionAuthFailed {
  constructor(
    readonly connectionId: string,
    readonly cooperativeId: string,
    readonly marketplace: Marketplace,
    readonly shopId: string,
    readonly reason: string,
    /** when the connection turned auth_failed: tells one episode from the next */
    readonly at: Date,
  ) {}
}
