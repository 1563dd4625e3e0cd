/**
 * The browser harness for the UI benchmark (bench/ui.bench.ts), in a process of its own
 * so that its event-loop lag is the harness's alone: Playwright's client and server run
 * inside the parent bench process and would otherwise add their own work to the loop.
 * Started with `fork(…, { execArgv: ['--import', 'tsx'] })`; talks to the parent over
 * the IPC channel with the messages below.
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { version } from '../../package.json';
import { startHarness, type Harness } from '../../app/main/harness/harness';
import { createDecodePool } from '../../app/main/services/decoding/decodePool';
import { findDefaultModel } from '../../app/main/services/inference/modelRegistry';
import { silentLogger } from '../../app/main/ipc/log';

/** Parent → child. */
export type UiHarnessRequest =
  | { type: 'triage'; paths: string[] }
  | { type: 'aiStatus' }
  | { type: 'close' };

/** Child → parent. */
export type UiHarnessReply =
  | { type: 'ready'; url: string; pid: number }
  | { type: 'failed'; message: string }
  | { type: 'aiStatus'; state: string; reason?: string; provider?: string }
  | {
      type: 'triageDone';
      images: number;
      failed: number;
      firstError?: string;
      seconds: number;
      imagesPerSecond: number;
      /** Event-loop lag of this (the harness) process while the triage ran, in ms (delay minus the sampling interval). */
      loopLagMs: { p50: number; p99: number; max: number; mean: number; resolutionMs: number };
    }
  | { type: 'closed' };

/**
 * Sampling interval of the event-loop delay histogram. Node records the time between two
 * timer callbacks, so every value includes this interval: the lag is the value minus it
 * (the reply gives both).
 */
const LOOP_DELAY_RESOLUTION_MS = 1;

const send = (reply: UiHarnessReply): void => {
  process.send?.(reply);
};

/**
 * Experiment (BENCH_UI_NICE_WORKERS=1), not what the app does: lowers the scheduling
 * priority of every thread of this process but the main one (inference worker and its
 * onnxruntime threads, decode workers) to nice 10, to show what background triage at low
 * priority would leave the UI on a 2-core machine. Linux: a thread id is a valid pid here.
 */
function niceWorkerThreads(): number {
  let changed = 0;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      if (Number(tid) === process.pid) continue;
      try {
        setPriority(Number(tid), 10);
        changed++;
      } catch {
        // The thread ended meanwhile.
      }
    }
  } catch {
    // No /proc (not Linux): nothing to change.
  }
  return changed;
}

async function triage(harness: Harness, paths: string[]): Promise<void> {
  const nice = process.env.BENCH_UI_NICE_WORKERS === '1';
  // New threads (decode workers start lazily) inherit the main thread's priority: repeat.
  const renice = nice ? setInterval(niceWorkerThreads, 250) : undefined;
  if (nice) niceWorkerThreads();
  const histogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  histogram.enable();
  const started = performance.now();
  let failed = 0;
  let firstError: string | undefined;
  // All at once, as the app queues a background batch: the service's job queue bounds
  // the work in flight (two images), the rest wait as paths.
  await Promise.all(
    paths.map((path) =>
      harness.services.ai.classify(path, 0, 'background').catch((err: unknown) => {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  histogram.disable();
  if (renice) clearInterval(renice);
  const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - LOOP_DELAY_RESOLUTION_MS) * 10) / 10);
  send({
    type: 'triageDone',
    images: paths.length,
    failed,
    firstError,
    seconds: Math.round(seconds * 10) / 10,
    imagesPerSecond: Math.round(((paths.length - failed) / seconds) * 10) / 10,
    loopLagMs: { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), mean: ms(histogram.mean), resolutionMs: LOOP_DELAY_RESOLUTION_MS },
  });
}

async function main(): Promise<void> {
  const openPaths = (process.env.CXR_BENCH_OPEN_PATHS ?? '').split('\n').filter(Boolean);
  const root = resolve(__dirname, '..', '..');
  const harness = await startHarness({
    port: 0,
    // CXR_BENCH_RENDERER_DIR: another build of the renderer (a before/after comparison).
    rendererDir: process.env.CXR_BENCH_RENDERER_DIR ?? join(root, 'dist', 'renderer'),
    decode: createDecodePool(),
    logger: silentLogger,
    version,
    openPaths,
    defaultModelPath: findDefaultModel(root),
  });
  send({ type: 'ready', url: harness.url, pid: process.pid });
  process.on('message', (msg: UiHarnessRequest) => {
    switch (msg.type) {
      case 'triage':
        void triage(harness, msg.paths);
        break;
      case 'aiStatus': {
        const s = harness.services.ai.status();
        send({ type: 'aiStatus', state: s.state, reason: s.reason, provider: s.provider ?? undefined });
        break;
      }
      case 'close':
        void harness.close().finally(() => {
          send({ type: 'closed' });
          process.exit(0);
        });
        break;
    }
  });
  // The parent died: do not linger as an orphan holding a port and workers.
  process.on('disconnect', () => {
    void harness.close().finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
