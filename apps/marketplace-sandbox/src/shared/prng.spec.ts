import { SeededRandom } from './prng';
import { WindowRateLimiter } from './rate-limiter';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 20 }, () => random.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(7).every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it('draws true at about the given rate, never at 0 and always at 1', () => {
    const random = new SeededRandom(5);
    const hits = Array.from({ length: 10_000 }, () => random.chance(0.3)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(2700);
    expect(hits).toBeLessThan(3300);
    expect(Array.from({ length: 100 }, () => random.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => random.chance(1)).every(Boolean)).toBe(true);
  });
});

describe('WindowRateLimiter', () => {
  it('allows the limit per one-second window and tells how long to wait', () => {
    const limiter = new WindowRateLimiter();
    const start = 1_000_000;
    const results = Array.from({ length: 5 }, (_, i) => limiter.take('shop', 3, start + i));
    expect(results.slice(0, 3)).toEqual([null, null, null]);
    expect(results[3]).toBe(1);
    expect(limiter.take('other', 3, start)).toBeNull();
    expect(limiter.take('shop', 3, start + 1000)).toBeNull();
  });
});
