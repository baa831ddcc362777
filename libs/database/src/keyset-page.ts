import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorKey, decodeCursor, encodeCursor, PageQuery, pageSize } from '@ocop/common';

/** How a list is ordered for keyset paging: newest first by `column`, then by id. */
export interface Keyset<T> {
  column: string;
  /** how the cursor's first value is compared with the column */
  cast: 'timestamptz' | 'date';
  key: (row: T) => CursorKey;
}

export const byCreation: Keyset<{ createdAt: Date; id: string }> = {
  column: 'created_at',
  cast: 'timestamptz',
  key: (row) => [row.createdAt.toISOString(), row.id],
};

/**
 * One page of `qb` (API.md "Lists"): rows after the cursor, newest first, fetching one row past
 * the page only to know whether there is a next one. Paging by key, not offset, keeps a page as
 * cheap on page 1,000 as on page 1 and stable while rows are added.
 */
export async function fetchPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  query: PageQuery,
  keyset: Keyset<T>,
): Promise<{ rows: T[]; nextCursor: string | null }> {
  const limit = pageSize(query);
  const alias = qb.alias;
  const after = decodeCursor(query.cursor);
  if (after) {
    qb.andWhere(`(${alias}.${keyset.column}, ${alias}.id) < (CAST(:keysetAt AS ${keyset.cast}), :keysetId)`, {
      keysetAt: keyset.cast === 'date' ? after[0].slice(0, 10) : after[0],
      keysetId: after[1],
    });
  }
  const rows = await qb
    .orderBy(`${alias}.${keyset.column}`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .limit(limit + 1)
    .getMany();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(keyset.key(last)) : null };
}
