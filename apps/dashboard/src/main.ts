import { ApiError, apiGet, apiGetAll, session } from './api.js';
import { pageReady, resetCharts } from './charts.js';
import { el } from './dom.js';
import { NO_DISTRICT, ROLE_LABELS } from './labels.js';
import { renderProducer } from './producer-page.js';
import { renderProvince } from './province-page.js';
import { renderSyncHealth } from './sync-page.js';
import type { Cooperative, Me } from './api.js';

const main = document.getElementById('content') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
let me: Me | null = null;
let producers: Cooperative[] = [];

function showLogin(message?: string): void {
  resetCharts('login');
  nav.replaceChildren();
  const input = el('input', {
    type: 'password',
    id: 'api-key',
    autocomplete: 'off',
    required: '',
    'aria-label': 'Khóa API (API key)',
  });
  // POST and no name attribute: even without this script the key could not land in a URL
  const form = el(
    'form',
    { method: 'post', action: '#', id: 'login' },
    el('label', { for: 'api-key' }, 'Khóa API ', el('small', {}, '(API key)')),
    input,
    el('button', { type: 'submit' }, 'Đăng nhập (sign in)'),
    message ? el('p', { class: 'error', role: 'alert' }, message) : null,
    el(
      'p',
      { class: 'note' },
      'Khóa chỉ được giữ trong thẻ này và mất khi đóng thẻ (kept in this tab only).',
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    session.save(input.value.trim());
    void start();
  });
  main.replaceChildren(el('h1', {}, 'Bảng điều khiển OCOP ', el('small', {}, 'OCOP dashboard')), form);
  pageReady();
}

function navigation(): void {
  if (!me) return;
  const links: HTMLElement[] = [];
  if (me.role !== 'cooperative') {
    links.push(el('a', { href: '#/province', 'data-nav': 'province' }, 'Toàn tỉnh (province)'));
    const picker = el(
      'select',
      { id: 'producer-picker', 'aria-label': 'Chọn nhà sản xuất (choose a producer)' },
      el('option', { value: '' }, 'Nhà sản xuất… (producer)'),
      ...producers.map((p) => el('option', { value: p.id }, `${p.name} — ${p.district ?? NO_DISTRICT}`)),
    );
    picker.addEventListener('change', () => {
      if (picker.value) location.hash = `#/producer/${picker.value}`;
    });
    links.push(picker);
  } else if (me.cooperativeId) {
    links.push(
      el('a', { href: `#/producer/${me.cooperativeId}`, 'data-nav': 'own' }, 'Trang của tôi (my page)'),
    );
  }
  if (me.role === 'admin')
    links.push(el('a', { href: '#/sync', 'data-nav': 'sync' }, 'Đồng bộ (sync health)'));
  const logout = el('button', { type: 'button', id: 'logout' }, 'Đăng xuất (sign out)');
  logout.addEventListener('click', () => {
    session.clear();
    me = null;
    location.hash = '';
    showLogin();
  });
  nav.replaceChildren(...links, el('span', { class: 'role' }, ROLE_LABELS[me.role] ?? me.role), logout);
}

function homeOf(who: Me): string {
  return who.role === 'cooperative' ? `#/producer/${who.cooperativeId}` : '#/province';
}

/** Shows the page the hash names, as far as the key may see it; the API decides, not this script. */
async function route(): Promise<void> {
  if (!me) return;
  const hash = location.hash || homeOf(me);
  const producer = /^#\/producer\/([0-9a-fA-F-]{36})$/.exec(hash);
  const page = producer ? 'producer' : hash === '#/sync' ? 'sync' : 'province';
  resetCharts(page);
  main.replaceChildren(el('p', { class: 'loading' }, 'Đang tải… (loading)'));
  try {
    if (producer) await renderProducer(main, producer[1]);
    else if (page === 'sync') await renderSyncHealth(main);
    else await renderProvince(main, producers);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.clear();
      showLogin('Khóa không hợp lệ hoặc đã bị thu hồi (invalid or revoked key).');
      return;
    }
    resetCharts('refused');
    const refused = error instanceof ApiError && (error.status === 403 || error.status === 404);
    main.replaceChildren(
      el(
        'div',
        {
          class: 'refused',
          role: 'alert',
          'data-status': error instanceof ApiError ? String(error.status) : 'error',
        },
        el(
          'h1',
          {},
          refused ? 'Không xem được trang này ' : 'Đã có lỗi ',
          el('small', {}, refused ? '(not available to this key)' : '(something went wrong)'),
        ),
        el('p', {}, error instanceof Error ? error.message : String(error)),
        el('p', {}, el('a', { href: homeOf(me) }, 'Về trang chính (home)')),
      ),
    );
  }
  pageReady();
}

async function start(): Promise<void> {
  if (!session.key()) return showLogin();
  try {
    me = await apiGet('/v1/me');
    producers =
      me.role === 'cooperative'
        ? []
        : (await apiGetAll('/v1/cooperatives')).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  } catch (error) {
    session.clear();
    me = null;
    return showLogin(
      error instanceof ApiError && error.status === 401
        ? 'Khóa không hợp lệ hoặc đã bị thu hồi (invalid or revoked key).'
        : `Không kết nối được (could not reach the API): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  navigation();
  await route();
}

window.addEventListener('hashchange', () => void route());
void start();
