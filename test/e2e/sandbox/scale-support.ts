import { control } from './helpers';

export const LISTINGS = 10_000;
export const ORDERS = 100_000;
export const DAY = 86_400_000;

export async function pool<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** 100,000 orders over the SKUs, placed over the last 14 days in a shuffled order, in batches of 10,000. */
export async function placeHistory(
  ctl: ReturnType<typeof control>,
  shopId: string,
  skus: string[],
  now: number,
) {
  for (let batch = 0; batch < ORDERS / 10_000; batch++) {
    const orders = Array.from({ length: 10_000 }, (_, i) => {
      const n = batch * 10_000 + i;
      return {
        lines: [{ sku: skus[n % skus.length], quantity: 1 }],
        placedAt: new Date(now - 60_000 - ((n * 7919 * 1009) % (14 * DAY - 120_000))).toISOString(),
        notify: false,
      };
    });
    const response = await ctl.placeOrder(shopId, { orders });
    expect(response.status).toBe(201);
    expect(response.body.orders.every((o: { orderId?: string }) => o.orderId)).toBe(true);
  }
}
