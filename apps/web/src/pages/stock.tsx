/**
 * Stock (#/stock): every SKU with on hand, reserved, available and safety stock, the low ones
 * first and marked; choosing one opens its adjustment, stock take and movement history with who
 * made each change and why (#/stock?sku=<id>).
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { allProducts, api, idempotencyKey, ok } from '../api';
import type { Product, Schemas, Sku } from '../api';
import { formatDateTime, formatNumber, parseWholeNumber } from '../format';
import { MOVEMENT_LABELS } from '../labels';
import { go, href } from '../router';
import { can, producerName, useSession } from '../session';
import {
  Empty,
  ErrorNote,
  Field,
  fieldError,
  FormProblem,
  Loading,
  PageTitle,
  useLoad,
  usePage,
  useSubmit,
} from '../ui';

type Movement = Schemas['StockMovementResponse'];
interface StockRow {
  sku: Sku;
  product: Product;
  low: boolean;
}

export function StockPage({ query }: { query: URLSearchParams }): JSX.Element {
  const session = useSession();
  const lowOnly = query.get('low') === '1';
  const chosen = query.get('sku');
  const products = useLoad(
    () => allProducts({ cooperativeId: session.producerId ?? undefined, status: 'active' }),
    [session.producerId],
  );
  usePage('stock', 'Kho', !products.loading);
  const rows = useMemo<StockRow[]>(() => {
    const all = (products.data ?? []).flatMap((product) =>
      product.skus.map((sku) => ({ sku, product, low: sku.onHand <= sku.safetyStock })),
    );
    // the ones that need attention first, then by product name as a person looks for them
    return all.sort(
      (a, b) => Number(b.low) - Number(a.low) || a.product.name.localeCompare(b.product.name, 'vi'),
    );
  }, [products.data]);
  const shown = lowOnly ? rows.filter((r) => r.low) : rows;
  const lowCount = rows.filter((r) => r.low).length;
  const current = rows.find((r) => r.sku.id === chosen);
  const writer = can.writeCatalogue(session.me.role);

  return (
    <>
      <PageTitle vi="Kho" en="stock" />
      {products.error ? <ErrorNote error={products.error} /> : null}
      {products.loading && !products.data ? <Loading /> : null}
      {current ? (
        <SkuStock
          row={current}
          writer={writer}
          onChanged={products.reload}
          onClose={() => go('/stock', { low: lowOnly ? 1 : undefined })}
        />
      ) : null}
      {products.data ? (
        <>
          <div class="filters">
            <label class="check">
              <input
                type="checkbox"
                checked={lowOnly}
                onChange={(e) =>
                  go('/stock', { low: e.currentTarget.checked ? 1 : undefined, sku: chosen }, true)
                }
              />{' '}
              Chỉ hàng dưới tồn tối thiểu <small lang="en">(at or below safety stock only)</small>
            </label>
          </div>
          <p class="total">
            {formatNumber(shown.length)} mã SKU · <strong>{formatNumber(lowCount)}</strong> sắp hết hàng{' '}
            <small lang="en">
              ({shown.length} SKUs, {lowCount} at or below safety stock)
            </small>
          </p>
          {shown.length === 0 ? (
            <Empty>
              {lowOnly ? (
                <p>Không có mã SKU nào dưới tồn tối thiểu (nothing is low).</p>
              ) : (
                <p>
                  Chưa có sản phẩm — <a href="#/products/new">thêm sản phẩm</a> (no products yet).
                </p>
              )}
            </Empty>
          ) : (
            <div class="table-wrap">
              <table class="cards-on-phone" data-table="stock">
                <thead>
                  <tr>
                    <th scope="col">Sản phẩm · quy cách (product · pack)</th>
                    {session.me.role !== 'cooperative' && !session.producerId ? (
                      <th scope="col">Chủ thể OCOP (producer)</th>
                    ) : null}
                    <th scope="col">Mã SKU (SKU)</th>
                    <th scope="col">Tồn kho (on hand)</th>
                    <th scope="col">Đang giữ (reserved)</th>
                    <th scope="col">Có thể bán (available)</th>
                    <th scope="col">Tồn tối thiểu (safety)</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map(({ sku, product, low }) => (
                    <tr
                      key={sku.id}
                      class={low ? 'row-low' : undefined}
                      data-sku={sku.code}
                      data-low={String(low)}
                    >
                      <td data-label="Sản phẩm">
                        <a href={href('/stock', { sku: sku.id, low: lowOnly ? 1 : undefined })}>
                          {product.name} · {sku.name}
                        </a>
                        {low ? <span class="badge badge-warning"> Sắp hết (low)</span> : null}
                      </td>
                      {session.me.role !== 'cooperative' && !session.producerId ? (
                        <td data-label="Chủ thể">{producerName(session, product.cooperativeId)}</td>
                      ) : null}
                      <td data-label="Mã SKU">{sku.code}</td>
                      <td data-label="Tồn kho" class="number">
                        {formatNumber(sku.onHand)}
                      </td>
                      <td data-label="Đang giữ" class="number">
                        {formatNumber(sku.reserved)}
                      </td>
                      <td data-label="Có thể bán" class="number">
                        {formatNumber(sku.available)}
                      </td>
                      <td data-label="Tồn tối thiểu" class="number">
                        {formatNumber(sku.safetyStock)}
                      </td>
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

function SkuStock({
  row,
  writer,
  onChanged,
  onClose,
}: {
  row: StockRow;
  writer: boolean;
  onChanged: () => void;
  onClose: () => void;
}): JSX.Element {
  const { sku, product } = row;
  const history = useLoad(
    () =>
      ok(
        api.GET('/v1/skus/{id}/stock-movements', { params: { path: { id: sku.id }, query: { limit: 50 } } }),
      ),
    [sku.id, sku.onHand, sku.reserved],
  );
  return (
    <section class="card sku-stock" aria-labelledby="sku-stock-title" data-sku={sku.code}>
      <div class="card-head">
        <h2 id="sku-stock-title">
          {product.name} · {sku.name} <small>({sku.code})</small>
        </h2>
        <button type="button" class="button button-quiet" onClick={onClose}>
          Đóng <small lang="en">(close)</small>
        </button>
      </div>
      <dl class="figures">
        <div>
          <dt>Tồn kho (on hand)</dt>
          <dd data-figure="on-hand">{formatNumber(sku.onHand)}</dd>
        </div>
        <div>
          <dt>Đang giữ (reserved)</dt>
          <dd>{formatNumber(sku.reserved)}</dd>
        </div>
        <div>
          <dt>Có thể bán (available)</dt>
          <dd>{formatNumber(sku.available)}</dd>
        </div>
        <div>
          <dt>Tồn tối thiểu (safety)</dt>
          <dd>{formatNumber(sku.safetyStock)}</dd>
        </div>
      </dl>
      {writer ? (
        <div class="two-forms">
          <AdjustForm sku={sku} onDone={onChanged} />
          <StockTakeForm sku={sku} onDone={onChanged} />
        </div>
      ) : null}
      <h3>
        Lịch sử kho <small lang="en">(movements)</small>
      </h3>
      {history.error ? <ErrorNote error={history.error} /> : null}
      {history.data ? <Movements items={history.data.items} /> : <Loading />}
    </section>
  );
}

function AdjustForm({ sku, onDone }: { sku: Sku; onDone: () => void }): JSX.Element {
  const [direction, setDirection] = useState<'in' | 'out'>('in');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const { busy, problem, submit } = useSubmit();
  // one key per intended change: a retry after a lost answer is not applied twice
  const [key, setKey] = useState(idempotencyKey);
  useEffect(() => setKey(idempotencyKey()), [direction, amount, reason]);

  const save = async () => {
    const size = parseWholeNumber(amount);
    await ok(
      api.POST('/v1/skus/{id}/stock-adjustments', {
        params: { path: { id: sku.id }, header: { 'Idempotency-Key': key } },
        body: { delta: direction === 'out' ? -size : size, reason: reason.trim() },
      }),
    );
    setAmount('');
    setReason('');
    onDone();
  };

  return (
    <form class="form" onSubmit={(event) => submit(event, save)} aria-labelledby="adjust-title">
      <h3 id="adjust-title">
        Điều chỉnh tồn kho <small lang="en">(stock adjustment)</small>
      </h3>
      <fieldset class="choice">
        <legend>
          Nhập hay xuất <small lang="en">(in or out)</small>
        </legend>
        <label class="check">
          <input
            type="radio"
            name="direction"
            checked={direction === 'in'}
            onChange={() => setDirection('in')}
          />{' '}
          Nhập thêm (+) <small lang="en">(add)</small>
        </label>
        <label class="check">
          <input
            type="radio"
            name="direction"
            checked={direction === 'out'}
            onChange={() => setDirection('out')}
          />{' '}
          Xuất bớt (−) <small lang="en">(remove)</small>
        </label>
      </fieldset>
      <Field id="adjust-amount" vi="Số lượng" en="quantity" error={fieldError(problem, 'delta')}>
        <input
          id="adjust-amount"
          inputMode="numeric"
          required
          value={amount}
          onInput={(e) => setAmount(e.currentTarget.value)}
        />
      </Field>
      <Field id="adjust-reason" vi="Lý do" en="reason" error={fieldError(problem, 'reason')}>
        <input
          id="adjust-reason"
          required
          maxLength={500}
          placeholder="Nhập hàng vụ xuân"
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </Field>
      <FormProblem problem={problem} fields={['delta', 'reason']} />
      <button type="submit" class="button button-primary" disabled={busy}>
        Lưu điều chỉnh <small lang="en">(save adjustment)</small>
      </button>
    </form>
  );
}

function StockTakeForm({ sku, onDone }: { sku: Sku; onDone: () => void }): JSX.Element {
  const [counted, setCounted] = useState('');
  const [reason, setReason] = useState('Kiểm kê');
  const { busy, problem, submit } = useSubmit();

  const save = async () => {
    await ok(
      api.PUT('/v1/skus/{id}/stock', {
        params: { path: { id: sku.id } },
        body: { onHand: parseWholeNumber(counted), reason: reason.trim() },
      }),
    );
    setCounted('');
    onDone();
  };

  return (
    <form class="form" onSubmit={(event) => submit(event, save)} aria-labelledby="take-title">
      <h3 id="take-title">
        Kiểm kê <small lang="en">(stock take)</small>
      </h3>
      <Field id="take-counted" vi="Số đếm được" en="counted" error={fieldError(problem, 'onHand')}>
        <input
          id="take-counted"
          inputMode="numeric"
          required
          value={counted}
          onInput={(e) => setCounted(e.currentTarget.value)}
        />
      </Field>
      <Field id="take-reason" vi="Lý do" en="reason" error={fieldError(problem, 'reason')}>
        <input
          id="take-reason"
          required
          maxLength={500}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </Field>
      <FormProblem problem={problem} fields={['onHand', 'reason']} />
      <button type="submit" class="button button-primary" disabled={busy}>
        Lưu kiểm kê <small lang="en">(save stock take)</small>
      </button>
    </form>
  );
}

function Movements({ items }: { items: Movement[] }): JSX.Element {
  if (items.length === 0) return <p class="empty">Chưa có thay đổi (no movements yet).</p>;
  return (
    <div class="table-wrap">
      <table class="cards-on-phone" data-table="movements">
        <thead>
          <tr>
            <th scope="col">Thời gian (time)</th>
            <th scope="col">Loại (kind)</th>
            <th scope="col">Thay đổi (change)</th>
            <th scope="col">Tồn sau (on hand after)</th>
            <th scope="col">Lý do (why)</th>
            <th scope="col">Người làm (who)</th>
          </tr>
        </thead>
        <tbody>
          {items.map((m) => (
            <tr key={m.id} data-movement={m.kind}>
              <td data-label="Thời gian">{formatDateTime(m.createdAt)}</td>
              <td data-label="Loại">{MOVEMENT_LABELS[m.kind] ?? m.kind}</td>
              <td data-label="Thay đổi" class="number">
                {m.onHandDelta > 0 ? `+${formatNumber(m.onHandDelta)}` : formatNumber(m.onHandDelta)}
                {m.reservedDelta !== 0 ? (
                  <small>
                    {' '}
                    (giữ {m.reservedDelta > 0 ? '+' : ''}
                    {m.reservedDelta})
                  </small>
                ) : null}
              </td>
              <td data-label="Tồn sau" class="number">
                {formatNumber(m.onHandAfter)}
              </td>
              <td data-label="Lý do">
                {m.reason}
                {m.orderId ? (
                  <>
                    {' '}
                    <a href={`#/orders/${m.orderId}`}>đơn hàng (order)</a>
                  </>
                ) : null}
              </td>
              <td data-label="Người làm" data-actor={m.actor?.name ?? ''}>
                {m.actor ? m.actor.name : m.kind === 'order' ? 'Sàn TMĐT (marketplace)' : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
