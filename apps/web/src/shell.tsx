/**
 * One shell for every page: the top bar (name, producer picker for officers and admins, the
 * person, sign out) and the menu, which becomes a bottom bar on a phone (styles.css).
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ROLE_LABELS } from './labels';
import { can, useSession } from './session';
import type { Role } from './session';

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
