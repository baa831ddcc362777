/**
 * One order (#/orders/:id): its lines with product names, quantities and amounts, the status
 * history, and Confirm / Cancel where the status still allows them. After an action the page reads
 * the order again every few seconds until the marketplace's answer has come back through the
 * worker, so the person sees it confirmed (or the marketplace's refusal) where the order is.
 */
import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ok } from '../api';
import type { Schemas } from '../api';
import { formatDateTime, formatNumber, formatVnd } from '../format';
import { MARKETPLACE_LABELS, ORDER_STATUS_LABELS } from '../labels';
import { href } from '../router';
import { can, producerName, useSession } from '../session';
import { ErrorNote, Loading, PageTitle, usePage, usePoll } from '../ui';
import { OrderActions, OrderState, requestAction } from './orders';

type OrderDetail = Schemas['OrderDetailResponse'];

/** While an action waits for the worker, how often the page looks again. */
const FOLLOW_MS = 2_000;

export function OrderDetailPage({ id }: { id: string }): JSX.Element {
  const session = useSession();
  const [order, setOrder] = useState<OrderDetail>();
  const [error, setError] = useState<unknown>();
  const [actionError, setActionError] = useState<unknown>();

  useEffect(() => {
    let stopped = false;
    setOrder(undefined);
    setError(undefined);
    ok(api.GET('/v1/orders/{id}', { params: { path: { id } } })).then(
      (found) => !stopped && setOrder(found),
      (failure: unknown) => !stopped && setError(failure),
    );
    return () => {
      stopped = true;
    };
  }, [id]);

  // an action requested: follow the order until the marketplace has answered
  const waiting = order?.requestedAction ?? null;
  const follow = useCallback(() => {
    ok(api.GET('/v1/orders/{id}', { params: { path: { id } } })).then(setOrder, () => undefined);
  }, [id]);
  usePoll(waiting !== null, follow, FOLLOW_MS);

  usePage('order', 'Đơn hàng', order !== undefined || error !== undefined);
  if (error) {
    return (
      <>
        <PageTitle vi="Đơn hàng" en="order" />
        <ErrorNote error={error} />
        <p>
          <a href="#/orders">← Về danh sách đơn hàng (back to orders)</a>
        </p>
      </>
    );
  }
  if (!order) return <Loading />;

  const act = (action: 'confirm' | 'cancel') => async () => {
    setActionError(undefined);
    try {
      setOrder((await requestAction(order, action)) as OrderDetail);
    } catch (failure) {
      setActionError(failure);
      // refused (the marketplace moved it on meanwhile): show the order as it now stands
      ok(api.GET('/v1/orders/{id}', { params: { path: { id } } })).then(setOrder, () => undefined);
    }
  };
  const market = MARKETPLACE_LABELS[order.marketplace] ?? order.marketplace;
  const producer = session.me.role === 'cooperative' ? null : producerName(session, order.cooperativeId);
  return (
    <>
      <p class="breadcrumb no-print">
        <a href="#/orders">← Đơn hàng (orders)</a>
      </p>
      <PageTitle vi={`Đơn ${order.externalOrderId}`} en={`${market} order`}>
        <a class="button button-secondary" href={href('/picking-list', { ids: order.id })}>
          Phiếu soạn hàng <small lang="en">(picking list)</small>
        </a>
      </PageTitle>
      <div class="card order-head">
        <dl class="facts">
          <div>
            <dt>Sàn TMĐT (marketplace)</dt>
            <dd>{market}</dd>
          </div>
          {producer ? (
            <div>
              <dt>Chủ thể OCOP (producer)</dt>
              <dd>{producer}</dd>
            </div>
          ) : null}
          <div>
            <dt>Ngày đặt (placed)</dt>
            <dd>{formatDateTime(order.placedAt)}</dd>
          </div>
          <div>
            <dt>Trạng thái (status)</dt>
            <dd id="order-status">
              <OrderState order={order} />
            </dd>
          </div>
          <div>
            <dt>Tổng tiền (total)</dt>
            <dd>{formatVnd(order.totalVnd)}</dd>
          </div>
        </dl>
        {can.handleOrders(session.me.role) ? (
          <OrderActions order={order} onConfirm={act('confirm')} onCancel={act('cancel')} />
        ) : null}
        {actionError ? <ErrorNote error={actionError} /> : null}
      </div>

      <h2>
        Hàng trong đơn <small lang="en">(lines)</small>
      </h2>
      <div class="table-wrap">
        <table class="cards-on-phone" id="order-lines">
          <thead>
            <tr>
              <th scope="col">Sản phẩm (product)</th>
              <th scope="col">Quy cách (pack)</th>
              <th scope="col">Mã SKU (SKU)</th>
              <th scope="col" class="number">
                Số lượng (qty)
              </th>
              <th scope="col" class="number">
                Đơn giá (unit price)
              </th>
              <th scope="col" class="number">
                Thành tiền (amount)
              </th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line, index) => (
              <tr key={index} class={line.unknownSku ? 'row-low' : undefined}>
                <td data-label="Sản phẩm">
                  {line.productName ?? (
                    <span class="badge badge-warning">Mã SKU không có trong danh mục (unknown SKU)</span>
                  )}
                </td>
                <td data-label="Quy cách">{line.skuName ?? '—'}</td>
                <td data-label="Mã SKU">{line.skuCode ?? '—'}</td>
                <td data-label="Số lượng" class="number">
                  {formatNumber(line.quantity)}
                  {line.reservedQuantity + line.fulfilledQuantity < line.quantity &&
                  !line.unknownSku &&
                  order.stockStatus === 'oversold' ? (
                    <span class="note"> (giữ được {formatNumber(line.reservedQuantity)} — held)</span>
                  ) : null}
                </td>
                <td data-label="Đơn giá" class="number">
                  {formatVnd(line.unitPriceVnd)}
                </td>
                <td data-label="Thành tiền" class="number">
                  {formatVnd(line.unitPriceVnd * line.quantity)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>
        Lịch sử trạng thái <small lang="en">(status history)</small>
      </h2>
      <div class="table-wrap">
        <table class="cards-on-phone" id="order-history">
          <thead>
            <tr>
              <th scope="col">Thời điểm (when)</th>
              <th scope="col">Trạng thái (status)</th>
              <th scope="col">Mã trạng thái của sàn (marketplace code)</th>
              <th scope="col">Hệ thống ghi nhận (recorded)</th>
              <th scope="col">Người làm (who)</th>
            </tr>
          </thead>
          <tbody>
            {order.history.map((change, index) => (
              <tr key={index}>
                <td data-label="Thời điểm">{formatDateTime(change.at)}</td>
                <td data-label="Trạng thái">{ORDER_STATUS_LABELS[change.status]}</td>
                <td data-label="Mã của sàn">
                  <code>{change.marketplaceStatus}</code>
                </td>
                <td data-label="Ghi nhận">{formatDateTime(change.recordedAt)}</td>
                <td data-label="Người làm" data-actor={change.actor?.name ?? ''}>
                  {change.actor ? change.actor.name : 'Sàn TMĐT (marketplace)'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
