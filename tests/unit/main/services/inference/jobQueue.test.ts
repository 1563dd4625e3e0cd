import { describe, expect, it } from 'vitest';

import { JobQueue } from '../../../../../app/main/services/inference/jobQueue';
import { CodedError } from '../../../../../app/shared/result';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('JobQueue', () => {
  it('runs interactive jobs before waiting background jobs', async () => {
    const queue = new JobQueue({ concurrency: 1, retryableCodes: new Set() });
    const order: string[] = [];
    const gate = deferred();
    const first = queue.add('b0', 'background', async () => {
      await gate.promise;
      order.push('b0');
    });
    const b1 = queue.add('b1', 'background', async () => void order.push('b1'));
    const i1 = queue.add('i1', 'interactive', async () => void order.push('i1'));
    gate.resolve();
    await Promise.all([first, b1, i1]);
    expect(order).toEqual(['b0', 'i1', 'b1']);
  });

  it('cancels a waiting job with a CANCELLED error', async () => {
    const queue = new JobQueue({ concurrency: 1, retryableCodes: new Set() });
    const gate = deferred();
    const running = queue.add('a', 'background', () => gate.promise);
    const waiting = queue.add('b', 'background', async () => 'never');
    expect(queue.cancel('b')).toBe(true);
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    gate.resolve();
    await running;
    expect(queue.progress()).toMatchObject({ done: 1, cancelled: 1, queued: 0 });
  });

  it('retries a job once when its worker died, then succeeds', async () => {
    const queue = new JobQueue({ concurrency: 1, retryableCodes: new Set(['DIED']) });
    let attempts = 0;
    const value = await queue.add('a', 'background', async () => {
      if (++attempts === 1) throw new CodedError('DIED', 'worker died');
      return 42;
    });
    expect(value).toBe(42);
    expect(attempts).toBe(2);
  });

  it('reports a job as failed after its one retry', async () => {
    const queue = new JobQueue({ concurrency: 1, retryableCodes: new Set(['DIED']) });
    let attempts = 0;
    const job = queue.add('a', 'background', async () => {
      attempts++;
      throw new CodedError('DIED', 'worker died');
    });
    await expect(job).rejects.toMatchObject({ code: 'DIED', message: 'worker died (after a retry)' });
    expect(attempts).toBe(2);
  });

  it('does not retry other errors', async () => {
    const queue = new JobQueue({ concurrency: 1, retryableCodes: new Set(['DIED']) });
    let attempts = 0;
    await expect(
      queue.add('a', 'background', async () => {
        attempts++;
        throw new CodedError('CORRUPT_PNG', 'bad file');
      }),
    ).rejects.toMatchObject({ code: 'CORRUPT_PNG' });
    expect(attempts).toBe(1);
  });
});
