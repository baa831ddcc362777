import { connectionImportJobId, importJobs, inboxJobId, lostConnectionJobs, relayRound } from './inbox-relay';

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

describe('relayRound', () => {
  const job = (connectionId: string, ...ids: string[]) => ({
    jobId: connectionImportJobId(connectionId),
    data: { connectionId },
    ids,
  });
  const view = (pending: string[], active: string[]) => ({
    pending: new Set(pending.map(connectionImportJobId)),
    active: new Set(active.map(connectionImportJobId)),
  });

  it('adds a job the queue does not hold, follows a running one and leaves a waiting one alone', () => {
    expect(
      relayRound(view(['W'], ['R']), new Map(), [job('N', 'n1'), job('R', 'r1'), job('W', 'w1')]),
    ).toEqual({
      add: [job('N', 'n1')],
      follow: [job('R', 'r1')],
      forget: [],
    });
  });

  it('adds a followed job again once it has ended, with the rows claimed for it meanwhile', () => {
    const following = new Map([[connectionImportJobId('E'), job('E', 'e1')]]);
    expect(relayRound(view([], []), following, [job('E', 'e2')])).toEqual({
      add: [job('E', 'e1', 'e2')],
      follow: [],
      forget: [connectionImportJobId('E')],
    });
  });

  it('keeps following a job still running and forgets one back in the queue', () => {
    const following = new Map([
      [connectionImportJobId('R'), job('R', 'r1')],
      [connectionImportJobId('D'), job('D', 'd1')],
    ]);
    expect(relayRound(view(['D'], ['R']), following, [])).toEqual({
      add: [],
      follow: [],
      forget: [connectionImportJobId('D')],
    });
  });
});

describe('lostConnectionJobs', () => {
  const queue = (pending: string[], active: string[]) => ({
    pending: new Set(pending.map(connectionImportJobId)),
    active: new Set(active.map(connectionImportJobId)),
  });
  const waited = (waitedS: number, ...ids: string[]) =>
    ids.map((connectionId) => ({ connectionId, waitedS }));
  const NOW = 1_000_000;

  it('adds the job of a connection whose rows wait while the queue holds none for them', () => {
    expect(lostConnectionJobs(queue(['W'], ['R']), waited(6, 'W', 'R', 'L'), new Map(), NOW)).toEqual(['L']);
  });

  it('adds nothing where every waiting connection has its job waiting or running', () => {
    expect(lostConnectionJobs(queue(['W'], ['R']), waited(6, 'W', 'R'), new Map(), NOW)).toEqual([]);
    expect(lostConnectionJobs(queue([], []), [], new Map(), NOW)).toEqual([]);
  });

  it("adds a job it added before again only after the rows' age, 5 s at least and a minute at most", () => {
    const empty = queue([], []);
    // rows 8 s old, job added 7 s ago: not yet; 8 s ago: again
    expect(lostConnectionJobs(empty, waited(8, 'A'), new Map([['A', NOW - 7_000]]), NOW)).toEqual([]);
    expect(lostConnectionJobs(empty, waited(8, 'A'), new Map([['A', NOW - 8_000]]), NOW)).toEqual(['A']);
    // young rows: 5 s at least
    expect(lostConnectionJobs(empty, waited(5.5, 'A'), new Map([['A', NOW - 4_000]]), NOW)).toEqual([]);
    // old rows: a minute at most
    expect(lostConnectionJobs(empty, waited(3_600, 'A'), new Map([['A', NOW - 60_000]]), NOW)).toEqual(['A']);
    expect(lostConnectionJobs(empty, waited(3_600, 'A'), new Map([['A', NOW - 59_000]]), NOW)).toEqual([]);
  });
});
