/**
 * Gian hàng (#/connections): the producer's marketplace shops, each with its state as the sync
 * engine last found it (with the marketplace's reason when it refused the login), and what a seller
 * does with one: check the login now, publish everything again, pause or resume. Below, the form
 * that connects a shop asks only what that marketplace's style needs, says where in its seller
 * centre each value is, and gives back the webhook address to paste there.
 * One call for the list whatever the number of shops.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { allConnections, api, ApiError, ok } from '../api';
import type { Schemas } from '../api';
import { formatDateTime } from '../format';
import { CONNECTION_LABELS, MARKETPLACE_LABELS, MARKETPLACES } from '../labels';
import { can, producerName, useSession } from '../session';
import {
  ActionButton,
  Empty,
  ErrorNote,
  Field,
  fieldError,
  Loading,
  PageTitle,
  useLoad,
  usePage,
} from '../ui';
import { credentialsToSend, SHOP_STYLES, type Marketplace } from './shop-styles';

type Connection = Schemas['ConnectionResponse'];
type Check = Schemas['ConnectionCheckResponse']['check'];

export function ConnectionsPage(): JSX.Element {
  const session = useSession();
  const producerId = session.producerId;
  const connections = useLoad(
    () => (producerId ? allConnections(producerId) : Promise.resolve([])),
    [producerId],
  );
  usePage('connections', 'Gian hàng', !connections.loading);
  const writer = can.manageShops(session.me.role);
  const [connected, setConnected] = useState<Connection | null>(null);

  if (!producerId) {
    return (
      <>
        <PageTitle vi="Gian hàng trên sàn TMĐT" en="marketplace shops" />
        <Empty>
          <p>
            Hãy chọn một chủ thể OCOP ở ô “Chủ thể OCOP” phía trên để xem và kết nối gian hàng của họ (choose
            a producer above to see and connect their shops).
          </p>
        </Empty>
      </>
    );
  }
  const list = connections.data ?? [];
  return (
    <>
      <PageTitle vi="Gian hàng trên sàn TMĐT" en="marketplace shops">
        {writer ? (
          <button type="button" class="button button-primary" onClick={focusConnectForm}>
            Kết nối gian hàng <small lang="en">(connect a shop)</small>
          </button>
        ) : null}
      </PageTitle>
      {session.me.role !== 'cooperative' ? (
        <p class="hint">
          Chủ thể OCOP (producer): <strong>{producerName(session, producerId)}</strong>
        </p>
      ) : null}
      {connections.error ? <ErrorNote error={connections.error} /> : null}
      {connections.loading && !connections.data ? <Loading /> : null}
      {connections.data && list.length === 0 ? (
        <Empty>
          <p>
            Chưa kết nối gian hàng nào — điền mẫu “Kết nối gian hàng” bên dưới với thông tin từ trang người
            bán của sàn (no shop connected yet: fill in the form below).
          </p>
        </Empty>
      ) : null}
      {list.length > 0 ? (
        <>
          <p class="total">
            {list.length} gian hàng <small lang="en">({list.length} shops)</small>
          </p>
          <div class="table-wrap">
            <table class="cards-on-phone" data-table="connections">
              <thead>
                <tr>
                  <th scope="col">Sàn TMĐT (marketplace)</th>
                  <th scope="col">Mã gian hàng (shop id)</th>
                  <th scope="col">Trạng thái (status)</th>
                  <th scope="col">Đồng bộ đơn lúc (last order sync)</th>
                  <th scope="col">Địa chỉ webhook (webhook URL)</th>
                  {writer ? <th scope="col">Thao tác (actions)</th> : null}
                </tr>
              </thead>
              <tbody>
                {list.map((connection) => (
                  <ConnectionRow
                    key={connection.id}
                    connection={connection}
                    writer={writer}
                    onChanged={connections.reload}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {connected ? <Connected connection={connected} onClose={() => setConnected(null)} /> : null}
      {writer ? (
        <ConnectForm
          cooperativeId={producerId}
          onConnected={(connection) => {
            setConnected(connection);
            connections.reload();
          }}
        />
      ) : null}
    </>
  );
}

/** The hash is the route, so the form is reached by script, not by an #anchor. */
function focusConnectForm(): void {
  const form = document.getElementById('connect-shop');
  form?.scrollIntoView();
  document.getElementById('connect-marketplace-sendo')?.focus();
}

function ConnectionRow({
  connection,
  writer,
  onChanged,
}: {
  connection: Connection;
  writer: boolean;
  onChanged: () => void;
}): JSX.Element {
  const [problem, setProblem] = useState<unknown>();
  const [check, setCheck] = useState<Check | null>(null);
  const [republished, setRepublished] = useState<number | null>(null);
  const [renewing, setRenewing] = useState(false);

  async function act(action: () => Promise<void>): Promise<void> {
    setProblem(undefined);
    setRepublished(null);
    setCheck(null);
    try {
      await action();
    } catch (error) {
      setProblem(error);
    }
    onChanged();
  }

  return (
    <tr
      data-connection={connection.id}
      data-marketplace={connection.marketplace}
      data-status={connection.status}
    >
      <td data-label="Sàn">{MARKETPLACE_LABELS[connection.marketplace] ?? connection.marketplace}</td>
      <td data-label="Mã gian hàng">{connection.shopId}</td>
      <td data-label="Trạng thái">
        <span class={`badge badge-connection-${connection.status}`}>
          {CONNECTION_LABELS[connection.status] ?? connection.status}
        </span>
        {connection.status === 'auth_failed' && connection.statusReason ? (
          <p class="marketplace-message" data-reason>
            Lý do (reason): <q>{connection.statusReason}</q>
          </p>
        ) : null}
        {check ? (
          <p class={check.accepted ? 'check-ok' : 'marketplace-message'} role="status" data-check>
            {check.accepted
              ? 'Sàn đã chấp nhận thông tin đăng nhập (the marketplace accepted the credentials).'
              : `Sàn từ chối thông tin đăng nhập (refused): ${check.message ?? ''}`}
          </p>
        ) : null}
        {republished !== null ? (
          <p class="check-ok" role="status">
            {republished} tin đăng sẽ được đăng lại (listings will be published again).
          </p>
        ) : null}
        {problem ? <ErrorNote error={problem} /> : null}
        {connection.updatedBy ? (
          <p class="hint" data-updated-by={connection.updatedBy.name}>
            Sửa lần cuối bởi {connection.updatedBy.name} (last changed by)
          </p>
        ) : null}
      </td>
      <td data-label="Đồng bộ đơn lúc">{formatDateTime(connection.lastOrderSyncAt)}</td>
      <td data-label="Webhook">
        <code class="webhook-url">{connection.webhookUrl}</code>
      </td>
      {writer ? (
        <td data-label="Thao tác">
          <div class="row-actions">
            <ActionButton
              data-action="check"
              onAction={() =>
                act(async () => {
                  const answer = await ok(
                    api.POST('/v1/connections/{id}/check', { params: { path: { id: connection.id } } }),
                  );
                  setCheck(answer.check);
                })
              }
            >
              Kiểm tra kết nối <small lang="en">(check connection)</small>
            </ActionButton>
            <ActionButton
              data-action="republish"
              onAction={() =>
                act(async () => {
                  const answer = await ok(
                    api.POST('/v1/connections/{id}/republish', { params: { path: { id: connection.id } } }),
                  );
                  setRepublished(answer.listings);
                })
              }
            >
              Đăng lại <small lang="en">(republish)</small>
            </ActionButton>
            {connection.status === 'active' ? (
              <ActionButton
                data-action="pause"
                onAction={() =>
                  act(async () => {
                    await ok(
                      api.PATCH('/v1/connections/{id}', {
                        params: { path: { id: connection.id } },
                        body: { status: 'paused' },
                      }),
                    );
                  })
                }
              >
                Tạm dừng <small lang="en">(pause)</small>
              </ActionButton>
            ) : null}
            {connection.status === 'paused' ? (
              <ActionButton
                data-action="resume"
                onAction={() =>
                  act(async () => {
                    await ok(
                      api.PATCH('/v1/connections/{id}', {
                        params: { path: { id: connection.id } },
                        body: { status: 'active' },
                      }),
                    );
                  })
                }
              >
                Tiếp tục <small lang="en">(resume)</small>
              </ActionButton>
            ) : null}
            <button
              type="button"
              class="button button-secondary"
              data-action="new-credentials"
              aria-expanded={renewing}
              onClick={() => setRenewing(!renewing)}
            >
              Cập nhật thông tin đăng nhập <small lang="en">(new credentials)</small>
            </button>
          </div>
          {renewing ? (
            <NewCredentials
              connection={connection}
              onCancel={() => setRenewing(false)}
              onDone={() => {
                setRenewing(false);
                onChanged();
              }}
            />
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}

/** The form's values: the shop id, each credential the style names, and the webhook secret. */
interface Draft {
  shopId: string;
  credentials: Record<string, string>;
  webhookSecret: string;
  stockBufferPercent: string;
  autoConfirmOrders: boolean;
}
const emptyDraft = (): Draft => ({
  shopId: '',
  credentials: {},
  webhookSecret: '',
  stockBufferPercent: '0',
  autoConfirmOrders: false,
});

function ConnectForm({
  cooperativeId,
  onConnected,
}: {
  cooperativeId: string;
  onConnected: (connection: Connection) => void;
}): JSX.Element {
  const [marketplace, setMarketplace] = useState<Marketplace>('sendo');
  // one draft per marketplace, so switching style and back loses nothing typed
  const [drafts, setDrafts] = useState<Record<Marketplace, Draft>>({
    sendo: emptyDraft(),
    voso: emptyDraft(),
    postmart: emptyDraft(),
    shopee: emptyDraft(),
    tiktok: emptyDraft(),
    lazada: emptyDraft(),
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const draft = drafts[marketplace];
  const style = SHOP_STYLES[marketplace];
  const change = (patch: Partial<Draft>) =>
    setDrafts((all) => ({ ...all, [marketplace]: { ...all[marketplace], ...patch } }));
  const setCredential = (name: string, value: string) =>
    change({ credentials: { ...draft.credentials, [name]: value } });

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const credentials = credentialsToSend(style, draft.credentials, draft.webhookSecret);
      const buffer = Number(draft.stockBufferPercent);
      const connection = await ok(
        api.POST('/v1/cooperatives/{id}/connections', {
          params: { path: { id: cooperativeId } },
          body: {
            marketplace,
            shopId: draft.shopId.trim(),
            credentials,
            stockBufferPercent: Number.isInteger(buffer) ? buffer : undefined,
            autoConfirmOrders: draft.autoConfirmOrders,
          },
        }),
      );
      setDrafts((all) => ({ ...all, [marketplace]: emptyDraft() }));
      onConnected(connection);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  // a 409 is about the shop (connected already); a refused login about the credentials
  const conflict = error instanceof ApiError && error.status === 409 ? error.message : undefined;
  const unplaced = error && !conflict && !placedByField(error);
  const id = (name: string) => `connect-${marketplace}-${name}`;
  return (
    <section class="card" id="connect-shop" aria-labelledby="connect-title">
      <h2 id="connect-title">
        Kết nối gian hàng <small lang="en">(connect a shop)</small>
      </h2>
      <form class="form" onSubmit={(event) => void submit(event)} data-form="connect-shop">
        <fieldset class="choice">
          <legend>
            Sàn TMĐT <small lang="en">(marketplace)</small>
          </legend>
          {MARKETPLACES.map((m) => (
            <label class="check" key={m}>
              <input
                type="radio"
                name="connect-marketplace"
                id={`connect-marketplace-${m}`}
                value={m}
                checked={marketplace === m}
                onChange={() => {
                  setMarketplace(m);
                  setError(undefined);
                }}
              />{' '}
              {MARKETPLACE_LABELS[m]}
            </label>
          ))}
        </fieldset>
        <p class="hint">
          Các thông tin dưới đây lấy từ trang người bán: <strong>{style.seller}</strong> (values from the
          marketplace’s seller centre).
        </p>
        <fieldset disabled={busy}>
          <legend>
            Thông tin gian hàng {MARKETPLACE_LABELS[marketplace]} <small lang="en">(shop credentials)</small>
          </legend>
          <Field
            id={id('shopId')}
            vi="Mã gian hàng"
            en="shop id"
            hint={style.shopIdHelp}
            error={fieldError(error, 'shopId') ?? conflict}
          >
            <input
              id={id('shopId')}
              name="shopId"
              required
              autocomplete="off"
              value={draft.shopId}
              aria-describedby={`${id('shopId')}-hint`}
              onInput={(e) => change({ shopId: e.currentTarget.value })}
            />
          </Field>
          <CredentialInputs
            idOf={id}
            marketplace={marketplace}
            values={draft.credentials}
            webhookSecret={draft.webhookSecret}
            error={error}
            onCredential={setCredential}
            onWebhookSecret={(value) => change({ webhookSecret: value })}
          />
          <Field
            id={id('buffer')}
            vi="Giữ lại tồn kho (%)"
            en="stock held back"
            hint="Phần trăm tồn kho không bán trên sàn này, 0–100 (share of stock not offered here)."
            error={fieldError(error, 'stockBufferPercent')}
          >
            <input
              id={id('buffer')}
              type="number"
              inputMode="numeric"
              min={0}
              max={100}
              step={1}
              value={draft.stockBufferPercent}
              aria-describedby={`${id('buffer')}-hint`}
              onInput={(e) => change({ stockBufferPercent: e.currentTarget.value })}
            />
          </Field>
          <label class="check">
            <input
              type="checkbox"
              checked={draft.autoConfirmOrders}
              onChange={(e) => change({ autoConfirmOrders: e.currentTarget.checked })}
            />{' '}
            Tự xác nhận đơn mới <small lang="en">(confirm new orders automatically)</small>
          </label>
        </fieldset>
        {unplaced ? <ErrorNote error={error} /> : null}
        {error && !unplaced ? (
          <p class="form-error" role="alert">
            Chưa kết nối được — xem thông báo bên cạnh ô nhập (not connected: see the message by the field).
          </p>
        ) : null}
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy} aria-busy={busy}>
            Kết nối gian hàng {MARKETPLACE_LABELS[marketplace]} <small lang="en">(connect the shop)</small>
          </button>
        </div>
      </form>
    </section>
  );
}

/** Whether the API named the field its error is about, so the form shows it there. */
function placedByField(error: unknown): boolean {
  return error instanceof ApiError && error.details.some((d) => typeof d.field === 'string');
}

/**
 * The credentials a marketplace style takes, each with where its seller centre shows it, and the
 * webhook secret; a refused login (details field "credentials") is shown beside the last of them.
 */
function CredentialInputs({
  idOf,
  marketplace,
  values,
  webhookSecret,
  error,
  onCredential,
  onWebhookSecret,
}: {
  idOf: (name: string) => string;
  marketplace: Marketplace;
  values: Record<string, string>;
  webhookSecret: string;
  error: unknown;
  onCredential: (name: string, value: string) => void;
  onWebhookSecret: (value: string) => void;
}): JSX.Element {
  const style = SHOP_STYLES[marketplace];
  const refused = fieldError(error, 'credentials');
  return (
    <>
      {style.fields.map((field, index) => (
        <Field
          key={field.name}
          id={idOf(field.name)}
          vi={field.vi}
          en={field.en}
          hint={field.where}
          error={
            fieldError(error, `credentials.${field.name}`) ??
            (index === style.fields.length - 1 ? refused : undefined)
          }
        >
          <input
            id={idOf(field.name)}
            name={field.name}
            type={field.secret ? 'password' : 'text'}
            required
            autocomplete={field.secret ? 'new-password' : 'off'}
            value={values[field.name] ?? ''}
            aria-describedby={`${idOf(field.name)}-hint`}
            onInput={(e) => onCredential(field.name, e.currentTarget.value)}
          />
        </Field>
      ))}
      {style.webhookSecretFrom ? (
        <p class="hint">{style.webhookSecretHelp}</p>
      ) : (
        <Field
          id={idOf('webhookSecret')}
          vi="Khóa ký webhook"
          en="webhook secret"
          hint={style.webhookSecretHelp}
          error={fieldError(error, 'credentials.webhookSecret')}
        >
          <input
            id={idOf('webhookSecret')}
            name="webhookSecret"
            type="password"
            required
            autocomplete="new-password"
            value={webhookSecret}
            aria-describedby={`${idOf('webhookSecret')}-hint`}
            onInput={(e) => onWebhookSecret(e.currentTarget.value)}
          />
        </Field>
      )}
    </>
  );
}

/**
 * New credentials for a shop already connected (the seller changed the password, or an
 * administrator moved the shop here): PATCH replaces them all, and working ones lift auth_failed.
 */
function NewCredentials({
  connection,
  onDone,
  onCancel,
}: {
  connection: Connection;
  onDone: () => void;
  onCancel: () => void;
}): JSX.Element {
  const [values, setValues] = useState<Record<string, string>>({});
  const [webhookSecret, setWebhookSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const style = SHOP_STYLES[connection.marketplace];

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const credentials = credentialsToSend(style, values, webhookSecret);
      await ok(
        api.PATCH('/v1/connections/{id}', { params: { path: { id: connection.id } }, body: { credentials } }),
      );
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="form new-credentials" onSubmit={(event) => void submit(event)} data-form="new-credentials">
      <fieldset disabled={busy}>
        <legend>
          Thông tin đăng nhập mới <small lang="en">(new credentials)</small>
        </legend>
        <CredentialInputs
          idOf={(name) => `credentials-${connection.id}-${name}`}
          marketplace={connection.marketplace}
          values={values}
          webhookSecret={webhookSecret}
          error={error}
          onCredential={(name, value) => setValues((now) => ({ ...now, [name]: value }))}
          onWebhookSecret={setWebhookSecret}
        />
      </fieldset>
      {error && !placedByField(error) ? <ErrorNote error={error} /> : null}
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy} aria-busy={busy}>
          Lưu thông tin đăng nhập <small lang="en">(save credentials)</small>
        </button>
        <button type="button" class="button button-quiet" onClick={onCancel}>
          Hủy <small lang="en">(cancel)</small>
        </button>
      </div>
    </form>
  );
}

/** After connecting: the address the marketplace must send the shop's orders to, ready to copy. */
function Connected({ connection, onClose }: { connection: Connection; onClose: () => void }): JSX.Element {
  const style = SHOP_STYLES[connection.marketplace];
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'copied' | 'selected' | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // the form that was just sent is below: bring the last step to the eye and to a screen reader
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus();
  }, [connection.id]);

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(connection.webhookUrl);
      setCopied('copied');
    } catch {
      // no clipboard (an http page, a refused permission): select it for Ctrl+C / long press
      field.current?.focus();
      field.current?.select();
      setCopied('selected');
    }
  }

  return (
    <section class="card connected" aria-labelledby="connected-title" data-connected={connection.id}>
      <h2 id="connected-title" ref={heading} tabIndex={-1}>
        Đã kết nối gian hàng {MARKETPLACE_LABELS[connection.marketplace]} {connection.shopId}{' '}
        <small lang="en">(shop connected)</small>
      </h2>
      <p>
        Bước cuối: dán địa chỉ này vào <strong>{style.webhookPlace}</strong>, để sàn báo đơn hàng mới ngay khi
        có (last step: paste this address in the marketplace’s webhook settings so new orders arrive at once).
      </p>
      <Field id="webhook-url" vi="Địa chỉ webhook" en="webhook URL">
        <div class="copy-line">
          <input
            id="webhook-url"
            ref={field}
            readOnly
            value={connection.webhookUrl}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" class="button button-secondary" onClick={() => void copy()}>
            Sao chép <small lang="en">(copy)</small>
          </button>
        </div>
      </Field>
      {copied ? (
        <p class="check-ok" role="status">
          {copied === 'copied'
            ? 'Đã sao chép (copied).'
            : 'Đã chọn địa chỉ — bấm Ctrl+C hoặc giữ để sao chép (selected: press Ctrl+C or long-press to copy).'}
        </p>
      ) : null}
      <button type="button" class="button button-quiet" onClick={onClose}>
        Đóng <small lang="en">(close)</small>
      </button>
    </section>
  );
}
