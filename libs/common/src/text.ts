/**
 * Folds Vietnamese text for search: lower case, no tone or vowel marks, and đ → d, so that
 * "che tan cuong" finds "Chè Tân Cương" and "dinh" finds "Đinh".
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes LIKE wildcards so a user's `%` or `_` is matched literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The folded words of a search: a name matches when it contains every word, in any order, so
 * "che tan cuong" finds "Chè Đinh Tân Cương".
 */
export function searchWords(query: string | undefined): string[] {
  if (!query) return [];
  return [...new Set(foldVietnamese(query).split(' ').filter(Boolean))].slice(0, 8);
}
