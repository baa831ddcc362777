/**
 * One shell for every page: the top bar (name, producer picker for officers and admins, the
 * person, sign out) and the menu, which becomes a bottom bar on a phone (styles.css).
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ok } from './api';
import { ROLE_LABELS } from './labels';
import { BELL_POLL_MS, bellLabel, onNoticesChanged } from './notices';
import { can, useSession } from './session';
import type { Role } from './session';
import { useLoad, usePoll } from './ui';

interface MenuItem {
  path: string;
  vi: string;
  en: string;
  offered: (role: Role) => boolean;
}

const MENU: MenuItem[] = [
  { path: '/orders', vi: 'Đơn hàng', en: 'orders', offered: () => true },
  { path: '/products', vi: 'Sản phẩm', en: 'products', offered: () => true },
  { path: '/stock', vi: 'Kho', en: 'stock', offered: () => true },
  { path: '/listings', vi: 'Đăng bán', en: 'listings', offered: () => true },
  { path: '/connections', vi: 'Gian hàng', en: 'shops', offered: can.manageShops },
  { path: '/import', vi: 'Nhập Excel', en: 'import', offered: can.writeCatalogue },
  { path: '/province', vi: 'Toàn tỉnh', en: 'province', offered: can.readProvince },
  { path: '/certificates', vi: 'Chứng nhận OCOP', en: 'certificates', offered: can.recordAssessments },
  { path: '/sync', vi: 'Đồng bộ', en: 'sync health', offered: can.seeSync },
];

/** How many menu entries a phone's bottom bar shows before "Thêm" (more). */
const ON_THE_BAR = 4;

export function menuFor(role: Role): MenuItem[] {
  return MENU.filter((item) => item.offered(role));
}

export function Shell({ path, children }: { path: string; children: ComponentChildren }): JSX.Element {
  const session = useSession();
  const { me } = session;
  const own = me.role === 'cooperative' && me.cooperativeId ? `/producer/${me.cooperativeId}` : null;
  const items = menuFor(me.role);
  const current = (item: string) => path === item || path.startsWith(`${item}/`);
  // a phone's bottom bar holds the first few; "Thêm" unfolds the rest (a desk shows them all)
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
  const links = [
    ...items.map((item) => ({ path: item.path, vi: item.vi, en: item.en })),
    ...(own ? [{ path: own, vi: 'Báo cáo', en: 'report' }] : []),
  ];
  return (
    <>
      <a class="skip-link" href="#main" onClick={skipToMain}>
        Bỏ qua menu (skip to content)
      </a>
      <header class="top-bar">
        <a class="brand" href="#/">
          OCOP Thái Nguyên
        </a>
        {me.role !== 'cooperative' ? <ProducerPicker /> : null}
        {me.kind === 'user' ? <Bell path={path} /> : null}
        <span class="who">
          <span class="who-name">{me.user?.name ?? 'API key'}</span>{' '}
          <small class="who-role">{ROLE_LABELS[me.role] ?? me.role}</small>
        </span>
        <button
          type="button"
          class="button button-quiet"
          id="sign-out"
          onClick={() => void session.signOut()}
        >
          Đăng xuất <small lang="en">(sign out)</small>
        </button>
      </header>
      <nav class={open ? 'menu menu-open' : 'menu'} aria-label="Menu">
        <ul id="menu-items">
          {links.map((link, index) => (
            <li key={link.path} class={index >= ON_THE_BAR ? 'menu-extra' : undefined}>
              <a href={`#${link.path}`} aria-current={current(link.path) ? 'page' : undefined}>
                <span class="menu-label">
                  {link.vi} <small lang="en">({link.en})</small>
                </span>
              </a>
            </li>
          ))}
          {links.length > ON_THE_BAR + 1 ? (
            <li class="menu-more">
              <button
                type="button"
                aria-expanded={open}
                aria-controls="menu-items"
                onClick={() => setOpen((was) => !was)}
              >
                {open ? 'Thu gọn' : 'Thêm'} <small lang="en">({open ? 'less' : 'more'})</small>
              </button>
            </li>
          ) : null}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/**
 * The bell: the person's unread notices, read again on every page change, once a minute, and when
 * a notice is marked read; one small call each time.
 */
function Bell({ path }: { path: string }): JSX.Element {
  const count = useLoad(() => ok(api.GET('/v1/notifications/unread-count')), [path]);
  usePoll(true, count.reload, BELL_POLL_MS);
  useEffect(() => onNoticesChanged(count.reload), [count.reload]);
  const unread = count.data?.count;
  return (
    <a
      class={unread ? 'bell bell-unread' : 'bell'}
      id="bell"
      href="#/notifications"
      aria-label={bellLabel(unread)}
      aria-current={path === '/notifications' ? 'page' : undefined}
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
        />
      </svg>
      {unread ? <span class="bell-count">{unread > 99 ? '99+' : unread}</span> : null}
    </a>
  );
}

/** The skip link must not change the hash: that would be read as a route. */
function skipToMain(event: Event): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function ProducerPicker(): JSX.Element {
  const session = useSession();
  return (
    <div class="producer-picker">
      <label for="producer-picker">
        Chủ thể OCOP <small lang="en">(producer)</small>
      </label>
      <select
        id="producer-picker"
        value={session.producerId ?? ''}
        onChange={(event) => session.chooseProducer((event.currentTarget as HTMLSelectElement).value || null)}
      >
        <option value="">Tất cả chủ thể (all producers)</option>
        {session.producers.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </div>
  );
}
