import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = i % 2 ? { a: value } : [value];
  return value;
};

describe('JSON nesting depth', () => {
  it('counts objects and arrays as levels, scalars as none', () => {
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 2)).toBe(true);
  });

  it('takes the deepest branch, wherever it is', () => {
    expect(nestsDeeperThan({ shallow: 1, list: [1, 2, { deep: nested(5) }] }, 8)).toBe(false);
    expect(nestsDeeperThan({ shallow: 1, list: [1, 2, { deep: nested(5) }] }, 7)).toBe(true);
  });

  it('allows the limit itself and refuses one level more', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('walks a million levels without overflowing the stack', () => {
    expect(nestsDeeperThan(JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000)))).toBe(true);
  });
});
