import { stockRecord, stockRecordParameters } from './stock-record';

describe('stockRecord', () => {
  it('numbers a listing’s parameters after the caller’s and appends them: version read, figures, SKUs pushed', () => {
    const parameters: unknown[] = ['listing-id', 7];
    const set = stockRecord(
      'merge',
      stockRecordParameters({ syncedStockVersion: 41 }, { 'TN-1': 5, 'TN-2': 0 }, ['TN-1'], parameters),
    );
    expect(parameters).toEqual(['listing-id', 7, 41, '{"TN-1":5,"TN-2":0}', ['TN-1']]);
    expect(set).toContain('WHEN synced_stock_version = $3 THEN synced_stock || $4::jsonb');
    expect(set).toContain('ELSE synced_stock - $5::text[] END');
    expect(set).toContain('synced_stock_version = synced_stock_version + 1');
    expect(set).not.toMatch(/\$[126]\b/);
  });

  it('replaces the record on a full update, and makes the listing lag only when the record moved under a push', () => {
    const parameters: unknown[] = [1, 2, 3, 4, 5, 6];
    const set = stockRecord(
      'replace',
      stockRecordParameters({ syncedStockVersion: 0 }, { A: 1 }, ['A'], parameters),
    );
    expect(set).toContain('WHEN synced_stock_version = $7 THEN $8::jsonb');
    expect(set).toMatch(
      /desired_version = desired_version \+ CASE\s+WHEN synced_stock_version = \$7 OR cardinality\(\$9::text\[\]\) = 0 THEN 0 ELSE 1 END/,
    );
  });

  it('takes its inputs from any expression, such as the columns of a set of listings', () => {
    const set = stockRecord('merge', { version: 'v.read_version', figures: 'v.figures', skus: 'v.skus' });
    expect(set).toContain('WHEN synced_stock_version = v.read_version THEN synced_stock || v.figures');
    expect(set).toContain('ELSE synced_stock - v.skus END');
    expect(set).toContain('cardinality(v.skus) = 0');
  });
});
