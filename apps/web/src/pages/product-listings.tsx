/**
 * Where one product is listed: each marketplace shop of its producer, the listing's state as the
 * sync engine last left it (with the marketplace's own message when it refused), and list/delist.
 * Two calls whatever the number of shops: the product's listings and the producer's connections.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { allConnections, allListings, api, ok } from '../api';
import type { Product, Schemas } from '../api';
import { formatDateTime } from '../format';
import { LISTING_STATUS_LABELS, MARKETPLACE_LABELS, stars } from '../labels';
import { can, useSession } from '../session';
import { ActionButton, ErrorNote, Loading, useLoad, usePoll } from '../ui';

type Listing = Schemas['ListingResponse'];
type Connection = Schemas['ConnectionResponse'];

export function ProductListings({ product }: { product: Product }): JSX.Element {
  const session = useSession();
  const [problem, setProblem] = useState<unknown>();
  const data = useLoad(
    () => Promise.all([allListings({ productId: product.id }), allConnections(product.cooperativeId)]),
    [product.id, product.cooperativeId],
  );
  const writer = can.manageShops(session.me.role);
  // while something is on its way to a marketplace, look again every few seconds
  const [listings, connections] = data.data ?? [[], []];
  const settling = listings.some((l) => l.status === 'pending' || l.lag > 0);
  usePoll(settling, data.reload);

  async function act(action: () => Promise<unknown>): Promise<void> {
    setProblem(undefined);
    try {
      await action();
    } catch (error) {
      setProblem(error);
    }
    data.reload();
  }

  return (
    <section class="card" aria-labelledby="listings-title" data-ready={data.loading ? 'false' : 'true'}>
      <h2 id="listings-title">
        Đăng bán trên sàn TMĐT <small lang="en">(marketplace listings)</small>
      </h2>
      {data.error ? <ErrorNote error={data.error} /> : null}
      {problem ? <ErrorNote error={problem} /> : null}
      {data.loading && !data.data ? <Loading /> : null}
      {data.data && connections.length === 0 ? (
        <p class="empty">
          Chưa kết nối gian hàng nào — <a href="#/connections">kết nối gian hàng</a> (no shop connected yet).
        </p>
      ) : null}
      {connections.length > 0 ? (
        <div class="table-wrap">
          <table class="cards-on-phone" data-table="product-listings">
            <thead>
              <tr>
                <th scope="col">Sàn TMĐT (marketplace)</th>
                <th scope="col">Trạng thái (state)</th>
                <th scope="col">Huy hiệu OCOP (badge)</th>
                <th scope="col">Đồng bộ lúc (synced at)</th>
                {writer ? <th scope="col">Thao tác (actions)</th> : null}
              </tr>
            </thead>
            <tbody>
              {connections.map((connection) => (
                <ListingRow
                  key={connection.id}
                  connection={connection}
                  listing={listings.find((l) => l.connectionId === connection.id && l.status !== 'delisted')}
                  writer={writer && product.status === 'active'}
                  onList={() =>
                    act(() =>
                      ok(
                        api.POST('/v1/listings', {
                          body: { productId: product.id, connectionId: connection.id },
                        }),
                      ),
                    )
                  }
                  onDelist={(listing) =>
                    act(() => ok(api.DELETE('/v1/listings/{id}', { params: { path: { id: listing.id } } })))
                  }
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function ListingRow({
  connection,
  listing,
  writer,
  onList,
  onDelist,
}: {
  connection: Connection;
  listing: Listing | undefined;
  writer: boolean;
  onList: () => Promise<void>;
  onDelist: (listing: Listing) => Promise<void>;
}): JSX.Element {
  const state = listingState(listing);
  return (
    <tr data-marketplace={connection.marketplace} data-listing-state={state}>
      <td data-label="Sàn">
        {MARKETPLACE_LABELS[connection.marketplace] ?? connection.marketplace}{' '}
        <small>· {connection.shopId}</small>
      </td>
      <td data-label="Trạng thái">
        <span class={`badge badge-${state}`}>{LISTING_STATUS_LABELS[state]}</span>
        {listing?.status === 'error' && listing.lastError ? (
          <p class="marketplace-message">
            Sàn báo (the marketplace says): <q>{listing.lastError}</q>
          </p>
        ) : null}
      </td>
      <td data-label="Huy hiệu">{listing?.ocopBadge ? `OCOP ${stars(listing.ocopBadge.stars)}` : '—'}</td>
      <td data-label="Đồng bộ lúc">{formatDateTime(listing?.lastSyncedAt ?? null)}</td>
      {writer ? (
        <td data-label="Thao tác">
          {listing ? (
            <ActionButton onAction={() => onDelist(listing)}>
              Ngừng bán <small lang="en">(delist)</small>
            </ActionButton>
          ) : (
            <ActionButton kind="primary" onAction={onList}>
              Đăng bán <small lang="en">(list)</small>
            </ActionButton>
          )}
        </td>
      ) : null}
    </tr>
  );
}

export type ListingState = 'not-listed' | 'syncing' | 'synced' | 'error';

/** What a person needs to know of a listing: not there, on its way, there as we have it, refused. */
export function listingState(listing: Listing | undefined): ListingState {
  if (!listing || listing.status === 'delisted') return 'not-listed';
  if (listing.status === 'error') return 'error';
  if (listing.status === 'pending' || listing.lag > 0) return 'syncing';
  return 'synced';
}
