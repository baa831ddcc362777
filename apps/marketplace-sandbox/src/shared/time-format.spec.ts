import { isoVietnam, parseIsoInstant, parseVietnamDay, vietnamDayStart } from './time-format';

describe('time formats', () => {
  it('writes ISO instants with the +07:00 offset', () => {
    expect(isoVietnam(Date.UTC(2026, 0, 31, 20, 30, 0, 5))).toBe('2026-02-01T03:30:00.005+07:00');
    expect(Date.parse(isoVietnam(123_456_789))).toBe(123_456_789);
  });

  it('parses yyyy/MM/dd as the start of the Vietnam day, and refuses anything else', () => {
    expect(parseVietnamDay('2026/11/28')).toBe(Date.UTC(2026, 10, 27, 17));
    expect(parseVietnamDay('2026-11-28')).toBeNull();
    expect(parseVietnamDay('2026/02/30')).toBeNull();
    expect(vietnamDayStart(Date.UTC(2026, 10, 27, 18))).toBe(Date.UTC(2026, 10, 27, 17));
  });

  it('parses only ISO instants that carry a zone', () => {
    expect(parseIsoInstant('2026-11-28T01:00:00Z')).toBe(Date.UTC(2026, 10, 28, 1));
    expect(parseIsoInstant('2026-11-28T08:00:00.000+07:00')).toBe(Date.UTC(2026, 10, 28, 1));
    expect(parseIsoInstant('2026-11-28T01:00:00')).toBeNull();
    expect(parseIsoInstant(12)).toBeNull();
  });
});
