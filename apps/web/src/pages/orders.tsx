/**
 * Orders (#/orders): the morning view of WORKSPACE.md journey 1. With no filter in the URL it shows
 * the orders waiting for confirmation on every marketplace, the oversold ones first, each with
 * Confirm / Cancel; filters (status, marketplace, days placed, oversold only) live in the URL. The
 * list refreshes itself every few seconds while it is open, so an order a buyer has just placed
 * appears without a reload. Selected orders open the picking list (#/picking-list?ids=…).
 */
import type { JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ok } from '../api';
import type { Schemas } from '../api';
import type { operations } from '../api-types';
import { formatDateTime, formatNumber, formatVnd } from '../format';
import {
  MARKETPLACE_LABELS,
  MARKETPLACES,
  ORDER_STATUS_LABELS,
  ORDER_STATUSES,
  OVERSOLD_LABEL,
} from '../labels';
import { go, href } from '../router';
import { can, producerName, useSession } from '../session';
import type { Session } from '../session';
import { ActionButton, Empty, ErrorNote, Loading, MoreButton, PageTitle, usePage } from '../ui';
import {
  allowedActions,
  type Filters,
  filtersOf,
  isOversold,
  lineName,
  type Order,
  streamsOf,
  urlOf,
} from './orders-rules';

export type { Order } from './orders-rules';

type OrderQuery = NonNullable<operations['Orders_list']['parameters']['query']>;

const PAGE_SIZE = 50;
/** How often an open list asks for what changed: a new order shows within this and a round trip. */
const REFRESH_MS = 2_000;
/** One call's most orders (the API's page limit); a refresh re-reads at most this many. */
const MOST = 200;
/** The picking list reads its orders in one call: a selection is capped at the API's page. */
export const MOST_SELECTED = 200;

function apiQuery(filters: Filters, session: Session): OrderQuery {
  return {
    cooperativeId: session.producerId ?? undefined,
    status: filters.status === 'all' ? undefined : filters.status,
    marketplace: (filters.marketplace || undefined) as OrderQuery['marketplace'],
    from: filters.from || undefined,
    to: filters.to || undefined,
    stockStatus: filters.oversold ? 'oversold' : undefined,
  };
}

interface Position {
  stream: number;
  cursor: string | null;
}
interface Loaded extends Position {
  orders: Order[];
}

/** Reads up to `want` more orders from `at`: one call per stream touched, 200 at most per call. */
async function readOrders(
  base: OrderQuery,
  streams: Partial<OrderQuery>[],
  at: Position,
  want: number,
): Promise<Loaded> {
  const orders: Order[] = [];
  let { stream, cursor } = at;
  while (orders.length < want && stream < streams.length) {
    const page = await ok(
      api.GET('/v1/orders', {
        params: {
          query: {
            ...base,
            ...streams[stream],
            limit: Math.min(MOST, want - orders.length),
            cursor: cursor ?? undefined,
          },
        },
      }),
    );
    orders.push(...page.items);
    if (page.nextCursor) cursor = page.nextCursor;
    else {
      stream += 1;
      cursor = null;
    }
  }
  return { orders, stream, cursor };
}

export function OrdersPage({ query }: { query: URLSearchParams }): JSX.Element {
  const session = useSession();
  const filters = filtersOf(query);
  const key = JSON.stringify([filters, session.producerId]);
  const base = apiQuery(filters, session);
  const streams = streamsOf(filters);

  const [list, setList] = useState<Loaded & { key: string }>();
  const [summary, setSummary] = useState<Schemas['OrderSummaryResponse']>();
  const [error, setError] = useState<unknown>();
  const [more, setMore] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [rowErrors, setRowErrors] = useState<Record<string, unknown>>({});
  // what is on screen, for the refresh; the filters in force, so an old answer is never shown
  const shown = useRef<{ key: string; count: number }>({ key, count: 0 });
  const busy = useRef(false);

  /** Reads the list again from its start, as many orders as are on screen, and the total. */
  const refresh = useCallback(
    async (fresh: boolean) => {
      const asked = key;
      busy.current = true;
      try {
        const want = fresh ? PAGE_SIZE : Math.min(MOST, Math.max(PAGE_SIZE, shown.current.count));
        const [loaded, total] = await Promise.all([
          readOrders(base, streams, { stream: 0, cursor: null }, want),
          ok(api.GET('/v1/orders/summary', { params: { query: base } })),
        ]);
        if (shown.current.key !== asked) return;
        shown.current.count = loaded.orders.length;
        setList({ ...loaded, key: asked });
        setSummary(total);
        setError(undefined);
      } catch (failure) {
        if (shown.current.key === asked) setError(failure);
      } finally {
        busy.current = false;
      }
    },
    [key],
  );

  useEffect(() => {
    shown.current = { key, count: 0 };
    setList(undefined);
    setSummary(undefined);
    setSelected(new Set());
    void refresh(true);
    const timer = setInterval(() => {
      // a list longer than one call, or a "Xem thêm" under way, is not re-read under the reader
      if (document.hidden || busy.current || shown.current.count > MOST) return;
      void refresh(false);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [key, refresh]);

  const current = list?.key === key ? list : undefined;
  usePage('orders', 'Đơn hàng', current !== undefined || error !== undefined);

  async function loadMore(): Promise<void> {
    if (!current) return;
    setMore({ busy: true });
    busy.current = true;
    try {
      const next = await readOrders(base, streams, current, PAGE_SIZE);
      if (shown.current.key !== key) return;
      const orders = [
        ...current.orders,
        ...next.orders.filter((o) => !current.orders.some((c) => c.id === o.id)),
      ];
      shown.current.count = orders.length;
      setList({ ...next, orders, key });
      setMore({ busy: false });
    } catch (failure) {
      setMore({ busy: false, error: failure });
    } finally {
      busy.current = false;
    }
  }

  /** An action's answer is the order as it now stands: the row shows it at once. */
  function replace(order: Order): void {
    setList(
      (loaded) => loaded && { ...loaded, orders: loaded.orders.map((o) => (o.id === order.id ? order : o)) },
    );
  }
  function act(order: Order, action: 'confirm' | 'cancel') {
    return async () => {
      setRowErrors(({ [order.id]: _, ...rest }) => rest);
      try {
        replace(await requestAction(order, action));
      } catch (failure) {
        setRowErrors((errors) => ({ ...errors, [order.id]: failure }));
      }
    };
  }

  const apply = (change: Partial<Filters>) => go('/orders', urlOf({ ...filters, ...change }), true);
  const orders = current?.orders ?? [];
  const hasMore = current ? current.stream < streams.length : false;
  const handles = can.handleOrders(session.me.role);
  const allProducers = session.me.role !== 'cooperative' && !session.producerId;
  const filtered = filters.marketplace || filters.from || filters.to || filters.oversold;
  const toggle = (id: string, on: boolean) =>
    setSelected((chosen) => {
      const next = new Set(chosen);
      if (on && next.size < MOST_SELECTED) next.add(id);
      else next.delete(id);
      return next;
    });
  const allShownSelected = orders.length > 0 && orders.every((o) => selected.has(o.id));

  return (
    <>
      <PageTitle vi="Đơn hàng" en="orders" />
      <nav class="tabs" aria-label="Đơn hàng">
        <a
          href={href('/orders', urlOf({ ...filters, status: 'pending' }))}
          aria-current={filters.status === 'pending' ? 'page' : undefined}
        >
          Chờ xác nhận <small lang="en">(waiting)</small>
        </a>
        <a
          href={href('/orders', urlOf({ ...filters, status: 'confirmed' }))}
          aria-current={filters.status === 'confirmed' ? 'page' : undefined}
        >
          Đã xác nhận <small lang="en">(to pick and ship)</small>
        </a>
        <a
          href={href('/orders', urlOf({ ...filters, status: 'all' }))}
          aria-current={filters.status === 'all' ? 'page' : undefined}
        >
          Tất cả đơn <small lang="en">(all orders)</small>
        </a>
      </nav>
      <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="order-status">
            Trạng thái <small lang="en">(status)</small>
          </label>
          <select
            id="order-status"
            value={filters.status}
            onChange={(e) => apply({ status: e.currentTarget.value as Filters['status'] })}
          >
            <option value="all">Tất cả (all)</option>
            {ORDER_STATUSES.map((status) => (
              <option key={status} value={status}>
                {ORDER_STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="order-marketplace">
            Sàn TMĐT <small lang="en">(marketplace)</small>
          </label>
          <select
            id="order-marketplace"
            value={filters.marketplace}
            onChange={(e) => apply({ marketplace: e.currentTarget.value })}
          >
            <option value="">Tất cả sàn (all)</option>
            {MARKETPLACES.map((m) => (
              <option key={m} value={m}>
                {MARKETPLACE_LABELS[m]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="order-from">
            Đặt từ ngày <small lang="en">(placed from)</small>
          </label>
          <input
            id="order-from"
            type="date"
            value={filters.from}
            max={filters.to || undefined}
            onChange={(e) => apply({ from: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="order-to">
            Đến ngày <small lang="en">(to)</small>
          </label>
          <input
            id="order-to"
            type="date"
            value={filters.to}
            min={filters.from || undefined}
            onChange={(e) => apply({ to: e.currentTarget.value })}
          />
        </div>
        <label class="check">
          <input
            type="checkbox"
            id="order-oversold"
            checked={filters.oversold}
            onChange={(e) => apply({ oversold: e.currentTarget.checked })}
          />{' '}
          Chỉ đơn vượt tồn <small lang="en">(oversold only)</small>
        </label>
      </form>
      {error ? <ErrorNote error={error} /> : null}
      {!current && !error ? <Loading /> : null}
      {current && summary ? (
        <p class="total" aria-live="polite" id="orders-total">
          <strong>{formatNumber(summary.count)} đơn hàng</strong> · {formatVnd(summary.totalVnd)}{' '}
          <small lang="en">
            ({summary.count} orders, {orders.length} shown)
          </small>
        </p>
      ) : null}
      {current && orders.length === 0 ? (
        <Empty>
          {filters.status === 'pending' && !filtered ? (
            <p>
              Không có đơn nào chờ xác nhận — đơn mới từ các sàn sẽ hiện ở đây (nothing is waiting: new orders
              appear here by themselves). <a href={href('/orders', { status: 'all' })}>Xem tất cả đơn</a>
            </p>
          ) : (
            <p>Không có đơn hàng khớp bộ lọc (no order matches the filters).</p>
          )}
        </Empty>
      ) : null}
      {orders.length > 0 ? (
        <>
          <div class="selection-bar" role="group" aria-label="Đơn đã chọn (selected orders)">
            <span id="selected-count">
              Đã chọn {formatNumber(selected.size)} đơn <small lang="en">({selected.size} selected)</small>
            </span>
            {selected.size > 0 ? (
              <a
                class="button button-primary"
                id="open-picking-list"
                href={href('/picking-list', { ids: [...selected].join(',') })}
              >
                Phiếu soạn hàng <small lang="en">(picking list)</small>
              </a>
            ) : (
              <button type="button" class="button button-primary" disabled>
                Phiếu soạn hàng <small lang="en">(picking list)</small>
              </button>
            )}
            {selected.size > 0 ? (
              <button type="button" class="button button-quiet" onClick={() => setSelected(new Set())}>
                Bỏ chọn <small lang="en">(clear)</small>
              </button>
            ) : null}
          </div>
          <div class="table-wrap">
            <table class="cards-on-phone orders-table">
              <thead>
                <tr>
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Chọn tất cả đơn đang hiện (select all shown)"
                      checked={allShownSelected}
                      onChange={(e) => {
                        const on = e.currentTarget.checked;
                        setSelected((chosen) => {
                          const next = new Set(chosen);
                          for (const o of orders) {
                            if (!on) next.delete(o.id);
                            else if (next.size < MOST_SELECTED) next.add(o.id);
                          }
                          return next;
                        });
                      }}
                    />
                  </th>
                  <th scope="col">Ngày đặt (placed)</th>
                  <th scope="col">Sàn (marketplace)</th>
                  <th scope="col">Mã đơn (order no.)</th>
                  <th scope="col">Hàng (items)</th>
                  <th scope="col" class="number">
                    Số tiền (amount)
                  </th>
                  <th scope="col">Trạng thái (status)</th>
                  {handles ? <th scope="col">Thao tác (actions)</th> : null}
                </tr>
              </thead>
              <tbody>
                {orders.map((order) => (
                  <tr
                    key={order.id}
                    data-order={order.id}
                    data-external={order.externalOrderId}
                    class={isOversold(order) ? 'row-low' : undefined}
                  >
                    <td data-label="Chọn">
                      <input
                        type="checkbox"
                        class="order-select"
                        aria-label={`Chọn đơn ${order.externalOrderId} (select)`}
                        checked={selected.has(order.id)}
                        onChange={(e) => toggle(order.id, e.currentTarget.checked)}
                      />
                    </td>
                    <td data-label="Ngày đặt">{formatDateTime(order.placedAt)}</td>
                    <td data-label="Sàn">{MARKETPLACE_LABELS[order.marketplace] ?? order.marketplace}</td>
                    <td data-label="Mã đơn">
                      <a href={href(`/orders/${order.id}`)}>{order.externalOrderId}</a>
                      {allProducers ? (
                        <div class="note">{producerName(session, order.cooperativeId)}</div>
                      ) : null}
                    </td>
                    <td data-label="Hàng">{itemsOf(order)}</td>
                    <td data-label="Số tiền" class="number">
                      {formatVnd(order.totalVnd)}
                    </td>
                    <td data-label="Trạng thái">
                      <OrderState order={order} />
                    </td>
                    {handles ? (
                      <td data-label="Thao tác">
                        <OrderActions
                          order={order}
                          onConfirm={act(order, 'confirm')}
                          onCancel={act(order, 'cancel')}
                        />
                        {rowErrors[order.id] ? <ErrorNote error={rowErrors[order.id]} /> : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <MoreButton more={more} offered={hasMore} onMore={loadMore} />
        </>
      ) : null}
    </>
  );
}

function itemsOf(order: Order): string {
  return order.lines.map((line) => `${lineName(line)} × ${formatNumber(line.quantity)}`).join('; ') || '—';
}

/** Asks the API to push the action; the order comes back with the action requested. */
export async function requestAction(order: Order, action: 'confirm' | 'cancel'): Promise<Order> {
  const path = { params: { path: { id: order.id } } };
  return action === 'confirm'
    ? ok(api.POST('/v1/orders/{id}/confirm', path))
    : ok(api.POST('/v1/orders/{id}/cancel', { ...path, body: { reason: 'seller_request' } }));
}

export function OrderState({ order }: { order: Order }): JSX.Element {
  return (
    <>
      <span class={`badge order-status order-${order.status}`} data-status={order.status}>
        {ORDER_STATUS_LABELS[order.status]}
      </span>
      {isOversold(order) ? (
        <span class="badge badge-error oversold-mark" title="Tồn kho không đủ cho đơn này (stock ran short)">
          {' '}
          ⚠ {OVERSOLD_LABEL}
        </span>
      ) : null}
      {order.requestedAction ? (
        <p class="note requested">
          {order.requestedAction === 'confirm'
            ? 'Đang gửi xác nhận lên sàn… (confirming)'
            : 'Đang gửi yêu cầu hủy lên sàn… (cancelling)'}
        </p>
      ) : null}
      {order.actionError ? (
        <p class="marketplace-message" role="status">
          Sàn từ chối (refused by the marketplace): {order.actionError}
        </p>
      ) : null}
    </>
  );
}

/** Confirm / Cancel, offered only where the order's status still allows them. */
export function OrderActions({
  order,
  onConfirm,
  onCancel,
}: {
  order: Order;
  onConfirm: () => Promise<void>;
  onCancel: () => Promise<void>;
}): JSX.Element | null {
  const allowed = allowedActions(order);
  if (allowed.length === 0) return null;
  const market = MARKETPLACE_LABELS[order.marketplace] ?? order.marketplace;
  return (
    <div class="row-actions">
      {allowed.includes('confirm') ? (
        <ActionButton kind="primary" class="button button-primary confirm-order" onAction={onConfirm}>
          Xác nhận <small lang="en">(confirm)</small>
        </ActionButton>
      ) : null}
      {allowed.includes('cancel') ? (
        <ActionButton
          kind="danger"
          class="button button-danger cancel-order"
          onAction={async () => {
            if (confirm(`Hủy đơn ${order.externalOrderId} trên ${market}? (cancel this order)`))
              await onCancel();
          }}
        >
          Hủy đơn <small lang="en">(cancel)</small>
        </ActionButton>
      ) : null}
    </div>
  );
}
