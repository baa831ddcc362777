/**
 * `#/notifications`: the signed-in person's notices, newest first, 50 at a time with "Xem thêm";
 * `?unread=1` shows the unread ones only. Opening a notice marks it read and goes to what it is
 * about; "Đánh dấu đã đọc" marks it read where it is.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, ok } from '../api';
import type { Notice } from '../api';
import { formatDateTime } from '../format';
import { noticesChanged } from '../notices';
import { href } from '../router';
import {
  ActionButton,
  Empty,
  ErrorNote,
  Loading,
  MoreButton,
  PageTitle,
  useKeysetList,
  usePage,
} from '../ui';

const PAGE_SIZE = 50;

export function NotificationsPage({ query }: { query: URLSearchParams }): JSX.Element {
  const unreadOnly = query.get('unread') === '1';
  const read = (after?: string) =>
    ok(
      api.GET('/v1/notifications', {
        params: { query: { limit: PAGE_SIZE, cursor: after, unread: unreadOnly ? 'true' : undefined } },
      }),
    );
  const list = useKeysetList(read, [unreadOnly]);
  const notices = list.items;
  const [problem, setProblem] = useState<unknown>();
  usePage('notifications', 'Thông báo', !list.loading);

  async function markRead(notice: Notice): Promise<Notice> {
    // 204: the notice is marked where it is shown, the first reading's time kept as the API keeps it
    await ok(api.POST('/v1/notifications/{id}/read', { params: { path: { id: notice.id } } }));
    const done = { ...notice, readAt: notice.readAt ?? new Date().toISOString() };
    list.setItems((shown) => shown.map((n) => (n.id === done.id ? done : n)));
    noticesChanged();
    return done;
  }

  async function open(notice: Notice): Promise<void> {
    setProblem(undefined);
    try {
      if (!notice.readAt) await markRead(notice);
      location.hash = notice.link;
    } catch (error) {
      setProblem(error);
    }
  }

  return (
    <>
      <PageTitle vi="Thông báo" en="notifications" />
      <nav class="tabs" aria-label="Thông báo">
        <a href={href('/notifications')} aria-current={unreadOnly ? undefined : 'page'}>
          Tất cả <small lang="en">(all)</small>
        </a>
        <a href={href('/notifications', { unread: 1 })} aria-current={unreadOnly ? 'page' : undefined}>
          Chưa đọc <small lang="en">(unread)</small>
        </a>
      </nav>
      {problem ? <ErrorNote error={problem} /> : null}
      {list.error ? <ErrorNote error={list.error} /> : null}
      {list.loading && notices.length === 0 ? <Loading /> : null}
      {!list.loading && !list.error && notices.length === 0 ? (
        <Empty>
          {unreadOnly ? 'Không có thông báo chưa đọc' : 'Chưa có thông báo nào'}{' '}
          <small lang="en">(no notices)</small>
        </Empty>
      ) : null}
      <ul class="notice-list" aria-label="Thông báo (notifications)">
        {notices.map((notice) => (
          <li
            key={notice.id}
            class={notice.readAt ? 'notice' : 'notice notice-unread'}
            data-notice={notice.id}
          >
            <p class="notice-title">
              <a
                href={notice.link}
                onClick={(event) => {
                  event.preventDefault();
                  void open(notice);
                }}
              >
                {notice.title}
              </a>
              {notice.readAt ? null : (
                <span class="notice-badge">
                  Mới <small lang="en">(new)</small>
                </span>
              )}
            </p>
            <p class="notice-body">{notice.body}</p>
            <p class="notice-meta">
              <time dateTime={notice.createdAt}>{formatDateTime(notice.createdAt)}</time>
              {notice.readAt ? null : (
                <ActionButton kind="secondary" onAction={() => markRead(notice).catch(setProblem)}>
                  Đánh dấu đã đọc <small lang="en">(mark read)</small>
                </ActionButton>
              )}
            </p>
          </li>
        ))}
      </ul>
      <MoreButton more={list.more} offered={list.hasMore} onMore={list.loadMore} />
    </>
  );
}
