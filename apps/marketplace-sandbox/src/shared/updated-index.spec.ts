import { UpdatedIndex } from './updated-index';

interface Item {
  id: string;
  updatedAt: number;
  seq: number;
}

const ids = (index: UpdatedIndex<Item>) =>
  Array.from({ length: index.length }, (_, i) => (index.at(i) as Item).id);

describe('UpdatedIndex', () => {
  it('keeps items sorted by (updatedAt, seq) and moves an updated item', () => {
    const index = new UpdatedIndex<Item>();
    const a = { id: 'a', updatedAt: 10, seq: 1 };
    const b = { id: 'b', updatedAt: 5, seq: 2 };
    const c = { id: 'c', updatedAt: 10, seq: 3 };
    [a, b, c].forEach((item) => index.insert(item));
    expect(ids(index)).toEqual(['b', 'a', 'c']);
    index.move(b, 20);
    expect(ids(index)).toEqual(['a', 'c', 'b']);
    expect(b.updatedAt).toBe(20);
  });

  it('finds positions by time and after a cursor', () => {
    const index = new UpdatedIndex<Item>();
    for (let i = 0; i < 10; i++) index.insert({ id: `o${i}`, updatedAt: Math.floor(i / 2) * 100, seq: i });
    expect(index.firstAtOrAfterTime(200)).toBe(4);
    expect(index.firstAfterTime(200)).toBe(6);
    expect(index.firstAfter({ updatedAt: 200, seq: 4 }, false)).toBe(5);
    expect(index.firstAfter({ updatedAt: 200, seq: 4 }, true)).toBe(4);
    expect(index.firstAtOrAfterTime(10_000)).toBe(10);
  });

  it('bulk-inserts back-dated items with one sort', () => {
    const index = new UpdatedIndex<Item>();
    index.insert({ id: 'now', updatedAt: 1_000_000, seq: 0 });
    const history = Array.from({ length: 1000 }, (_, i) => ({
      id: `h${i}`,
      updatedAt: (i * 7919) % 1000,
      seq: i + 1,
    }));
    index.insertMany(history);
    expect(index.length).toBe(1001);
    for (let i = 1; i < index.length; i++) {
      const [prev, next] = [index.at(i - 1) as Item, index.at(i) as Item];
      expect(
        prev.updatedAt < next.updatedAt || (prev.updatedAt === next.updatedAt && prev.seq < next.seq),
      ).toBe(true);
    }
    expect((index.at(1000) as Item).id).toBe('now');
  });
});
