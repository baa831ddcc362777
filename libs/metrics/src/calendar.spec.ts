import {
  daysBetween,
  growthPct,
  isoWeek,
  monthOf,
  periodOf,
  periodsBetween,
  previousWindow,
  windowLength,
  wholeMonths,
} from './calendar';

describe('calendar arithmetic', () => {
  it('finds the whole months inside a window, for the monthly roll-up', () => {
    expect(monthOf('2026-11-28')).toBe('2026-11-01');
    // the province year ending 2026-11-28: December to October whole, the ends by day
    expect(wholeMonths('2025-11-29', '2026-11-28')).toEqual({ start: '2025-12-01', end: '2026-11-01' });
    expect(wholeMonths('2026-01-01', '2026-01-31')).toEqual({ start: '2026-01-01', end: '2026-02-01' });
    expect(wholeMonths('2024-02-01', '2024-02-29')).toEqual({ start: '2024-02-01', end: '2024-03-01' });
    expect(wholeMonths('2024-02-01', '2024-02-28')).toBeNull(); // leap February, one day short
    expect(wholeMonths('2026-11-05', '2026-11-20')).toBeNull();
    expect(wholeMonths('2026-10-31', '2026-12-01')).toEqual({ start: '2026-11-01', end: '2026-12-01' });
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
});
