import { useEffect, useState } from 'preact/hooks';
import { api, ok } from '../api';
import type { Schemas } from '../api';

type Category = Schemas['CategoryResponse'];
let cached: Promise<Category[]> | undefined;

/** The reference categories, fetched once per page load (they change with a release, not a click). */
export function useCategories(): Category[] {
  const [categories, setCategories] = useState<Category[]>([]);
  useEffect(() => {
    cached ??= ok(api.GET('/v1/reference/categories'))
      .then((page) => page.items)
      .catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
    cached.then(setCategories, () => setCategories([]));
  }, []);
  return categories;
}
