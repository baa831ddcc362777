import { wantsCsv } from './csv-report';

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
