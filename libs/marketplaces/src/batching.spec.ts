import { chunk, groupBy, mapWithConcurrency } from './batching';

describe('chunk', () => {
  it('splits at the cap and keeps order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 50)).toEqual([]);
    expect(
      chunk(
        Array.from({ length: 101 }, (_, i) => i),
        50,
      ).map((c) => c.length),
    ).toEqual([50, 50, 1]);
  });

  it('refuses a cap below one', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe('groupBy', () => {
  it('groups in first-seen order', () => {
    const groups = groupBy(['a1', 'b1', 'a2'], (s) => s[0]);
    expect([...groups.entries()]).toEqual([
      ['a', ['a1', 'a2']],
      ['b', ['b1']],
    ]);
  });
});

describe('mapWithConcurrency', () => {
  it('never runs more than the bound at once and keeps result order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (n) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, (n % 4) * 2));
        running--;
        return n * 10;
      },
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
  });

  it('handles an empty list', async () => {
    expect(await mapWithConcurrency([], 8, async () => 1)).toEqual([]);
  });
});
