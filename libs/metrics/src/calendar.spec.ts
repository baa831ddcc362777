import {
  daysBetween,
  growthPct,
  isoWeek,
  monthCover,
  monthOf,
  periodOf,
  periodsBetween,
  previousWindow,
  windowLength,
} from './calendar';

describe('calendar arithmetic', () => {
  it('keys a month by its first day, for the monthly roll-up', () => {
    expect(monthOf('2026-11-28')).toBe('2026-11-01');
    expect(monthOf('2024-02-29')).toBe('2024-02-01');
  });

  it('counts whole days, across a leap day and a year end', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-02-28', '2025-03-01')).toBe(1);
    expect(daysBetween('2025-12-31', '2026-01-01')).toBe(1);
    expect(windowLength('2026-11-01', '2026-11-30')).toBe(30);
  });

  it('names ISO weeks, whose year can differ from the date’s', () => {
    expect(isoWeek('2026-11-28')).toBe('2026-W48');
    expect(isoWeek('2024-12-30')).toBe('2025-W01'); // a Monday that belongs to next year's week 1
    expect(isoWeek('2027-01-01')).toBe('2026-W53'); // a Friday still in the last week of 2026
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(isoWeek('2026-01-05')).toBe('2026-W02');
  });

  it('lists every period a window touches, partial ones at the edges included', () => {
    expect(periodsBetween('2026-11-28', '2026-12-02', 'day')).toEqual([
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
    expect(periodsBetween('2025-12-29', '2026-01-12', 'week')).toEqual(['2026-W01', '2026-W02', '2026-W03']);
    expect(periodsBetween('2024-01-31', '2024-03-01', 'month')).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(periodOf('2024-02-29', 'month')).toBe('2024-02');
    // a window starting on a Sunday, and one ending on a Monday, across a 53-week year
    expect(periodsBetween('2026-12-27', '2027-01-04', 'week')).toEqual(['2026-W52', '2026-W53', '2027-W01']);
    expect(periodsBetween('2026-11-30', '2026-11-30', 'week')).toEqual(['2026-W49']);
    expect(periodsBetween('2024-11-29', '2026-11-28', 'month')).toHaveLength(25);
    expect(periodsBetween('2024-11-29', '2026-11-28', 'day')).toHaveLength(730);
  });

  it('puts the previous window just before, of the same length', () => {
    expect(previousWindow('2026-03-01', '2026-03-31')).toEqual({ from: '2026-01-29', to: '2026-02-28' });
    expect(previousWindow('2024-03-01', '2024-03-01')).toEqual({ from: '2024-02-29', to: '2024-02-29' });
    expect(previousWindow('2026-01-01', '2026-01-10')).toEqual({ from: '2025-12-22', to: '2025-12-31' });
  });

  it('gives growth with two decimals, and none when there was nothing before', () => {
    expect(growthPct(300_000, 400_000)).toBe(33.33);
    expect(growthPct(400_000, 300_000)).toBe(-25);
    expect(growthPct(0, 500_000)).toBeNull();
    expect(growthPct(0, 0)).toBeNull();
  });

  describe('covering a window with the fewest roll-up rows', () => {
    it('reads a year ending today as twelve months and the two days before them', () => {
      expect(monthCover('2025-11-29', '2026-11-28')).toEqual({
        months: { start: '2025-12-01', end: '2026-12-01' },
        days: [
          { from: '2025-11-29', to: '2025-11-30', sign: 1 },
          { from: '2026-11-29', to: '2026-11-30', sign: -1 },
        ],
      });
    });

    it('takes the days inside when they are fewer than those outside', () => {
      expect(monthCover('2026-01-03', '2026-03-04')).toEqual({
        months: { start: '2026-01-01', end: '2026-03-01' },
        days: [
          { from: '2026-01-01', to: '2026-01-02', sign: -1 },
          { from: '2026-03-01', to: '2026-03-04', sign: 1 },
        ],
      });
    });

    it('uses whole months as they are, leap February included', () => {
      expect(monthCover('2024-02-01', '2024-02-29')).toEqual({
        months: { start: '2024-02-01', end: '2024-03-01' },
        days: [],
      });
      expect(monthCover('2024-02-01', '2024-02-28')).toEqual({
        months: { start: '2024-02-01', end: '2024-02-01' },
        days: [{ from: '2024-02-01', to: '2024-02-28', sign: 1 }],
      });
    });

    it('across a year end, a month pair whose edges are both read as days leaves no month', () => {
      expect(monthCover('2025-12-20', '2026-01-10')).toEqual({
        months: { start: '2026-01-01', end: '2026-01-01' },
        days: [
          { from: '2025-12-20', to: '2025-12-31', sign: 1 },
          { from: '2026-01-01', to: '2026-01-10', sign: 1 },
        ],
      });
    });

    it('sums to exactly the days of the window', () => {
      // every window of up to 70 days starting in the first 70 days of 2024, counted day by day
      const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n)).toISOString().slice(0, 10);
      for (let a = 0; a < 70; a += 3) {
        for (let b = a; b < a + 70; b += 4) {
          const cover = monthCover(day(a), day(b));
          const counted = new Map<string, number>();
          const add = (from: string, to: string, sign: number) => {
            for (let d = from; d <= to; d = new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10))
              counted.set(d, (counted.get(d) ?? 0) + sign);
          };
          if (cover.months.start < cover.months.end)
            add(
              cover.months.start,
              new Date(Date.parse(cover.months.end) - 86_400_000).toISOString().slice(0, 10),
              1,
            );
          for (const range of cover.days) add(range.from, range.to, range.sign);
          const inWindow = [...counted].filter(([, n]) => n !== 0);
          expect(inWindow.every(([, n]) => n === 1)).toBe(true);
          expect(inWindow.map(([d]) => d).sort()).toEqual(
            Array.from({ length: b - a + 1 }, (_, i) => day(a + i)),
          );
        }
      }
    });
  });
});
