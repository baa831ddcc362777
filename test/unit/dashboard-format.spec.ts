import {
  daysBetween,
  expiryBucket,
  formatDate,
  formatDateTime,
  formatPct,
  formatPeriod,
  formatVnd,
  vietnamToday,
} from '../../apps/web/src/format';

const NBSP = '\u00a0';

describe('the dashboard writes figures the Vietnamese way', () => {
  it('VND with dots between thousands and the đồng sign after a no-break space', () => {
    expect(formatVnd(1_250_000)).toBe(`1.250.000${NBSP}₫`);
    expect(formatVnd(0)).toBe(`0${NBSP}₫`);
    expect(formatVnd(999)).toBe(`999${NBSP}₫`);
    expect(formatVnd(1_234_567_890)).toBe(`1.234.567.890${NBSP}₫`);
  });

  it('percentages with a decimal comma and a sign; nothing to compare with is a dash', () => {
    expect(formatPct(400)).toBe('+400 %');
    expect(formatPct(12.5)).toBe('+12,5 %');
    expect(formatPct(-33.33)).toBe('-33,3 %');
    expect(formatPct(0)).toBe('0 %');
    expect(formatPct(null)).toBe('—');
  });

  it('calendar dates as dd/MM/yyyy without a time zone shifting them', () => {
    expect(formatDate('2026-11-28')).toBe('28/11/2026');
    expect(formatDate('2026-01-01')).toBe('01/01/2026');
  });

  it('instants as the clock reads in Vietnam: 23:30 UTC is 06:30 the next day', () => {
    expect(formatDateTime('2026-05-31T23:30:00Z')).toBe('01/06/2026 06:30');
    expect(formatDateTime(null)).toBe('—');
    expect(vietnamToday(new Date('2026-05-31T17:00:00Z'))).toBe('2026-06-01');
    expect(vietnamToday(new Date('2026-05-31T16:59:59Z'))).toBe('2026-05-31');
  });

  it('series periods: days, ISO weeks and months', () => {
    expect(formatPeriod('2026-06-01')).toBe('01/06/2026');
    expect(formatPeriod('2026-W05')).toBe('Tuần 5/2026');
    expect(formatPeriod('2026-11')).toBe('11/2026');
  });

  it('puts certificates into the 30, 60 and 90-day notices, today counting as day 0', () => {
    const today = '2026-11-28';
    expect(daysBetween(today, '2026-12-28')).toBe(30);
    expect(expiryBucket('2026-11-28', today)).toBe(30);
    expect(expiryBucket('2026-12-28', today)).toBe(30);
    expect(expiryBucket('2026-12-29', today)).toBe(60);
    expect(expiryBucket('2027-01-27', today)).toBe(60);
    expect(expiryBucket('2027-01-28', today)).toBe(90);
    expect(expiryBucket('2027-02-26', today)).toBe(90);
    expect(expiryBucket('2027-02-27', today)).toBeNull();
    expect(expiryBucket('2026-11-27', today)).toBeNull();
    // across a leap day
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
  });
});
