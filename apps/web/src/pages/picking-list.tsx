/**
 * Phiếu soạn hàng (#/picking-list?ids=a,b,c): what to take off the shelves for the selected orders,
 * one A4 page — per SKU the product, pack, code and the quantity over all the orders, then each
 * order with its lines. The print stylesheet (styles.css, @media print) drops the menu and bars.
 * After printing, the SKUs the orders leave at or below their safety stock are flagged, with the
 * way to the stock page (WORKSPACE journey 1). Two kinds of call, whatever the selection: the
 * orders in one read, and the catalogue of each producer they belong to.
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { allProducts, api, ok } from '../api';
import type { Sku } from '../api';
import { formatDateTime, formatNumber, vietnamToday, formatDate } from '../format';
import { MARKETPLACE_LABELS } from '../labels';
import { href } from '../router';
import { producerName, useSession } from '../session';
import { Empty, ErrorNote, Loading, PageTitle, useLoad, usePage } from '../ui';
import { MOST_SELECTED } from './orders';
import { lineName, lowAfterPicking, pickRows } from './orders-rules';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function PickingListPage({ query }: { query: URLSearchParams }): JSX.Element {
  const session = useSession();
  const ids = useMemo(
    () =>
      [...new Set((query.get('ids') ?? '').split(',').filter((id) => ID.test(id)))].slice(0, MOST_SELECTED),
    [query.get('ids')],
  );
  const orders = useLoad(async () => {
    if (ids.length === 0) return [];
    const page = await ok(
      api.GET('/v1/orders', { params: { query: { ids: ids.join(','), limit: MOST_SELECTED } } }),
    );
    // in the order they were chosen, oldest placed first when the list was built from a page
    return page.items.sort((a, b) => a.placedAt.localeCompare(b.placedAt));
  }, [ids.join(',')]);
  const producers = useMemo(
    () => [...new Set((orders.data ?? []).map((order) => order.cooperativeId))].sort(),
    [orders.data],
  );
  // the SKUs' stock now, from each producer's catalogue: flagged after printing
  const stock = useLoad(async () => {
    const catalogues = await Promise.all(producers.map((cooperativeId) => allProducts({ cooperativeId })));
    return new Map<string, Sku>(
      catalogues.flat().flatMap((p) => p.skus.map((sku) => [sku.id, sku] as const)),
    );
  }, [producers.join(',')]);
  const [printed, setPrinted] = useState(false);
  useEffect(() => {
    const after = () => setPrinted(true);
    addEventListener('afterprint', after);
    return () => removeEventListener('afterprint', after);
  }, []);
  usePage('picking-list', 'Phiếu soạn hàng', !orders.loading);

  const list = orders.data ?? [];
  const rows = pickRows(list);
  const low = lowAfterPicking(rows, (skuId) => stock.data?.get(skuId));
  const missing = ids.length - list.length;

  return (
    <div class="picking-list">
      <p class="breadcrumb no-print">
        <a href="#/orders">← Đơn hàng (orders)</a>
      </p>
      <PageTitle vi="Phiếu soạn hàng" en="picking list">
        <button
          type="button"
          class="button button-primary no-print"
          id="print-picking-list"
          disabled={list.length === 0}
          onClick={() => {
            window.print();
            setPrinted(true);
          }}
        >
          In phiếu <small lang="en">(print)</small>
        </button>
      </PageTitle>
      {orders.error ? <ErrorNote error={orders.error} /> : null}
      {orders.loading ? <Loading /> : null}
      {!orders.loading && !orders.error && list.length === 0 ? (
        <Empty>
          <p>
            Chưa chọn đơn nào — chọn đơn ở trang <a href="#/orders">Đơn hàng</a> rồi bấm "Phiếu soạn hàng" (no
            orders chosen: select them on the orders page).
          </p>
        </Empty>
      ) : null}
      {list.length > 0 ? (
        <>
          <p class="print-meta">
            {formatNumber(list.length)} đơn hàng · ngày {formatDate(vietnamToday())}
            {session.me.role !== 'cooperative' && producers.length === 1
              ? ` · ${producerName(session, producers[0])}`
              : ''}
            {missing > 0 ? (
              <span class="no-print"> · {formatNumber(missing)} đơn không tìm thấy (orders not found)</span>
            ) : null}
          </p>
          {printed && low.length > 0 ? (
            <div class="low-stock-note no-print" role="status" id="low-stock-note">
              <p>
                <strong>
                  {formatNumber(low.length)} mã SKU sẽ ở mức tồn tối thiểu hoặc thấp hơn sau khi giao các đơn
                  này
                </strong>{' '}
                <small lang="en">(SKUs at or below safety stock once these orders leave)</small>
              </p>
              <ul>
                {low.map(({ row, sku, left }) => (
                  <li key={row.key} data-sku={sku.code}>
                    {lineName(row)} ({sku.code}): tồn kho {formatNumber(sku.onHand)}, còn lại{' '}
                    {formatNumber(left)}, tồn tối thiểu {formatNumber(sku.safetyStock)}
                  </li>
                ))}
              </ul>
              <a class="button button-secondary" href={href('/stock', { low: 1 })}>
                Điều chỉnh tồn kho <small lang="en">(adjust stock)</small>
              </a>
            </div>
          ) : null}
          {stock.error ? <ErrorNote error={stock.error} /> : null}
          <h2>
            Tổng hợp theo mã SKU <small lang="en">(per SKU)</small>
          </h2>
          <table class="print-table cards-on-phone" id="pick-skus">
            <thead>
              <tr>
                <th scope="col">Sản phẩm (product)</th>
                <th scope="col">Quy cách (pack)</th>
                <th scope="col">Mã SKU (SKU)</th>
                <th scope="col" class="number">
                  Tổng số lượng (total qty)
                </th>
                <th scope="col" class="number">
                  Số đơn (orders)
                </th>
                <th scope="col" class="tick">
                  Đã soạn (picked)
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} data-sku={row.skuCode ?? ''}>
                  <td data-label="Sản phẩm">
                    {row.productName ?? 'Mã SKU không có trong danh mục (unknown SKU)'}
                  </td>
                  <td data-label="Quy cách">{row.skuName ?? '—'}</td>
                  <td data-label="Mã SKU">
                    <code>{row.skuCode ?? '—'}</code>
                  </td>
                  <td data-label="Tổng số lượng" class="number">
                    <strong>{formatNumber(row.quantity)}</strong>
                  </td>
                  <td data-label="Số đơn" class="number">
                    {formatNumber(row.orders)}
                  </td>
                  {/* a box to tick by pen on the printed sheet */}
                  <td class="tick">
                    <span aria-hidden="true">☐</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>
            Theo từng đơn <small lang="en">(per order)</small>
          </h2>
          <table class="print-table cards-on-phone" id="pick-orders">
            <thead>
              <tr>
                <th scope="col">Mã đơn (order no.)</th>
                <th scope="col">Sàn (marketplace)</th>
                <th scope="col">Ngày đặt (placed)</th>
                <th scope="col">Hàng (items)</th>
                <th scope="col" class="number">
                  Số lượng (qty)
                </th>
              </tr>
            </thead>
            {/* a body per order: on a phone it is one card, its lines under the order's number */}
            {list.map((order) => (
              <tbody key={order.id} class="pick-order">
                {order.lines.map((line, index) => (
                  <tr key={index} data-order={order.externalOrderId}>
                    {index === 0 ? (
                      <>
                        <td data-label="Mã đơn" rowSpan={order.lines.length}>
                          {order.externalOrderId}
                        </td>
                        <td data-label="Sàn" rowSpan={order.lines.length}>
                          {MARKETPLACE_LABELS[order.marketplace] ?? order.marketplace}
                        </td>
                        <td data-label="Ngày đặt" rowSpan={order.lines.length}>
                          {formatDateTime(order.placedAt)}
                        </td>
                      </>
                    ) : null}
                    <td data-label="Hàng">
                      {lineName(line)} {line.skuCode ? <code>({line.skuCode})</code> : null}
                    </td>
                    <td data-label="Số lượng" class="number">
                      {formatNumber(line.quantity)}
                    </td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </>
      ) : null}
    </div>
  );
}
