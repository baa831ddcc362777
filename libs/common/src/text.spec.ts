import { escapeLike, foldVietnamese, searchWords } from './text';

describe('foldVietnamese', () => {
  it.each([
    ['Chè Tân Cương', 'che tan cuong'],
    ['Đinh', 'dinh'],
    ['đỉnh ĐẠI TỪ', 'dinh dai tu'],
    ['Miến dong Việt Cường', 'mien dong viet cuong'],
    ['  Mật   ong  ', 'mat ong'],
    ['Hóa Thượng', 'hoa thuong'],
  ])('%s → %s', (input, folded) => {
    expect(foldVietnamese(input)).toBe(folded);
  });

  it('folds composed and decomposed forms alike', () => {
    expect(foldVietnamese('Ch\u00e8')).toBe(foldVietnamese('Che\u0300'));
  });
});

describe('escapeLike', () => {
  it('escapes wildcards and backslashes', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });
});

describe('searchWords', () => {
  it('folds, splits and de-duplicates', () => {
    expect(searchWords('  Chè  TÂN cương chè ')).toEqual(['che', 'tan', 'cuong']);
    expect(searchWords('')).toEqual([]);
    expect(searchWords(undefined)).toEqual([]);
  });
});
