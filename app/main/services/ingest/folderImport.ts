/**
 * Recursive folder import into the worklist (issue #5), with progress {total, done, failed,
 * etaSeconds} and cancel. The folder is walked first (so `total` and the ETA mean something),
 * then files are fed to the ingest queue a few at a time: cancelling stops feeding at once,
 * files in flight finish, and nothing half-done is left behind (an instance already recorded
 * as pending is resumed on the next start).
 */
import { walkFiles } from '../studies/fileWalker';
import type { AiPriority } from '../worklist/worklistStore';
import type { IngestOutcome, IngestQueue } from './ingestQueue';

export interface ImportProgress {
  total: number;
  /** Files finished (any outcome). */
  done: number;
  failed: number;
  /** Remaining time from the mean time per finished file; null until one finished. */
  etaSeconds: number | null;
}

export interface ImportSummary {
  total: number;
  added: number;
  triaged: number;
  duplicates: number;
  failed: number;
  skipped: number;
  /** Recorded but left pending (queue closing); resumed on the next start. */
  pending: number;
  cancelled: boolean;
  byPriority: Record<AiPriority, number>;
  /** Failures, each naming the file by its base name. */
  errors: { code: string; message: string }[];
  elapsedMs: number;
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
  /** Files handed to the queue ahead of completion; default 8. */
  window?: number;
  /** Clock for the ETA; default performance.now. */
  now?: () => number;
}

/** Imports and triages every file under `folder` (recursive). Resolves with a summary; never rejects for a bad file. */
export async function importFolder(queue: IngestQueue, folder: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const cancelled = (): boolean => options.signal?.aborted ?? false;
  const summary: ImportSummary = {
    total: 0,
    added: 0,
    triaged: 0,
    duplicates: 0,
    failed: 0,
    skipped: 0,
    pending: 0,
    cancelled: false,
    byPriority: { high: 0, medium: 0, low: 0, unreliable: 0 },
    errors: [],
    elapsedMs: 0,
  };
  const files: string[] = [];
  for await (const entry of walkFiles(folder, cancelled)) {
    if (entry.kind === 'file') files.push(entry.path);
    else {
      summary.failed++;
      summary.errors.push({ code: entry.code, message: `${entry.path.split(/[\\/]/).pop()}: ${entry.message}` });
    }
  }
  summary.total = files.length;
  let done = 0;
  const progress = (): void => {
    const elapsedS = (now() - started) / 1000;
    const etaSeconds = done > 0 ? Math.round((elapsedS / done) * (summary.total - done) * 10) / 10 : null;
    options.onProgress?.({ total: summary.total, done, failed: summary.failed, etaSeconds });
  };
  const count = (outcome: IngestOutcome): void => {
    done++;
    switch (outcome.status) {
      case 'triaged':
        summary.added++;
        summary.triaged++;
        summary.byPriority[outcome.priority]++;
        break;
      case 'duplicate':
        summary.duplicates++;
        break;
      case 'failed':
        if (outcome.instanceId !== undefined) summary.added++;
        summary.failed++;
        summary.errors.push(outcome.error);
        break;
      case 'pending':
        summary.added++;
        summary.pending++;
        break;
      case 'skipped':
        summary.skipped++;
        break;
      case 'cancelled':
        summary.cancelled = true;
        break;
    }
    progress();
  };
  progress();
  const window = Math.max(1, options.window ?? 8);
  const inFlight = new Set<Promise<void>>();
  for (const path of files) {
    if (cancelled()) break;
    const p: Promise<void> = queue.add(path, 'import').then(count);
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  summary.cancelled ||= cancelled();
  summary.elapsedMs = Math.round(now() - started);
  return summary;
}
