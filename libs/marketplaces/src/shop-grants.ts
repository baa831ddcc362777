import { type AccessGrant, type GrantKeeper, MarketplaceError, type ShopAccess } from './port';

/**
 * An access token is renewed this long before it ends: a call that set out with it must not reach
 * the marketplace after its last second, and a clock a little ahead of ours must not refuse it.
 */
export const GRANT_RENEW_MARGIN_MS = 5 * 60_000;

/** Whether the grant's access token is too close to its end to set out with. */
export function grantDue(grant: AccessGrant, now: number): boolean {
  return grant.accessExpiresAt.getTime() - now <= GRANT_RENEW_MARGIN_MS;
}

/** The shop's grant keeper, or a clear error: an app-based style's connection always has one. */
export function grantOf(shop: ShopAccess): GrantKeeper {
  if (!shop.grant) {
    throw new MarketplaceError('auth', `${shop.marketplace} shop ${shop.shopId} has no stored grant`, {
      marketplace: shop.marketplace,
      code: 'grant_missing',
    });
  }
  return shop.grant;
}

/**
 * One call made with a granted access token (Shopee, TikTok Shop, Lazada). The token is renewed
 * before it sets out when it is near its end, and once more when the marketplace refuses it (its
 * own clock, a token revoked by a refresh elsewhere): refused again right after a renewal is the
 * marketplace's trouble, not the grant's, so retryable. A refused refresh is `auth`: the shop must
 * authorize the app again.
 */
export async function callWithGrant<T>(
  shop: ShopAccess,
  exchange: (refreshToken: string) => Promise<AccessGrant>,
  send: (accessToken: string) => Promise<{ failure?: MarketplaceError; value?: T }>,
  now: () => number = Date.now,
): Promise<T> {
  const keeper = grantOf(shop);
  let grant = await keeper.current();
  if (grantDue(grant, now())) grant = await keeper.refresh(grant.accessToken, exchange);
  for (let attempt = 0; ; attempt++) {
    const { failure, value } = await send(grant.accessToken);
    if (!failure) return value as T;
    if (failure.kind !== 'auth') throw failure;
    if (attempt >= 1) {
      throw new MarketplaceError('retryable', `${failure.message} (again after a renewed grant)`, {
        ...failure.options,
        code: 'token_refused',
      });
    }
    grant = await keeper.refresh(grant.accessToken, exchange);
  }
}
