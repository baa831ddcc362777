import { connectionImportJobId, importJobs, inboxJobId } from './inbox-relay';

describe('importJobs', () => {
  const row = (id: string, connectionId: string) => ({ id, connectionId });

  it('gives each connection one job, which takes its waiting rows when it runs', () => {
    expect(importJobs([row('a1', 'A'), row('b1', 'B'), row('a2', 'A')], 200)).toEqual([
      { jobId: connectionImportJobId('A'), data: { connectionId: 'A' }, ids: ['a1', 'a2'] },
      { jobId: connectionImportJobId('B'), data: { connectionId: 'B' }, ids: ['b1'] },
    ]);
  });

  it('gives every row a job of its own at size 1, as before batching', () => {
    expect(importJobs([row('x', 'A'), row('y', 'A')], 1)).toEqual([
      { jobId: inboxJobId('x'), data: { inboxIds: ['x'] }, ids: ['x'] },
      { jobId: inboxJobId('y'), data: { inboxIds: ['y'] }, ids: ['y'] },
    ]);
    expect(importJobs([], 200)).toEqual([]);
  });
});
