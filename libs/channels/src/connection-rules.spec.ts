import { parseMarketplaceOrigins } from '@ocop/marketplaces';
import { connectionProblems } from './connection-rules';

describe('connectionProblems', () => {
  const origins = parseMarketplaceOrigins('sendo=https://open.sendo.vn');
  const credentials = { shop_key: 'k', secret_key: 's', webhookSecret: 'w' };

  it('accepts a listed origin, or none (the first is taken), with a webhook secret', () => {
    expect(
      connectionProblems(origins, 'sendo', { baseUrl: 'https://open.sendo.vn/', credentials }, true),
    ).toEqual([]);
    expect(connectionProblems(origins, 'sendo', { credentials }, true)).toEqual([]);
  });

  it('names baseUrl and credentials.webhookSecret, each once', () => {
    const problems = connectionProblems(
      origins,
      'sendo',
      { baseUrl: 'http://127.0.0.1:5432', credentials: { shop_key: 'k', webhookSecret: '  ' } },
      true,
    );
    expect(problems.map((p) => p.field)).toEqual(['baseUrl', 'credentials.webhookSecret']);
    expect(problems[0].message).toContain('https://open.sendo.vn');
  });

  it('an update checks only the secret, and a marketplace without origins is refused', () => {
    expect(connectionProblems(origins, 'sendo', { credentials: { shop_key: 'k' } }, false)).toEqual([
      expect.objectContaining({ field: 'credentials.webhookSecret' }),
    ]);
    expect(connectionProblems(origins, 'voso', { credentials }, true)).toEqual([
      expect.objectContaining({ field: 'baseUrl', message: expect.stringMatching(/no voso origin/) }),
    ]);
  });
});
