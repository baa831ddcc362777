import { within } from './within';

describe('within', () => {
  it("answers the work's result when it finishes in time", async () => {
    await expect(within(Promise.resolve(7), 1000, 'a sum')).resolves.toBe(7);
  });

  it("passes the work's own failure on", async () => {
    await expect(within(Promise.reject(new Error('refused')), 1000, 'a call')).rejects.toThrow('refused');
  });

  it('gives up after the given time, naming the work', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(within(never, 20, 'enqueueing')).rejects.toThrow('enqueueing took longer than 20 ms');
  });
});
