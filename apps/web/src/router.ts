/**
 * Hash routes (`#/products?q=chè`), so a page can be linked, shared and reloaded with its filters,
 * and the API serves one static page. The router libraries at hand keep a query outside the hash,
 * where it would stay behind when the page changes; this one keeps path and query together.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Place {
  /** "/products/123" */
  path: string;
  segments: string[];
  query: URLSearchParams;
}

function here(): Place {
  const raw = decodeURI(location.hash.replace(/^#/, '')) || '/';
  const mark = raw.indexOf('?');
  const path = (mark < 0 ? raw : raw.slice(0, mark)) || '/';
  return {
    path,
    segments: path.split('/').filter(Boolean),
    query: new URLSearchParams(mark < 0 ? '' : raw.slice(mark + 1)),
  };
}

export function useRoute(): Place {
  const [place, setPlace] = useState(here);
  useEffect(() => {
    const follow = () => setPlace(here());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return place;
}

export type Query = Record<string, string | number | undefined | null | false>;

/** "#/products?q=ch%C3%A8": empty values are left out, so a cleared filter leaves the URL. */
export function href(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== false && value !== '')
      search.set(name, String(value));
  }
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

/** Goes to a page; `replace` for a filter change, which should not add a step to Back. */
export function go(path: string, query: Query = {}, replace = false): void {
  const target = href(path, query);
  if (replace) {
    history.replaceState(null, '', target);
    dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target;
  }
}
