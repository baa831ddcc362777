/**
 * The marketplaces the connector speaks to. Settings name them (MARKETPLACE_ORIGINS, the sandbox
 * ports), so the list lives with the settings; the adapters' port re-exports it.
 */
export const MARKETPLACES = ['sendo', 'voso', 'postmart', 'shopee', 'tiktok', 'lazada'] as const;
export type Marketplace = (typeof MARKETPLACES)[number];

/** How people call each marketplace, in reports, notices and the web app. */
export const MARKETPLACE_NAMES: Record<Marketplace, string> = {
  sendo: 'Sendo',
  voso: 'Voso',
  postmart: 'Postmart',
  shopee: 'Shopee',
  tiktok: 'TikTok Shop',
  lazada: 'Lazada',
};

/**
 * Where each marketplace may be called: origins (scheme, host and port) only, normalised as the
 * WHATWG URL parser writes them. A connection's `baseUrl` must be one of its marketplace's, so a
 * seller cannot point the connector, and the credentials it sends, at any other host.
 */
export type MarketplaceOrigins = Record<Marketplace, string[]>;

export type OriginReading = { origin: string; problem?: undefined } | { origin?: undefined; problem: string };

/**
 * `text` as an origin, or why it is not one: an absolute http(s) URL with no user name or password,
 * no path (a lone "/" aside), query or fragment. The origin compares equal however it was written
 * (`HTTP://Shop.VN:443/` and `http://shop.vn:443` alike); `https://h:443` becomes `https://h`.
 */
export function originOf(text: string): OriginReading {
  // The URL parser drops surrounding spaces and inner tabs and newlines; a value needing that is refused.
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(text))
    return { problem: 'must not contain spaces or control characters' };
  if (/[?#]/.test(text)) return { problem: 'must be an origin, without a query or fragment' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'must be an absolute http or https URL, e.g. https://open.sendo.vn' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: 'must be an http or https URL' };
  }
  if (url.username !== '' || url.password !== '') {
    return { problem: 'must not carry a user name or password' };
  }
  if (url.pathname !== '/') return { problem: 'must be an origin, without a path' };
  return { origin: url.origin };
}

/**
 * Reads MARKETPLACE_ORIGINS: comma-separated `marketplace=origin` pairs, a marketplace as often as
 * it has origins (its first is the default). Throws an Error naming every bad pair.
 */
export function parseMarketplaceOrigins(text: string): MarketplaceOrigins {
  const origins = emptyOrigins();
  const problems: string[] = [];
  for (const pair of text.split(',')) {
    const entry = pair.trim();
    if (entry === '') continue;
    const cut = entry.indexOf('=');
    const name = cut < 0 ? entry : entry.slice(0, cut).trim();
    if (cut < 0 || !(MARKETPLACES as readonly string[]).includes(name)) {
      problems.push(
        `"${entry}" is not marketplace=origin with a marketplace among ${MARKETPLACES.join(', ')}`,
      );
      continue;
    }
    const reading = originOf(entry.slice(cut + 1).trim());
    if (reading.problem !== undefined) {
      problems.push(`"${entry}": the origin ${reading.problem}`);
      continue;
    }
    const list = origins[name as Marketplace];
    if (!list.includes(reading.origin)) list.push(reading.origin);
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return origins;
}

/** The local sandbox's marketplaces (`npm run sandbox`), one origin each. */
export function sandboxOrigins(host: string, ports: Record<Marketplace, number>): MarketplaceOrigins {
  const hostname = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const origins = emptyOrigins();
  for (const marketplace of MARKETPLACES) {
    const reading = originOf(`http://${hostname}:${ports[marketplace]}`);
    if (reading.origin !== undefined) origins[marketplace].push(reading.origin);
  }
  return origins;
}

/**
 * The origin a connection of `marketplace` uses for `baseUrl` (its marketplace's first origin when
 * omitted), or why it may not.
 */
export function connectionOrigin(
  origins: MarketplaceOrigins,
  marketplace: Marketplace,
  baseUrl: string | undefined,
): OriginReading {
  const allowed = origins[marketplace];
  if (allowed.length === 0) {
    return { problem: `no ${marketplace} origin is configured on this connector (MARKETPLACE_ORIGINS)` };
  }
  if (baseUrl === undefined) return { origin: allowed[0] };
  const reading = originOf(baseUrl);
  if (reading.origin !== undefined && allowed.includes(reading.origin)) return reading;
  return { problem: `must be one of the ${marketplace} origins: ${allowed.join(', ')}` };
}

function emptyOrigins(): MarketplaceOrigins {
  return Object.fromEntries(
    MARKETPLACES.map((marketplace) => [marketplace, []]),
  ) as unknown as MarketplaceOrigins;
}
