import { parseMarketplaceJson, wellFormed } from './well-formed';

describe('well-formed strings out of JSON', () => {
  it('replaces each lone surrogate, high or low, with U+FFFD and keeps whole pairs', () => {
    expect(parseMarketplaceJson('"Ch\\u00e8 \\ud83d"')).toBe('Chè \ufffd');
    expect(parseMarketplaceJson('"\\udc00x\\ud83c\\udf75"')).toBe('\ufffdx🍵');
    expect(parseMarketplaceJson('"\\uD83D\\uDE00"')).toBe('😀');
  });

  it('reaches strings in arrays and objects at any depth, and property names', () => {
    const deep = `${'['.repeat(5000)}"\\ud83d"${']'.repeat(5000)}`;
    let value = parseMarketplaceJson(deep);
    for (let i = 0; i < 5000; i += 1) value = (value as unknown[])[0];
    expect(value).toBe('\ufffd');
    expect(parseMarketplaceJson('{"a\\udc00": {"b": ["x", "\\ud800", 1, null]}}')).toEqual({
      'a\ufffd': { b: ['x', '\ufffd', 1, null] },
    });
  });

  it('leaves well-formed values as they are and throws on what is not JSON, like JSON.parse', () => {
    const body = { name: 'Chè Tân Cương ☕🍵', n: 1, list: [true, null] };
    expect(wellFormed(structuredClone(body))).toEqual(body);
    expect(wellFormed(undefined)).toBeUndefined();
    expect(() => parseMarketplaceJson('{"a":')).toThrow(SyntaxError);
  });

  it('what it answers, JSON.stringify writes without a lone-surrogate escape PostgreSQL would refuse', () => {
    const text = JSON.stringify(parseMarketplaceJson('{"k\\ud83d": ["\\udfff"]}'));
    expect(text).not.toMatch(/\\u[dD][89a-fA-F]/);
  });

  it("replaces NUL in a marketplace's JSON too, which PostgreSQL stores in neither text nor jsonb", () => {
    expect(parseMarketplaceJson('{"note\\u0000": ["a\\u0000b", "\\u0000\\ud83d"]}')).toEqual({
      'note\ufffd': ['a\ufffdb', '\ufffd\ufffd'],
    });
    expect(wellFormed('a\u0000')).toBe('a\u0000');
  });
});
