import {
  connectionOrigin,
  originOf,
  parseMarketplaceOrigins,
  sandboxOrigins,
} from '../../config/marketplace-origins';

describe('originOf', () => {
  it('normalises an origin however it is written', () => {
    expect(originOf('HTTPS://Open.Sendo.VN/')).toEqual({ origin: 'https://open.sendo.vn' });
    expect(originOf('https://open.sendo.vn:443')).toEqual({ origin: 'https://open.sendo.vn' });
    expect(originOf('http://127.0.0.1:4102')).toEqual({ origin: 'http://127.0.0.1:4102' });
    expect(originOf('http://[::1]:4102')).toEqual({ origin: 'http://[::1]:4102' });
  });

  it.each([
    ['a path', 'http://127.0.0.1:4101/_sandbox'],
    ['a path hidden behind a backslash', 'http://127.0.0.1:4101\\@10.0.0.1'],
    ['a query', 'http://127.0.0.1:4101?'],
    ['a query after the slash', 'http://127.0.0.1:4101/?a=1'],
    ['a fragment', 'http://127.0.0.1:4101#x'],
    ['userinfo', 'http://user:pass@127.0.0.1:4101'],
    ['userinfo that looks like a host', 'http://10.0.0.1:5432@127.0.0.1:4101'],
    ['another scheme', 'file:///etc/passwd'],
    ['gopher', 'gopher://127.0.0.1:6379/_INFO'],
    ['a relative URL', '//127.0.0.1:4101'],
    ['no scheme', '127.0.0.1:4101'],
    ['spaces', ' http://127.0.0.1:4101'],
    ['a newline inside', 'http://127.0.0.1:41\n01'],
    ['nothing', ''],
  ])('refuses %s', (_what, text) => {
    expect(originOf(text).problem).toEqual(expect.any(String));
  });
});

describe('parseMarketplaceOrigins', () => {
  it('reads pairs, several per marketplace, first one first, duplicates once', () => {
    expect(
      parseMarketplaceOrigins(
        ' sendo=https://open.sendo.vn , voso=http://127.0.0.1:4102,voso=https://partner.voso.vn/,,voso=http://127.0.0.1:4102',
      ),
    ).toEqual({
      sendo: ['https://open.sendo.vn'],
      voso: ['http://127.0.0.1:4102', 'https://partner.voso.vn'],
      postmart: [],
      shopee: [],
      tiktok: [],
      lazada: [],
    });
  });

  it('names every bad pair', () => {
    expect(() => parseMarketplaceOrigins('amazon=https://a.com,sendo=https://s.vn/api,voso')).toThrow(
      /"amazon=https:\/\/a.com".*"sendo=https:\/\/s.vn\/api": the origin must be an origin, without a path.*"voso"/,
    );
  });
});

describe('connectionOrigin', () => {
  const origins = parseMarketplaceOrigins('sendo=https://open.sendo.vn,sendo=http://127.0.0.1:4101');

  it('takes the first origin when none is given, and a listed one written differently', () => {
    expect(connectionOrigin(origins, 'sendo', undefined)).toEqual({ origin: 'https://open.sendo.vn' });
    expect(connectionOrigin(origins, 'sendo', 'HTTP://127.0.0.1:4101/')).toEqual({
      origin: 'http://127.0.0.1:4101',
    });
  });

  it('refuses an origin not listed for the marketplace, naming the allowed ones', () => {
    expect(connectionOrigin(origins, 'sendo', 'http://127.0.0.1:5432').problem).toBe(
      'must be one of the sendo origins: https://open.sendo.vn, http://127.0.0.1:4101',
    );
    expect(connectionOrigin(origins, 'voso', undefined).problem).toMatch(/no voso origin is configured/);
  });
});

describe('sandboxOrigins', () => {
  const ports = { sendo: 4101, voso: 4102, postmart: 4103, shopee: 4104, tiktok: 4105, lazada: 4106 };

  it('gives the sandbox’s six ports on its host', () => {
    expect(sandboxOrigins('127.0.0.1', ports)).toEqual({
      sendo: ['http://127.0.0.1:4101'],
      voso: ['http://127.0.0.1:4102'],
      postmart: ['http://127.0.0.1:4103'],
      shopee: ['http://127.0.0.1:4104'],
      tiktok: ['http://127.0.0.1:4105'],
      lazada: ['http://127.0.0.1:4106'],
    });
    expect(sandboxOrigins('::1', { ...ports, sendo: 1 }).sendo).toEqual(['http://[::1]:1']);
  });
});
