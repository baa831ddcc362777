import { loadReferenceData } from '../../../config/reference-data';
import { addDays, isCalendarDate } from '@ocop/common';
import {
  certifies,
  effectiveStatus,
  levelMismatch,
  partProblems,
  scoreTotal,
  starsFor,
  validUntil,
} from './rules';

const reference = loadReferenceData().ocop;

describe('star bands', () => {
  it.each([
    [0, 1],
    [29.99, 1],
    [30, 2],
    [49.99, 2],
    [50, 3],
    [69.99, 3],
    [70, 4],
    [89.99, 4],
    [90, 5],
    [90.86, 5],
    [100, 5],
  ])('%p points → %p stars', (total, stars) => {
    expect(starsFor(total, reference)).toBe(stars);
  });

  it('certifies 3 to 5 stars only, and only with the mandatory criteria met', () => {
    expect([1, 2, 3, 4, 5].map((s) => certifies(s, true, reference))).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
    expect(certifies(5, false, reference)).toBe(false);
  });
});

describe('score parts', () => {
  it('accepts parts at their maxima and zero', () => {
    expect(partProblems({ partA: 40, partB: 25, partC: 35 }, reference)).toEqual([]);
    expect(partProblems({ partA: 0, partB: 0, partC: 0 }, reference)).toEqual([]);
  });

  it('refuses parts just over their maxima, or negative, naming each', () => {
    expect(partProblems({ partA: 40.01, partB: 25.01, partC: 35.01 }, reference).map((p) => p.field)).toEqual(
      ['partA', 'partB', 'partC'],
    );
    expect(partProblems({ partA: -0.01, partB: 1, partC: 1 }, reference).map((p) => p.field)).toEqual([
      'partA',
    ]);
  });

  it('adds with two exact decimals', () => {
    expect(scoreTotal({ partA: 36.3, partB: 22.86, partC: 31.7 })).toBe(90.86);
    expect(scoreTotal({ partA: 0.1, partB: 0.2, partC: 0 })).toBe(0.3);
  });
});

describe('who recognises what', () => {
  it('takes a district 3★ decided on 2025-07-05 and refuses one decided on 2025-07-06', () => {
    expect(levelMismatch(3, 'district', '2025-07-05', reference)).toBeUndefined();
    expect(levelMismatch(3, 'district', '2025-07-06', reference)).toMatch(/provincial People’s Committee/);
    expect(levelMismatch(3, 'province', '2025-07-06', reference)).toBeUndefined();
    expect(levelMismatch(3, 'province', '2025-07-05', reference)).toMatch(/district/);
  });

  it('recognises 4★ at the province and 5★ only centrally', () => {
    expect(levelMismatch(4, 'province', '2023-01-01', reference)).toBeUndefined();
    expect(levelMismatch(4, 'district', '2023-01-01', reference)).toBeDefined();
    expect(levelMismatch(5, 'province', '2024-05-01', reference)).toMatch(/central ministry/);
    expect(levelMismatch(5, 'central', '2024-05-01', reference)).toBeUndefined();
  });

  it('has no rule below 3 stars', () => {
    expect(levelMismatch(2, 'district', '2024-05-01', reference)).toBeUndefined();
  });
});

describe('validity', () => {
  it.each([
    ['2023-04-10', '2026-04-09'],
    ['2024-02-29', '2027-02-28'],
    ['2021-01-01', '2023-12-31'],
    ['2022-03-31', '2025-03-30'],
    ['2023-12-31', '2026-12-30'],
  ])('decided %s → valid through %s', (decided, through) => {
    expect(validUntil(decided, reference.validityMonths)).toBe(through);
  });

  it('reads expired the day after validUntil, whatever is stored', () => {
    expect(effectiveStatus('active', '2026-04-09', '2026-04-09')).toBe('active');
    expect(effectiveStatus('active', '2026-04-09', '2026-04-10')).toBe('expired');
    expect(effectiveStatus('revoked', '2026-04-09', '2026-04-10')).toBe('revoked');
    expect(effectiveStatus('not_certified', null, '2026-04-10')).toBe('not_certified');
  });

  it('does calendar arithmetic across month and leap-year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-13-01')).toBe(false);
    expect(isCalendarDate('25-01-01')).toBe(false);
  });
});
