import { CONNECTION_JOB_CONCURRENCY } from '@ocop/jobs';
import { importJobConcurrency, yieldsSlotIfOthersWait } from './import-slots';

describe('importJobConcurrency', () => {
  it('gives batched imports a slot per connection like the other per-connection queues, one-row imports eight', () => {
    expect(importJobConcurrency(500)).toBe(CONNECTION_JOB_CONCURRENCY);
    expect(importJobConcurrency(2)).toBe(CONNECTION_JOB_CONCURRENCY);
    expect(importJobConcurrency(1)).toBe(8);
  });
});

describe('yieldsSlotIfOthersWait', () => {
  const full = { batchesDone: 1, running: 16, slots: 16 };

  it('yields after a batch when every slot of this worker is taken', () => {
    expect(yieldsSlotIfOthersWait(full)).toBe(true);
  });

  it('keeps the slot before its first batch: a job taken must make progress', () => {
    expect(yieldsSlotIfOthersWait({ ...full, batchesDone: 0 })).toBe(false);
  });

  it('keeps the slot while this worker has a free one for a waiting job', () => {
    expect(yieldsSlotIfOthersWait({ ...full, running: 15 })).toBe(false);
  });
});
