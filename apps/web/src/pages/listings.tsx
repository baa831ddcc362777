/**
 * Đăng bán (#/listings): the producer's products against its marketplace shops. Each cell says
 * where a product is listed and in what state (synced, on its way, refused with the marketplace's
 * own words and a link to fix the product, not listed); selected products are listed on, or taken
 * down from, a chosen shop (or every shop) at once. Filters (marketplace, state) live in the URL.
 *
 * Bounded reads: the producer's active products, its connections and its listings, each a few
 * pages of 200 whatever the number of rows; while anything is on its way only the listings are
 * read again, every 2 s, so the badges change where they are. Listing the selected products is
 * one call per shop (POST /v1/listings/bulk), so a producer's whole catalogue on three shops stays
 * far within the API's per-person rate limit.
 */
import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { allConnections, allListings, allProducts, api, messageOf, ok } from '../api';
import type { Product, Schemas } from '../api';
import { CONNECTION_LABELS, LISTING_STATUS_LABELS, MARKETPLACE_LABELS, MARKETPLACES } from '../labels';
import { go, href } from '../router';
import { can, producerName, useSession } from '../session';
import { ActionButton, Empty, ErrorNote, Field, Loading, PageTitle, useLoad, usePage, usePoll } from '../ui';
import { planListings } from './listing-plan';
import { listingState, type ListingState } from './product-listings';

type Listing = Schemas['ListingResponse'];
type Connection = Schemas['ConnectionResponse'];

const STATES: ListingState[] = ['synced', 'syncing', 'error', 'not-listed'];
const ALL_SHOPS = 'all';
/** How many calls go at once when many listings are taken down: the API is not flooded. */
const AT_ONCE = 4;
/** The most products POST /v1/listings/bulk takes in one call. */
const BULK_LIMIT = 200;

interface Outcome {
  done: number;
  skipped: number;
  refused: { product: Product; shop: Connection; message: string }[];
}

export function ListingsPage({ query }: { query: URLSearchParams }): JSX.Element {
  const session = useSession();
  const producerId = session.producerId;
  const filters = {
    marketplace: query.get('marketplace') ?? '',
    state: query.get('state') ?? '',
  };
  const apply = (change: Partial<typeof filters>) => go('/listings', { ...filters, ...change }, true);

  const base = useLoad(
    () =>
      producerId
        ? Promise.all([
            allProducts({ cooperativeId: producerId, status: 'active' }),
            allConnections(producerId),
          ])
        : Promise.resolve([[], []] as [Product[], Connection[]]),
    [producerId],
  );
  const listings = useLoad(
    () => (producerId ? allListings({ cooperativeId: producerId }) : Promise.resolve([] as Listing[])),
    [producerId],
  );
  const ready = base.data !== undefined && listings.data !== undefined;
  usePage('listings', 'Đăng bán', ready || Boolean(base.error || listings.error));
  const settling = (listings.data ?? []).some((l) => listingState(l) === 'syncing');
  usePoll(settling, listings.reload);

  const [products, connections] = base.data ?? [[], []];
  /** the live listing of each product on each shop (a delisted one counts as not listed) */
  const byCell = useMemo(() => {
    const cells = new Map<string, Listing>();
    for (const listing of listings.data ?? []) {
      if (listing.status !== 'delisted') cells.set(`${listing.productId}:${listing.connectionId}`, listing);
    }
    return cells;
  }, [listings.data]);
  const cell = (product: Product, shop: Connection) => byCell.get(`${product.id}:${shop.id}`);

  const shops = connections.filter((c) => !filters.marketplace || c.marketplace === filters.marketplace);
  const shown = products.filter(
    (p) => !filters.state || shops.some((shop) => listingState(cell(p, shop)) === filters.state),
  );

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState<string>(ALL_SHOPS);
  const [outcome, setOutcome] = useState<{ action: 'list' | 'delist'; result: Outcome } | null>(null);
  const [problem, setProblem] = useState<unknown>();
  const writer = can.manageShops(session.me.role);
  const chosen = shown.filter((p) => selected.has(p.id));
  const allShownChosen = shown.length > 0 && chosen.length === shown.length;
  const targets = target === ALL_SHOPS ? shops : connections.filter((c) => c.id === target);

  const toggle = (id: string, on: boolean) =>
    setSelected((now) => {
      const next = new Set(now);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  /**
   * Lists every chosen product on each target shop it is not on: one call per shop (POST
   * /v1/listings/bulk, 200 products a call), each product listed or refused alone. Taking down is
   * one call per listing, as the product page does.
   */
  async function run(action: 'list' | 'delist'): Promise<void> {
    setProblem(undefined);
    setOutcome(null);
    const plan = planListings(
      action,
      chosen,
      targets.map((t) => t.id),
      (product, shopId) => byCell.get(`${product.id}:${shopId}`),
      BULK_LIMIT,
    );
    const result: Outcome = { done: 0, skipped: plan.skipped, refused: [] };
    const shopOf = new Map(targets.map((t) => [t.id, t]));
    const jobs: (() => Promise<void>)[] = [];
    for (const { shopId, product, listing } of plan.delist) {
      const shop = shopOf.get(shopId) as Connection;
      jobs.push(async () => {
        try {
          await ok(api.DELETE('/v1/listings/{id}', { params: { path: { id: listing.id } } }));
          result.done += 1;
        } catch (error) {
          result.refused.push({ product, shop, message: messageOf(error) });
        }
      });
    }
    for (const { shopId, products: part } of plan.list) {
      const shop = shopOf.get(shopId) as Connection;
      const names = new Map(part.map((p) => [p.id, p]));
      jobs.push(async () => {
        try {
          const answer = await ok(
            api.POST('/v1/listings/bulk', {
              body: { connectionId: shopId, productIds: part.map((p) => p.id) },
            }),
          );
          for (const item of answer.items) {
            const product = names.get(item.productId);
            if (item.status === 202) result.done += 1;
            else if (product) result.refused.push({ product, shop, message: item.error?.message ?? '' });
          }
        } catch (error) {
          for (const product of part) result.refused.push({ product, shop, message: messageOf(error) });
        }
      });
    }
    try {
      await inBatches(jobs, AT_ONCE);
    } catch (error) {
      setProblem(error);
    }
    setOutcome({ action, result });
    listings.reload();
  }

  if (!producerId) {
    return (
      <>
        <PageTitle vi="Đăng bán" en="listings" />
        <Empty>
          <p>
            Hãy chọn một chủ thể OCOP ở ô “Chủ thể OCOP” phía trên để xem sản phẩm của họ trên các sàn (choose
            a producer above to see their listings).
          </p>
        </Empty>
      </>
    );
  }

  return (
    <>
      <PageTitle vi="Đăng bán trên sàn TMĐT" en="marketplace listings" />
      {session.me.role !== 'cooperative' ? (
        <p class="hint">
          Chủ thể OCOP (producer): <strong>{producerName(session, producerId)}</strong>
        </p>
      ) : null}
      <div class="filters" role="search">
        <Field id="listing-marketplace" vi="Sàn TMĐT" en="marketplace">
          <select
            id="listing-marketplace"
            value={filters.marketplace}
            onChange={(e) => apply({ marketplace: e.currentTarget.value })}
          >
            <option value="">Tất cả (all)</option>
            {MARKETPLACES.map((m) => (
              <option key={m} value={m}>
                {MARKETPLACE_LABELS[m]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="listing-state" vi="Trạng thái" en="state">
          <select
            id="listing-state"
            value={filters.state}
            onChange={(e) => apply({ state: e.currentTarget.value })}
          >
            <option value="">Tất cả (all)</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {LISTING_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {base.error ? <ErrorNote error={base.error} /> : null}
      {listings.error ? <ErrorNote error={listings.error} /> : null}
      {problem ? <ErrorNote error={problem} /> : null}
      {!ready && !base.error && !listings.error ? <Loading /> : null}
      {ready && connections.length === 0 ? (
        <Empty>
          <p>
            Chưa kết nối gian hàng nào —{' '}
            {writer ? <a href="#/connections">kết nối gian hàng</a> : 'nhờ chủ thể kết nối gian hàng'} trước
            khi đăng bán (connect a shop first).
          </p>
        </Empty>
      ) : null}
      {ready && connections.length > 0 && products.length === 0 ? (
        <Empty>
          <p>
            Chưa có sản phẩm đang bán — <a href="#/products/new">thêm sản phẩm</a> hoặc{' '}
            <a href="#/import">nhập từ Excel</a> (no active products yet).
          </p>
        </Empty>
      ) : null}
      {ready && connections.length > 0 && products.length > 0 ? (
        <>
          {writer ? (
            <div class="bulk-bar" role="group" aria-label="Sản phẩm đã chọn (selected products)">
              <p class="bulk-count" aria-live="polite">
                Đã chọn {chosen.length} sản phẩm <small lang="en">({chosen.length} selected)</small>
              </p>
              <Field id="listing-target" vi="Gian hàng" en="shop">
                <select id="listing-target" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
                  <option value={ALL_SHOPS}>Tất cả gian hàng đang xem (every shop shown)</option>
                  {connections.map((c) => (
                    <option key={c.id} value={c.id}>
                      {MARKETPLACE_LABELS[c.marketplace]} · {c.shopId}
                    </option>
                  ))}
                </select>
              </Field>
              <ActionButton
                kind="primary"
                data-action="list-selected"
                disabled={chosen.length === 0 || targets.length === 0}
                onAction={() => run('list')}
              >
                Đăng bán lên… <small lang="en">(list on the shop)</small>
              </ActionButton>
              <ActionButton
                kind="danger"
                data-action="delist-selected"
                disabled={chosen.length === 0 || targets.length === 0}
                onAction={() => run('delist')}
              >
                Ngừng bán <small lang="en">(delist)</small>
              </ActionButton>
            </div>
          ) : null}
          {outcome ? <OutcomeNote action={outcome.action} result={outcome.result} /> : null}
          <p class="total" aria-live="polite">
            {shown.length} sản phẩm{settling ? ' · đang đồng bộ…' : ''}{' '}
            <small lang="en">
              ({shown.length} products{settling ? ', syncing' : ''})
            </small>
          </p>
          {shown.length === 0 ? (
            <Empty>
              <p>Không có sản phẩm khớp bộ lọc (no product matches the filters).</p>
            </Empty>
          ) : (
            <div class="table-wrap">
              <table class="cards-on-phone" data-table="listings">
                <thead>
                  <tr>
                    {writer ? (
                      <th scope="col">
                        <input
                          type="checkbox"
                          id="select-all"
                          aria-label="Chọn tất cả sản phẩm đang hiện (select all shown)"
                          checked={allShownChosen}
                          onChange={(e) => {
                            const on = e.currentTarget.checked;
                            setSelected(on ? new Set(shown.map((p) => p.id)) : new Set());
                          }}
                        />
                      </th>
                    ) : null}
                    <th scope="col">Sản phẩm (product)</th>
                    {shops.map((shop) => (
                      <th scope="col" key={shop.id}>
                        {MARKETPLACE_LABELS[shop.marketplace]} <small>· {shop.shopId}</small>
                        {shop.status !== 'active' ? (
                          <span class="badge badge-muted"> {CONNECTION_LABELS[shop.status]}</span>
                        ) : null}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {shown.map((product) => (
                    <tr key={product.id} data-product={product.id}>
                      {writer ? (
                        <td data-label="Chọn">
                          <input
                            type="checkbox"
                            aria-label={`Chọn ${product.name} (select)`}
                            checked={selected.has(product.id)}
                            onChange={(e) => toggle(product.id, e.currentTarget.checked)}
                          />
                        </td>
                      ) : null}
                      <td data-label="Sản phẩm">
                        <a href={href(`/products/${product.id}`)}>{product.name.trim() || '(chưa có tên)'}</a>
                        <small class="skus"> · {product.skus.length} mã SKU</small>
                      </td>
                      {shops.map((shop) => (
                        <ListingCell
                          key={shop.id}
                          product={product}
                          shop={shop}
                          listing={cell(product, shop)}
                          writer={writer}
                          onChanged={listings.reload}
                        />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </>
  );
}

function ListingCell({
  product,
  shop,
  listing,
  writer,
  onChanged,
}: {
  product: Product;
  shop: Connection;
  listing: Listing | undefined;
  writer: boolean;
  onChanged: () => void;
}): JSX.Element {
  const state = listingState(listing);
  const [problem, setProblem] = useState<unknown>();
  return (
    <td
      data-label={`${MARKETPLACE_LABELS[shop.marketplace]} · ${shop.shopId}`}
      data-marketplace={shop.marketplace}
      data-connection={shop.id}
      data-listing-state={state}
    >
      <span class={`badge badge-${state}`}>{LISTING_STATUS_LABELS[state]}</span>
      {state === 'error' && listing?.lastError ? (
        <>
          <p class="marketplace-message">
            Sàn báo (the marketplace says): <q>{listing.lastError}</q>
          </p>
          <p class="fix-links">
            <a href={href(`/products/${product.id}`)}>
              Sửa sản phẩm <small lang="en">(fix the product)</small>
            </a>
            {writer && listing ? (
              <ActionButton
                data-action="resync"
                onAction={async () => {
                  setProblem(undefined);
                  try {
                    await ok(api.POST('/v1/listings/{id}/resync', { params: { path: { id: listing.id } } }));
                  } catch (error) {
                    setProblem(error);
                  }
                  onChanged();
                }}
              >
                Thử lại <small lang="en">(retry)</small>
              </ActionButton>
            ) : null}
          </p>
        </>
      ) : null}
      {problem ? <ErrorNote error={problem} /> : null}
    </td>
  );
}

function OutcomeNote({ action, result }: { action: 'list' | 'delist'; result: Outcome }): JSX.Element {
  const verb = action === 'list' ? 'Đã gửi đăng bán' : 'Đã gửi ngừng bán';
  const skippedWhy = action === 'list' ? 'đã đăng từ trước' : 'chưa đăng';
  return (
    <div class={result.refused.length > 0 ? 'form-error' : 'form-ok'} role="status" data-outcome={action}>
      <p>
        {verb}: {result.done}
        {result.skipped > 0 ? ` · bỏ qua ${result.skipped} (${skippedWhy})` : ''}
        {result.refused.length > 0 ? ` · bị từ chối ${result.refused.length}` : ''}{' '}
        <small lang="en">
          ({result.done} sent, {result.skipped} skipped, {result.refused.length} refused)
        </small>
      </p>
      {result.refused.length > 0 ? (
        <ul>
          {result.refused.map((r) => (
            <li key={`${r.product.id}:${r.shop.id}`}>
              <a href={href(`/products/${r.product.id}`)}>{r.product.name.trim() || r.product.id}</a> ·{' '}
              {MARKETPLACE_LABELS[r.shop.marketplace]} {r.shop.shopId}: {r.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Runs the calls `size` at a time, every one whatever the others answer. */
async function inBatches(jobs: (() => Promise<void>)[], size: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      await job();
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, jobs.length) }, lane));
}
