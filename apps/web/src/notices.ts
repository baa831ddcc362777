/**
 * The bell's count goes stale when a notice is marked read elsewhere on the page: whoever marks
 * one says so, and the bell reads its count again at once instead of at its next poll.
 */
const CHANGED = 'ocop:notices-changed';

export function noticesChanged(): void {
  dispatchEvent(new Event(CHANGED));
}

export function onNoticesChanged(handler: () => void): () => void {
  addEventListener(CHANGED, handler);
  return () => removeEventListener(CHANGED, handler);
}

/** The bell's accessible name: "Thông báo (notifications): 3 chưa đọc". */
export function bellLabel(unread: number | undefined): string {
  if (unread === undefined) return 'Thông báo (notifications)';
  return `Thông báo (notifications): ${unread} chưa đọc`;
}

/** How often the bell asks for its count: one small call a minute per open tab. */
export const BELL_POLL_MS = 60_000;
