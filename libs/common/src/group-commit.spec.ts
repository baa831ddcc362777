import { GroupCommit, groupStep } from './group-commit';

describe('groupStep: when a group is written', () => {
  const window = { windowMs: 2, maxItems: 3 };
  it('opens the window on the first item, joins the others, writes a full group at once', () => {
    expect(groupStep(1, window)).toBe('open-window');
    expect(groupStep(2, window)).toBe('join');
    expect(groupStep(3, window)).toBe('write-now');
  });
  it('writes at once when a group holds one item at most', () => {
    expect(groupStep(1, { windowMs: 2, maxItems: 1 })).toBe('write-now');
  });
});

describe('GroupCommit', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A write that records its groups and answers each item doubled, once `release` is called. */
  function recordingWrite() {
    const groups: number[][] = [];
    const releases: (() => void)[] = [];
    const write = (items: readonly number[]) => {
      groups.push([...items]);
      return new Promise<number[]>((resolve) => releases.push(() => resolve(items.map((i) => i * 2))));
    };
    return { groups, releases, write };
  }

  it('writes the items submitted within the window as one group, after the window', async () => {
    const { groups, releases, write } = recordingWrite();
    const commit = new GroupCommit(write, { windowMs: 2, maxItems: 64 });
    const answers = [commit.submit(1), commit.submit(2)];
    jest.advanceTimersByTime(1);
    answers.push(commit.submit(3));
    expect(groups).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(groups).toEqual([[1, 2, 3]]);
    // a late item opens the next group
    const late = commit.submit(4);
    releases[0]();
    expect(await Promise.all(answers)).toEqual([2, 4, 6]);
    jest.advanceTimersByTime(2);
    expect(groups).toEqual([[1, 2, 3], [4]]);
    releases[1]();
    expect(await late).toBe(8);
  });

  it('writes a full group at once, without waiting for the window', () => {
    const { groups, write } = recordingWrite();
    const commit = new GroupCommit(write, { windowMs: 1000, maxItems: 2 });
    void commit.submit(1);
    void commit.submit(2);
    void commit.submit(3);
    expect(groups).toEqual([[1, 2]]);
    jest.advanceTimersByTime(999);
    expect(groups).toEqual([[1, 2]]);
    jest.advanceTimersByTime(1);
    expect(groups).toEqual([[1, 2], [3]]);
  });

  it('settles no item before its group is written: a slow write holds its own group only', async () => {
    const { groups, releases, write } = recordingWrite();
    const commit = new GroupCommit(write, { windowMs: 2, maxItems: 64 });
    let settled = false;
    const first = commit.submit(1).then((r) => ((settled = true), r));
    jest.advanceTimersByTime(2);
    const second = commit.submit(2);
    jest.advanceTimersByTime(2);
    expect(groups).toEqual([[1], [2]]);
    releases[1]();
    expect(await second).toBe(4);
    expect(settled).toBe(false);
    releases[0]();
    expect(await first).toBe(2);
  });

  it('gathers what arrives in the same turn of the event loop when the window is 0', async () => {
    jest.useRealTimers();
    const groups: number[][] = [];
    const commit = new GroupCommit(
      async (items: readonly number[]) => (groups.push([...items]), items.map(String)),
      { windowMs: 0, maxItems: 64 },
    );
    expect(await Promise.all([commit.submit(1), commit.submit(2)])).toEqual(['1', '2']);
    expect(groups).toEqual([[1, 2]]);
  });

  it('fails every item of a group whose write fails, and writes the next group as usual', async () => {
    jest.useRealTimers();
    let down = true;
    const commit = new GroupCommit(
      async (items: readonly number[]) => {
        if (down) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined });
        return items;
      },
      { windowMs: 1, maxItems: 64 },
      { retryAloneWhen: () => false },
    );
    const failed = await Promise.allSettled([commit.submit(1), commit.submit(2)]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    down = false;
    expect(await commit.submit(3)).toBe(3);
  });

  it('tries each item alone when the failure may be one item’s doing, so only that one fails', async () => {
    jest.useRealTimers();
    const groups: number[][] = [];
    const commit = new GroupCommit(
      async (items: readonly number[]) => {
        groups.push([...items]);
        if (items.includes(13)) throw new Error('bad item');
        return items;
      },
      { windowMs: 1, maxItems: 64 },
      { retryAloneWhen: (error) => (error as Error).message === 'bad item' },
    );
    const results = await Promise.allSettled([commit.submit(1), commit.submit(13), commit.submit(2)]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('bad item') },
      { status: 'fulfilled', value: 2 },
    ]);
    expect(groups).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  it('fails the group when the write answers a result count that is not one per item', async () => {
    jest.useRealTimers();
    const commit = new GroupCommit(async () => [1], { windowMs: 1, maxItems: 64 });
    const results = await Promise.allSettled([commit.submit(1), commit.submit(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('refuses a window that could never write', () => {
    expect(() => new GroupCommit(async () => [], { windowMs: 2, maxItems: 0 })).toThrow(RangeError);
    expect(() => new GroupCommit(async () => [], { windowMs: -1, maxItems: 1 })).toThrow(RangeError);
  });
});
