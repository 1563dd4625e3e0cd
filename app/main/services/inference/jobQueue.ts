/**
 * A small priority job queue for inference (issue #4): the image on screen goes first,
 * background triage after it; jobs can be cancelled while they wait; each job has a time
 * limit; a job whose worker died is retried once, then reported as failed with a clear
 * message. Concurrency is a parameter: 2 lets decoding of the next image overlap the
 * inference of the current one while the single worker serialises the runs.
 */
import { CodedError } from '../../../shared/result';

export type JobPriority = 'interactive' | 'background';

export interface JobProgress {
  queued: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
}

interface Job<T> {
  id: string;
  priority: JobPriority;
  run: () => Promise<T>;
  resolve: (value: T) => void;
  reject: (err: Error) => void;
  attempts: number;
}

export interface JobQueueOptions {
  concurrency: number;
  /** Codes of errors worth one retry (the worker died under the job). */
  retryableCodes: ReadonlySet<string>;
  onProgress?: (progress: JobProgress) => void;
}

export class JobQueue {
  private readonly waiting: Job<unknown>[] = [];
  private running = 0;
  private readonly counts = { done: 0, failed: 0, cancelled: 0 };

  constructor(private readonly options: JobQueueOptions) {}

  /** Queues a job; interactive jobs overtake every waiting background job. */
  add<T>(id: string, priority: JobPriority, run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job: Job<T> = { id, priority, run, resolve, reject, attempts: 0 };
      if (priority === 'interactive') {
        const firstBackground = this.waiting.findIndex((j) => j.priority === 'background');
        this.waiting.splice(firstBackground === -1 ? this.waiting.length : firstBackground, 0, job as Job<unknown>);
      } else {
        this.waiting.push(job as Job<unknown>);
      }
      this.emit();
      this.pump();
    });
  }

  /** Cancels a job that has not started; returns false if it is running or unknown. */
  cancel(id: string): boolean {
    const index = this.waiting.findIndex((j) => j.id === id);
    if (index === -1) return false;
    const [job] = this.waiting.splice(index, 1);
    this.counts.cancelled++;
    job.reject(new CodedError('CANCELLED', 'the job was cancelled'));
    this.emit();
    return true;
  }

  /** Cancels every waiting job (e.g. "cancel import"). */
  cancelAll(predicate: (id: string) => boolean = () => true): number {
    const ids = this.waiting.filter((j) => predicate(j.id)).map((j) => j.id);
    for (const id of ids) this.cancel(id);
    return ids.length;
  }

  progress(): JobProgress {
    return { queued: this.waiting.length, running: this.running, ...this.counts };
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      this.emit();
      void this.execute(job);
    }
  }

  private async execute(job: Job<unknown>): Promise<void> {
    job.attempts++;
    try {
      const value = await job.run();
      this.counts.done++;
      job.resolve(value);
    } catch (err) {
      const code = err instanceof CodedError ? err.code : '';
      if (job.attempts < 2 && this.options.retryableCodes.has(code)) {
        // Retried at the front: it already waited its turn once.
        this.waiting.unshift(job);
      } else {
        this.counts.failed++;
        const message = err instanceof Error ? err.message : String(err);
        job.reject(err instanceof CodedError ? new CodedError(code, job.attempts > 1 ? `${message} (after a retry)` : message) : new CodedError('INFERENCE_FAILED', message));
      }
    } finally {
      this.running--;
      this.emit();
      this.pump();
    }
  }

  private emit(): void {
    this.options.onProgress?.(this.progress());
  }
}
