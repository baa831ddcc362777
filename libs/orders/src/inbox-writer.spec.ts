import { inboxGroupAnswers, inboxGroupRows, oneRowsFailure } from './inbox-writer';
import type { NewInboxEntry } from './webhook-inbox.repository';

const A = '0a000000-0000-4000-8000-000000000000';
const B = '0b000000-0000-4000-8000-000000000000';
const entry = (connectionId: string, eventId: string, rawBody = eventId): NewInboxEntry => ({
  marketplace: 'voso',
  connectionId,
  eventId,
  externalOrderId: `VOSO-${eventId}`,
  change: '{}',
  rawBody,
});

describe('inboxGroupRows', () => {
  it('keeps the first delivery of each (connection, event id), sorted by that key', () => {
    const rows = inboxGroupRows([
      entry(B, 'e1'),
      entry(A, 'e2', 'first'),
      entry(A, 'e1'),
      entry(A, 'e2', 'second'),
      entry(B, 'e0'),
    ]);
    expect(rows.map((r) => [r.connectionId, r.eventId, r.rawBody])).toEqual([
      [A, 'e1', 'e1'],
      [A, 'e2', 'first'],
      [B, 'e0', 'e0'],
      [B, 'e1', 'e1'],
    ]);
  });
  it('sorts two groups holding the same events in opposite orders alike', () => {
    const one = inboxGroupRows([entry(A, 'x'), entry(A, 'y')]);
    const other = inboxGroupRows([entry(A, 'y'), entry(A, 'x')]);
    expect(other).toEqual(one);
  });
  it('does not mistake an event id with a space for another connection’s', () => {
    expect(inboxGroupRows([entry(A, `${B} e`), entry(B, 'e')])).toHaveLength(2);
  });
});

describe('inboxGroupAnswers', () => {
  it('gives the new id to the first entry of a stored key, and none to its repeats or to rows seen before', () => {
    const entries = [entry(A, 'e1'), entry(A, 'old'), entry(B, 'e1'), entry(A, 'e1')];
    const stored = [
      { id: 'id-a1', connectionId: A, eventId: 'e1' },
      { id: 'id-b1', connectionId: B, eventId: 'e1' },
    ];
    expect(inboxGroupAnswers(entries, stored)).toEqual(['id-a1', undefined, 'id-b1', undefined]);
  });
});

describe('oneRowsFailure: which group failures are tried row by row', () => {
  it.each([
    ['22P02', true], // invalid text for a type
    ['22021', true], // bytes not valid in the encoding
    ['23505', true],
    ['40P01', true], // deadlock
    ['57P01', false], // the server is shutting down
    ['57014', false], // statement timeout
    ['53300', false],
    ['ECONNREFUSED', false],
  ])('%s → %s', (code, alone) => {
    expect(oneRowsFailure(Object.assign(new Error('x'), { code }))).toBe(alone);
  });
  it('is false for an error without a code', () => {
    expect(oneRowsFailure(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(oneRowsFailure(null)).toBe(false);
  });
});
