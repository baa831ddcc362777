/**
 * Resolves with `work`'s result, or rejects once `ms` have passed (the work itself goes on): the
 * one bounded wait for work that must not hold a request or a start-up, such as a Redis round trip
 * while Redis may be away.
 */
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
