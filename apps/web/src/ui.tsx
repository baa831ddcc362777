/** The pieces every page is made of: labelled fields, loading and error states, a page marker. */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, messageOf } from './api';
import { pageBusy, pageLoading, pageReady } from './page-state';

/** Loads a page's data when its inputs change; a slower, older answer never overwrites a newer one. */
export function useLoad<T>(
  load: () => Promise<T>,
  inputs: unknown[],
): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const call = ++latest.current;
    setState((previous) => ({ data: previous.data, loading: true }));
    load().then(
      (data) => call === latest.current && setState({ data, loading: false }),
      (error: unknown) => call === latest.current && setState({ error, loading: false }),
    );
  }, [...inputs, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** One keyset page of a list, as the API answers a `GET` with `limit` and `cursor`. */
export interface KeysetPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A list read a page at a time: the first page again whenever `inputs` change (useLoad's rules),
 * and "Xem thêm" appending the page after the last one shown. `read()` is the first page,
 * `read(cursor)` the one after `cursor`. `setItems` changes rows in place, for an action's answer.
 */
export function useKeysetList<T>(
  read: (after?: string) => Promise<KeysetPage<T>>,
  inputs: unknown[],
): {
  items: T[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  more: More;
  loadMore: () => Promise<void>;
  setItems: (update: (items: T[]) => T[]) => void;
} {
  const first = useLoad(() => read(), inputs);
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState<More>({ busy: false });
  // the answer a page of "Xem thêm" belongs to: one that arrives after the filters changed is the
  // old list's next page, and is dropped instead of added to the new list
  const generation = useRef(0);
  useEffect(() => {
    generation.current += 1;
    setMore({ busy: false });
    if (first.data) {
      setItems(first.data.items);
      setCursor(first.data.nextCursor);
    }
  }, [first.data]);

  async function loadMore(): Promise<void> {
    if (!cursor) return;
    const asked = generation.current;
    setMore({ busy: true });
    try {
      const page = await read(cursor);
      if (asked !== generation.current) return;
      setItems((loaded) => [...loaded, ...page.items]);
      setCursor(page.nextCursor);
      setMore({ busy: false });
    } catch (error) {
      if (asked === generation.current) setMore({ busy: false, error });
    }
  }

  return {
    items,
    loading: first.loading,
    error: first.error,
    hasMore: cursor !== null,
    more,
    loadMore,
    setItems,
  };
}

/**
 * Marks <body> with the page's name, and ready once its data is on screen (tests wait on it); a
 * page loading again (a new filter) is busy again, so nobody reads the old rows as the new answer.
 */
export function usePage(name: string, title: string, ready: boolean): void {
  useEffect(() => {
    pageLoading(name);
    document.title = `${title} · OCOP Thái Nguyên`;
  }, [name, title]);
  useEffect(() => {
    if (ready) pageReady(name);
    else pageBusy(name);
  }, [name, ready]);
}

export function Bilingual({ vi, en }: { vi: string; en: string }): JSX.Element {
  return (
    <>
      {vi} <small lang="en">({en})</small>
    </>
  );
}

export function PageTitle({ vi, en, children }: { vi: string; en: string; children?: ComponentChildren }) {
  return (
    <div class="page-title">
      <h1>
        <Bilingual vi={vi} en={en} />
      </h1>
      {children ? <div class="page-actions">{children}</div> : null}
    </div>
  );
}

export function Loading(): JSX.Element {
  return (
    <p class="loading" role="status">
      Đang tải… <small lang="en">(loading)</small>
    </p>
  );
}

/** An API error in the API's own words, with a way out when the thing is gone or not ours. */
export function ErrorNote({ error }: { error: unknown }): JSX.Element {
  const status = error instanceof ApiError ? error.status : 0;
  return (
    <div class="error-note" role="alert" data-status={status || 'error'}>
      <p>{messageOf(error)}</p>
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }): JSX.Element {
  return <div class="empty">{children}</div>;
}

/**
 * A form's submission: busy while it runs (so a double tap cannot send it twice), and the failure
 * kept for the form to show — under the named fields, and as a note when no field names it.
 */
export function useSubmit(): {
  busy: boolean;
  problem: unknown;
  submit: (event: Event, action: () => Promise<void>) => void;
} {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>();
  const submit = useCallback((event: Event, action: () => Promise<void>) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    action()
      .catch((error: unknown) => setProblem(error))
      .finally(() => setBusy(false));
  }, []);
  return { busy, problem, submit };
}

/** The failure of a form when none of its fields shows it. */
export function FormProblem({ problem, fields }: { problem: unknown; fields: string[] }): JSX.Element | null {
  if (!problem || fields.some((field) => fieldError(problem, field))) return null;
  return <ErrorNote error={problem} />;
}

/** The message the API gave for a field (`details[].field`, e.g. "skus.0.priceVnd"). */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.details.find((d) => d.field === field)?.message;
}

interface FieldProps {
  id: string;
  vi: string;
  en: string;
  error?: string;
  hint?: ComponentChildren;
  children: ComponentChildren;
}

/** A label above its input, Vietnamese first; the API's message for the field right under it. */
export function Field({ id, vi, en, error, hint, children }: FieldProps): JSX.Element {
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>
        <Bilingual vi={vi} en={en} />
      </label>
      {children}
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Where "Xem thêm" loads the next keyset page of a list: its state, and whether there is one. */
export interface More {
  busy: boolean;
  error?: unknown;
}

/** "Xem thêm" under a list while it has a next page, disabled while it loads; the last try's error above it. */
export function MoreButton({
  more,
  offered,
  onMore,
}: {
  more: More;
  offered: boolean;
  onMore: () => Promise<void>;
}): JSX.Element {
  return (
    <>
      {more.error ? <ErrorNote error={more.error} /> : null}
      {offered ? (
        <button
          type="button"
          class="button button-secondary"
          disabled={more.busy}
          onClick={() => void onMore()}
        >
          Xem thêm <small lang="en">(more)</small>
        </button>
      ) : null}
    </>
  );
}

/** A button that stays disabled while its action runs, so a double tap cannot send it twice. */
export function ActionButton({
  onAction,
  children,
  kind = 'secondary',
  disabled = false,
  ...rest
}: {
  onAction: () => Promise<unknown>;
  children: ComponentChildren;
  kind?: 'primary' | 'secondary' | 'danger';
  /** nothing to act on yet (no row selected) */
  disabled?: boolean;
} & Omit<JSX.HTMLAttributes<HTMLButtonElement>, 'onClick'>): JSX.Element {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class={`button button-${kind}`}
      disabled={busy || disabled}
      aria-busy={busy}
      onClick={() => {
        setBusy(true);
        void onAction().finally(() => setBusy(false));
      }}
      {...rest}
    >
      {children}
    </button>
  );
}

/**
 * Re-reads every 2 s while `active` (something is on its way to a marketplace), so a state changes
 * where it is shown — a listing's badge from "Đang đồng bộ" to "Đã đồng bộ" — without a reload.
 */
export function usePoll(active: boolean, reload: () => void, everyMs = 2000): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(reload, everyMs);
    return () => clearInterval(timer);
  }, [active, reload, everyMs]);
}
