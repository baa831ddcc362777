import { importBatches, inboxJobId } from './inbox-relay';

describe('importBatches', () => {
  const row = (id: string, connectionId: string) => ({ id, connectionId });

  it('cuts each connection’s rows into batches of at most the size, in the order claimed', () => {
    const batches = importBatches(
      [row('a1', 'A'), row('b1', 'B'), row('a2', 'A'), row('a3', 'A'), row('b2', 'B')],
      2,
    );
    expect(batches).toEqual([
      { jobId: inboxJobId('a1'), ids: ['a1', 'a2'] },
      { jobId: inboxJobId('a3'), ids: ['a3'] },
      { jobId: inboxJobId('b1'), ids: ['b1', 'b2'] },
    ]);
  });

  it('gives every row a job of its own at size 1, named as before batching', () => {
    expect(importBatches([row('x', 'A'), row('y', 'A')], 1)).toEqual([
      { jobId: 'inbox-x', ids: ['x'] },
      { jobId: 'inbox-y', ids: ['y'] },
    ]);
    expect(importBatches([], 200)).toEqual([]);
  });
});
