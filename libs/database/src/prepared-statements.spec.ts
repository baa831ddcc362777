import { StatementNames } from './prepared-statements';

describe('StatementNames', () => {
  it('names a text the second time it is sent, and keeps that name', () => {
    const names = new StatementNames();
    expect(names.nameFor('SELECT $1')).toBeUndefined();
    const name = names.nameFor('SELECT $1');
    expect(name).toMatch(/^ocop_\d+$/);
    expect(names.nameFor('SELECT $1')).toBe(name);
  });

  it('gives different texts different names', () => {
    const names = new StatementNames();
    for (const text of ['SELECT $1', 'SELECT $1', 'SELECT $2', 'SELECT $2']) names.nameFor(text);
    expect(names.nameFor('SELECT $1')).not.toBe(names.nameFor('SELECT $2'));
  });

  it('names no more than its limit: later texts go unnamed', () => {
    const names = new StatementNames(2);
    for (const text of ['a', 'a', 'b', 'b', 'c', 'c', 'c']) names.nameFor(text);
    expect(names.size).toBe(2);
    expect(names.nameFor('c')).toBeUndefined();
    expect(names.nameFor('a')).toBeDefined();
  });

  it('remembers a bounded number of texts sent once: a text first sent past that bound stays unnamed', () => {
    const names = new StatementNames(120, 2);
    for (const text of ['a', 'b', 'c', 'c', 'c']) names.nameFor(text);
    expect(names.nameFor('c')).toBeUndefined();
    expect(names.nameFor('a')).toBeDefined();
    expect(names.size).toBe(1);
  });
});
