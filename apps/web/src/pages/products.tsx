import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ok } from '../api';
import type { Product } from '../api';
import { formatNumber, formatVnd } from '../format';
import { PRODUCT_STATUS_LABELS, stars } from '../labels';
import { go, href } from '../router';
import { can, producerName, useSession } from '../session';
import { Empty, ErrorNote, Field, Loading, MoreButton, PageTitle, useKeysetList, usePage } from '../ui';
import { useCategories } from './categories';

const PAGE_SIZE = 50;

/** The catalogue: filters above (kept in the URL), a table that becomes cards on a phone, "Xem thêm". */
export function ProductsPage({ query }: { query: URLSearchParams }): JSX.Element {
  const session = useSession();
  const categories = useCategories();
  const filters = {
    q: query.get('q') ?? '',
    category: query.get('category') ?? '',
    stars: query.get('stars') ?? '',
    status: query.get('status') ?? 'active',
  };
  /** One page of the filtered catalogue: the first, or the one after `after` ("Xem thêm"). */
  const read = (after?: string) =>
    ok(
      api.GET('/v1/products', {
        params: {
          query: {
            limit: PAGE_SIZE,
            cursor: after,
            q: filters.q || undefined,
            category: filters.category || undefined,
            stars: filters.stars ? (Number(filters.stars) as 3 | 4 | 5) : undefined,
            status: filters.status as 'active' | 'archived',
            cooperativeId: session.producerId ?? undefined,
          },
        },
      }),
    );
  const list = useKeysetList(read, [
    filters.q,
    filters.category,
    filters.stars,
    filters.status,
    session.producerId,
  ]);
  usePage('products', 'Sản phẩm', !list.loading);

  const [search, setSearch] = useState(filters.q);
  useEffect(() => setSearch(filters.q), [filters.q]);
  const apply = (change: Partial<typeof filters>) => go('/products', { ...filters, ...change }, true);

  const products = list.items;
  const writer = can.writeCatalogue(session.me.role) && session.producerId !== null;
  const allProducers = session.me.role !== 'cooperative' && !session.producerId;
  return (
    <>
      <PageTitle vi="Sản phẩm" en="products">
        {writer ? (
          <a class="button button-primary" href="#/products/new">
            Thêm sản phẩm <small lang="en">(add a product)</small>
          </a>
        ) : null}
      </PageTitle>
      <form
        class="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          apply({ q: search.trim() });
        }}
      >
        <Field id="product-search" vi="Tìm theo tên" en="search by name">
          <input
            id="product-search"
            type="search"
            value={search}
            placeholder="chè tân cương"
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </Field>
        <Field id="product-category" vi="Danh mục" en="category">
          <select
            id="product-category"
            value={filters.category}
            onChange={(e) => apply({ category: e.currentTarget.value })}
          >
            <option value="">Tất cả (all)</option>
            {categories.map((c) => (
              <option key={c.slug} value={c.slug}>
                {c.nameVi}
              </option>
            ))}
          </select>
        </Field>
        <Field id="product-stars" vi="Số sao" en="stars">
          <select
            id="product-stars"
            value={filters.stars}
            onChange={(e) => apply({ stars: e.currentTarget.value })}
          >
            <option value="">Tất cả (all)</option>
            <option value="3">3★</option>
            <option value="4">4★</option>
            <option value="5">5★</option>
          </select>
        </Field>
        <Field id="product-status" vi="Trạng thái" en="status">
          <select
            id="product-status"
            value={filters.status}
            onChange={(e) => apply({ status: e.currentTarget.value })}
          >
            <option value="active">{PRODUCT_STATUS_LABELS.active}</option>
            <option value="archived">{PRODUCT_STATUS_LABELS.archived}</option>
          </select>
        </Field>
        <button type="submit" class="button button-secondary">
          Tìm <small lang="en">(search)</small>
        </button>
      </form>
      {list.error ? <ErrorNote error={list.error} /> : null}
      {list.loading && products.length === 0 ? <Loading /> : null}
      {!list.loading && !list.error && products.length === 0 ? (
        <Empty>
          {filters.q || filters.category || filters.stars ? (
            <p>Không có sản phẩm khớp bộ lọc (no product matches the filters).</p>
          ) : (
            <p>
              Chưa có sản phẩm — <a href="#/import">nhập từ Excel</a> hoặc{' '}
              <a href="#/products/new">thêm sản phẩm</a> (no products yet: import from Excel or add one).
            </p>
          )}
        </Empty>
      ) : null}
      {products.length > 0 ? (
        <>
          <p class="total" aria-live="polite">
            {formatNumber(products.length)} sản phẩm{list.hasMore ? ' (còn nữa)' : ''}{' '}
            <small lang="en">
              ({products.length} products{list.hasMore ? ', more below' : ''})
            </small>
          </p>
          <div class="table-wrap">
            <table class="cards-on-phone">
              <thead>
                <tr>
                  <th scope="col">Tên sản phẩm (product)</th>
                  {allProducers ? <th scope="col">Chủ thể OCOP (producer)</th> : null}
                  <th scope="col">Danh mục (category)</th>
                  <th scope="col">Số sao (stars)</th>
                  <th scope="col">Quy cách (packs)</th>
                  <th scope="col">Giá bán (price)</th>
                  <th scope="col">Tồn kho (on hand)</th>
                </tr>
              </thead>
              <tbody>
                {products.map((product) => (
                  <ProductRow
                    key={product.id}
                    product={product}
                    producer={allProducers ? producerName(session, product.cooperativeId) : null}
                    category={categories.find((c) => c.slug === product.category)?.nameVi ?? product.category}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <MoreButton more={list.more} offered={list.hasMore} onMore={list.loadMore} />
        </>
      ) : null}
    </>
  );
}

function priceRange(product: Product): string {
  const prices = product.skus.map((s) => s.priceVnd);
  if (prices.length === 0) return '—';
  const low = Math.min(...prices);
  const high = Math.max(...prices);
  return low === high ? formatVnd(low) : `${formatVnd(low)} – ${formatVnd(high)}`;
}

function ProductRow({
  product,
  producer,
  category,
}: {
  product: Product;
  producer: string | null;
  category: string;
}): JSX.Element {
  const low = product.skus.filter((s) => s.onHand <= s.safetyStock);
  const onHand = product.skus.reduce((sum, s) => sum + s.onHand, 0);
  return (
    <tr data-product={product.id}>
      <td data-label="Sản phẩm">
        <a href={href(`/products/${product.id}`)}>{product.name}</a>
        {product.status === 'archived' ? (
          <span class="badge badge-muted"> {PRODUCT_STATUS_LABELS.archived}</span>
        ) : null}
      </td>
      {producer !== null ? <td data-label="Chủ thể">{producer}</td> : null}
      <td data-label="Danh mục">{category}</td>
      <td data-label="Số sao">
        {product.ocop ? <span class="badge badge-ocop">{stars(product.ocop.stars)}</span> : '—'}
      </td>
      <td data-label="Quy cách">{product.skus.map((s) => s.name).join(', ') || '—'}</td>
      <td data-label="Giá bán" class="number">
        {priceRange(product)}
      </td>
      <td data-label="Tồn kho" class="number">
        {formatNumber(onHand)}
        {low.length > 0 ? (
          <a class="badge badge-warning" href={href('/stock', { low: 1, product: product.id })}>
            {' '}
            {low.length} sắp hết (low)
          </a>
        ) : null}
      </td>
    </tr>
  );
}
