import { api, ok } from '../api';
import { chartBox, countAxis, draw } from './charts';
import { card, el, table } from './dom';
import { formatDateTime, formatNumber } from '../format';
import { HEALTH, HEALTH_COLOURS, HEALTH_LABELS, MARKETPLACE_LABELS } from '../labels';
import type { DeadWebhook } from '../api';

/** Seconds → "2 giờ 5 phút" style, short enough for a table cell on a phone. */
function waited(seconds: number): string {
  if (seconds < 60) return `${formatNumber(seconds)} giây (s)`;
  if (seconds < 3600) return `${formatNumber(Math.floor(seconds / 60))} phút (min)`;
  return `${formatNumber(Math.floor(seconds / 3600))} giờ ${formatNumber(Math.floor((seconds % 3600) / 60))} phút`;
}

/** Sync health for admins: listings by health, lag, and whether orders arrive by webhook and by polling. */
export async function renderSyncHealth(main: HTMLElement): Promise<void> {
  const health = await ok(api.GET('/v1/operations/sync-health'));
  const marketplaces = health.marketplaces.map((m) => MARKETPLACE_LABELS[m.marketplace] ?? m.marketplace);
  const listings$ = chartBox('syncListings');
  const webhooks$ = chartBox('webhookActivity');

  main.replaceChildren(
    el('h1', {}, 'Tình trạng đồng bộ ', el('small', {}, 'Sync health')),
    el(
      'p',
      {},
      el(
        'a',
        { href: health.queueDashboard, target: '_blank', rel: 'noopener', 'data-link': 'queues' },
        'Mở bảng hàng đợi (open the queue dashboard) →',
      ),
      el(
        'span',
        { class: 'note' },
        ' Trình duyệt sẽ hỏi mật khẩu: nhập khóa quản trị (the browser asks for a password: give the admin key).',
      ),
    ),
    el(
      'div',
      { class: 'grid' },
      card('Tin đăng theo sàn', 'Listings per marketplace', listings$.box),
      card(`Webhook ${health.windowHours} giờ qua`, `Webhooks, last ${health.windowHours} h`, webhooks$.box),
    ),
    card(
      'Theo sàn',
      'Per marketplace',
      table(
        [
          'Sàn',
          'Chờ lâu nhất (oldest lag)',
          'Kết nối (connections)',
          'Webhook gần nhất (last webhook)',
          'Lần đọc đơn gần nhất (last poll)',
          'Lỗi đọc đơn (poll errors)',
        ],
        health.marketplaces.map((m, i) => [
          marketplaces[i],
          waited(m.oldestLagSeconds),
          `${formatNumber(m.connections.active)} hoạt động · ${formatNumber(m.connections.paused)} tạm dừng · ${formatNumber(m.connections.auth_failed)} sai khóa`,
          formatDateTime(m.webhooks.lastReceivedAt),
          `${formatDateTime(m.polling.lastPolledAt)} (${formatNumber(m.polling.connections)} kết nối)`,
          m.polling.failing === 0 ? '0' : `${formatNumber(m.polling.failing)}: ${m.polling.lastError ?? ''}`,
        ]),
        { 'data-table': 'marketplaces' },
      ),
    ),
    card(
      'Tin đăng bị sàn từ chối',
      'Listings in error, with the marketplace’s message',
      health.errors.length === 0
        ? el('p', { class: 'note' }, 'Không có (none).')
        : table(
            ['Sàn', 'Nhà sản xuất (producer)', 'Mã sản phẩm (product id)', 'Thông báo của sàn (message)'],
            health.errors.map((e) => [
              MARKETPLACE_LABELS[e.marketplace] ?? e.marketplace,
              el('a', { href: `#/producer/${e.cooperativeId}` }, e.cooperativeName ?? e.cooperativeId),
              e.productId.slice(0, 8),
              e.lastError ?? '—',
            ]),
            { 'data-table': 'errors' },
          ),
    ),
    card(
      `Webhook lỗi quá số lần thử (${formatNumber(health.deadWebhooks.total)})`,
      'Dead webhooks: failed too often, no longer retried until you retry them',
      health.deadWebhooks.items.length === 0
        ? el('p', { class: 'note' }, 'Không có (none).')
        : table(
            [
              'Sàn',
              'Mã đơn của sàn (order id)',
              'Số lần thử (attempts)',
              'Lỗi cuối (last error)',
              'Từ lúc (dead since)',
              '',
            ],
            health.deadWebhooks.items.map((w) => [
              MARKETPLACE_LABELS[w.marketplace] ?? w.marketplace,
              w.externalOrderId,
              formatNumber(w.attempts),
              w.lastError ?? '—',
              formatDateTime(w.deadAt),
              retryButton(w, main),
            ]),
            { 'data-table': 'dead-webhooks' },
          ),
    ),
  );

  draw('syncListings', listings$.canvas, {
    type: 'bar',
    data: {
      labels: marketplaces,
      datasets: HEALTH.map((h) => ({
        label: HEALTH_LABELS[h],
        data: health.marketplaces.map((m) => m.counts[h]),
        backgroundColor: HEALTH_COLOURS[h],
      })),
    },
    options: { scales: { x: { stacked: true }, y: { ...countAxis, stacked: true } } },
  });
  draw('webhookActivity', webhooks$.canvas, {
    type: 'bar',
    data: {
      labels: marketplaces,
      datasets: WEBHOOK_SERIES.map(([label, key, colour]) => ({
        label,
        data: health.marketplaces.map((m) => m.webhooks[key]),
        backgroundColor: colour,
      })),
    },
    options: { scales: { y: countAxis } },
  });
}

const WEBHOOK_SERIES: [string, 'received' | 'processed' | 'failed' | 'dead' | 'waiting', string][] = [
  ['Nhận (received)', 'received', '#457b9d'],
  ['Đã xử lý (processed)', 'processed', '#2a9d8f'],
  ['Lỗi (failed)', 'failed', '#d62828'],
  ['Ngừng thử (dead)', 'dead', '#6a040f'],
  ['Đang chờ (waiting)', 'waiting', '#8d99ae'],
];

/** Retries a dead webhook, then shows the page again (the row leaves the table once it waits again). */
function retryButton(webhook: DeadWebhook, main: HTMLElement): HTMLElement {
  const button = el('button', { type: 'button', 'data-retry': webhook.id }, 'Thử lại (retry)');
  button.addEventListener('click', () => {
    button.setAttribute('disabled', '');
    ok(api.POST('/v1/operations/inbox/{id}/retry', { params: { path: { id: webhook.id } } }))
      .then(() => renderSyncHealth(main))
      .catch((error: unknown) => {
        button.removeAttribute('disabled');
        button.textContent = `Không thử lại được (${error instanceof Error ? error.message : String(error)})`;
      });
  });
  return button;
}
