/**
 * UI benchmark (issues #2 and #4), in the browser harness driven by Debian's Chromium.
 * `npm run bench -- ui`; prints one JSON line per figure, medians over several runs, with
 * the machine's load average beside them (two shared cores: other jobs move the figures).
 *
 *  1. issue #2: study click → first rendered frame of a 3000 × 2500 16-bit image, renderer
 *     cache purged before each open (median of BENCH_RUNS, default 7; target ≤ 300 ms);
 *  2. issue #2: window/level drag on that image, frame times from requestAnimationFrame
 *     while a drag is scripted one pointermove per frame (target ≥ 60 frames/s), fitted
 *     to the window and at 1:1;
 *  3. issue #4: while the AI triages BENCH_TRIAGE (default 1,000) 1024 × 1024 8-bit PNGs
 *     in the background, the harness process's event-loop lag (p99 target < 50 ms), W/L
 *     frame rate in the browser at the same time (≥ 60) and images per second;
 *  4. issue #2: BENCH_STUDIES (default 200) distinct 2500 × 2048 16-bit studies opened one
 *     after another; renderer processes' resident memory after each (target < 1.5 GB).
 *
 * The harness runs in a child process (bench/lib/uiHarnessChild.ts) so that its event
 * loop carries the harness's work only. Needs `npm run build` (dist/renderer, dist/workers).
 * BENCH_UI_PARTS=open,drag,triage,memory picks parts; BENCH_UI_TRACE=1 adds a Chromium
 * trace of one more drag, summarised (bench/lib/uiTrace.ts). Temp files are removed at the end.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchUiBrowser, measureWindowLevelDrag, median, percentile, rendererRss, round1, timeOpenToFirstFrame, waitForReady, type DragFigures, type UiBrowser } from './lib/uiBrowser';
import { LARGE_PATIENT, LARGE_SIZE, OTHER_PATIENT, writeLargeStudies, writeOpenFixtures, writeTriagePngs } from './lib/uiFixtures';
import { startTrace, summariseTrace } from './lib/uiTrace';
import type { UiHarnessReply, UiHarnessRequest } from './lib/uiHarnessChild';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const STUDIES = Number(process.env.BENCH_STUDIES ?? 200);
const TRIAGE = Number(process.env.BENCH_TRIAGE ?? 1000);
const DRAG_MS = Number(process.env.BENCH_DRAG_MS ?? 3000);
const PARTS = new Set((process.env.BENCH_UI_PARTS ?? 'open,drag,triage,memory').split(','));
const MEMORY_TARGET_MB = 1536;

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
const print = (figures: Record<string, unknown>) => console.log(JSON.stringify({ ...figures, loadavg: load() }));
const note = (message: string) => console.error(`[ui.bench] ${message}`);

interface HarnessChild {
  url: string;
  child: ChildProcess;
  next(type: UiHarnessReply['type'], timeoutMs?: number): Promise<UiHarnessReply>;
  send(msg: UiHarnessRequest): void;
}

async function startHarnessChild(openPaths: string[]): Promise<HarnessChild> {
  const child = fork(join(__dirname, 'lib', 'uiHarnessChild.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, CXR_BENCH_OPEN_PATHS: openPaths.join('\n') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: UiHarnessReply[] = [];
  const waiters: { type: string; resolve(r: UiHarnessReply): void }[] = [];
  child.on('message', (msg: UiHarnessReply) => {
    const i = waiters.findIndex((w) => w.type === msg.type || msg.type === 'failed');
    if (i >= 0) waiters.splice(i, 1)[0].resolve(msg);
    else inbox.push(msg);
  });
  const next = (type: UiHarnessReply['type'], timeoutMs = 600_000) =>
    new Promise<UiHarnessReply>((resolvePromise, reject) => {
      const i = inbox.findIndex((m) => m.type === type || m.type === 'failed');
      if (i >= 0) return resolvePromise(inbox.splice(i, 1)[0]);
      const timer = setTimeout(() => reject(new Error(`harness child: no ${type} within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({
        type,
        resolve: (r) => {
          clearTimeout(timer);
          resolvePromise(r);
        },
      });
    });
  const ready = await next('ready', 120_000);
  if (ready.type !== 'ready') throw new Error(`harness failed to start: ${ready.type === 'failed' ? ready.message : ready.type}`);
  return { url: ready.url, child, next, send: (msg) => child.send(msg) };
}

async function openFolder(page: Page): Promise<void> {
  await page.getByTestId('research-notice').waitFor({ timeout: 60_000 });
  await page.getByTestId('open-folder').click();
  await page.getByTestId('patient-id').filter({ hasText: LARGE_PATIENT.id }).waitFor({ timeout: 120_000 });
}

async function showOther(page: Page): Promise<void> {
  await page.getByTestId('patient-row').filter({ hasText: OTHER_PATIENT.id }).getByTestId('study-row').getByRole('button').first().click();
  await waitForReady(page);
}

/** Shows the large image (through another one, so the click is a real change of image). */
async function showLarge(page: Page): Promise<void> {
  await showOther(page);
  await timeOpenToFirstFrame(page, LARGE_PATIENT.id, LARGE_SIZE.rows, LARGE_SIZE.columns);
  await waitForReady(page);
}

/** Part 1: study click → first frame of the large image, cold renderer cache each time. */
async function benchOpen(page: Page): Promise<void> {
  const times: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    // Another image first, so the click below is a real change of image.
    await showOther(page);
    await page.evaluate(() => (window as unknown as { __cxr: { purgeImageCache(): void } }).__cxr.purgeImageCache());
    times.push(await timeOpenToFirstFrame(page, LARGE_PATIENT.id, LARGE_SIZE.rows, LARGE_SIZE.columns));
    await waitForReady(page);
  }
  const [warmUp, ...measured] = times;
  print({
    bench: 'ui.openToFirstFrame.3000x2500x16',
    issue: 2,
    warmUpMs: Math.round(warmUp),
    runsMs: measured.map(Math.round),
    medianMs: Math.round(median(measured)),
    targetMs: 300,
  });
}

function dragSummary(drags: DragFigures[]): Record<string, unknown> {
  return {
    drags: drags.length,
    medianFps: round1(median(drags.map((d) => d.medianFps))),
    fps: round1(median(drags.map((d) => d.fps))),
    frameMsP95: round1(median(drags.map((d) => d.frameMsP95))),
    frameMsMax: round1(Math.max(...drags.map((d) => d.frameMsMax))),
    rendersPerSecond: round1(median(drags.map((d) => d.rendersPerSecond))),
    renderMsMedian: median(drags.map((d) => d.renderMsMedian ?? NaN)),
    perDrag: drags.map((d) => ({ fps: d.fps, medianFps: d.medianFps, p95: d.frameMsP95, renders: d.rendersPerSecond, renderMs: d.renderMsMedian })),
  };
}

/** Part 2: W/L drag on the large image, three drags of DRAG_MS. */
async function benchDrag(page: Page): Promise<void> {
  await showLarge(page);
  const before = load();
  const drags: DragFigures[] = [];
  for (let i = 0; i < 3; i++) drags.push(await measureWindowLevelDrag(page, DRAG_MS));
  print({ bench: 'ui.windowLevelDrag.3000x2500x16', issue: 2, dragMs: DRAG_MS, ...dragSummary(drags), loadavgBefore: before, targetFps: 60 });
  // Zoomed in, 1:1 ('o'): the full-resolution level, of which the canvas shows a part.
  await page.keyboard.press('o');
  const zoomed: DragFigures[] = [];
  for (let i = 0; i < 3; i++) zoomed.push(await measureWindowLevelDrag(page, DRAG_MS));
  await page.keyboard.press('f');
  print({ bench: 'ui.windowLevelDrag.3000x2500x16.zoom1to1', issue: 2, dragMs: DRAG_MS, ...dragSummary(zoomed), targetFps: 60 });
  if (process.env.BENCH_UI_TRACE) {
    const stop = await startTrace(page);
    const traced = await measureWindowLevelDrag(page, DRAG_MS);
    print({ bench: 'ui.windowLevelDrag.trace', fps: traced.fps, frameMsP95: traced.frameMsP95, renderMsMedian: traced.renderMsMedian, ...summariseTrace(await stop()) });
  }
}

/** Part 3: background triage in the harness process; its loop lag and W/L fps meanwhile. */
async function benchTriage(page: Page, harness: HarnessChild, pngDir: string): Promise<void> {
  const paths = writeTriagePngs(pngDir, TRIAGE);
  // The AI loads in the background when the harness starts; wait for it to settle.
  let status: UiHarnessReply | undefined;
  for (let i = 0; i < 120; i++) {
    harness.send({ type: 'aiStatus' });
    status = await harness.next('aiStatus', 10_000);
    if (status.type === 'aiStatus' && status.state !== 'loading') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (status?.type !== 'aiStatus' || status.state !== 'ready') {
    print({ bench: 'ui.backgroundTriage', issue: 4, skipped: `AI not ready: ${status?.type === 'aiStatus' ? `${status.state} ${status.reason ?? ''}` : 'no status'}` });
    return;
  }
  await showLarge(page);
  harness.send({ type: 'triage', paths });
  const done = harness.next('triageDone', 3_600_000);
  let finished: UiHarnessReply | undefined;
  void done.then((r) => (finished = r));
  const drags: DragFigures[] = [];
  // Drag as long as the triage runs (then one more so at least one overlaps it).
  let traceSummary: Record<string, unknown> | undefined;
  while (!finished) {
    // BENCH_UI_TRACE: the third drag (well inside the batch) is traced.
    const stop = process.env.BENCH_UI_TRACE && drags.length === 2 ? await startTrace(page) : undefined;
    drags.push(await measureWindowLevelDrag(page, DRAG_MS));
    if (stop) traceSummary = summariseTrace(await stop());
    await new Promise((r) => setTimeout(r, 200));
  }
  const result = await done;
  if (result.type !== 'triageDone') throw new Error(`triage: ${result.type}`);
  print({
    bench: 'ui.backgroundTriage.1024x1024png',
    issue: 4,
    images: result.images,
    failed: result.failed,
    firstError: result.firstError,
    seconds: result.seconds,
    imagesPerSecond: result.imagesPerSecond,
    provider: status.provider,
    workerThreadsNiced: process.env.BENCH_UI_NICE_WORKERS === '1',
    harnessLoopLagMs: result.loopLagMs,
    targetLoopLagP99Ms: 50,
    windowLevelWhileTriaging: dragSummary(drags),
    targetFps: 60,
    ...(traceSummary ? { traceOfThirdDrag: traceSummary } : {}),
  });
}

/** Part 4: open STUDIES large studies one after another, renderer RSS after each. */
async function benchMemory(ui: UiBrowser, studiesDir: string): Promise<void> {
  const { page } = ui;
  const started = Date.now();
  writeLargeStudies(studiesDir, STUDIES);
  note(`${STUDIES} studies written in ${Math.round((Date.now() - started) / 1000)} s`);
  const t0 = Date.now();
  await page.evaluate(async (dir: string) => {
    type Api = { invoke(channel: string, request: unknown): Promise<{ ok: boolean; error?: { message: string } }> };
    const cxr = (window as unknown as { __cxr: { stores: { api: Api } } }).__cxr;
    const r = await cxr.stores.api.invoke('studies:import', { paths: [dir] });
    if (!r.ok) throw new Error(r.error?.message);
  }, studiesDir);
  type Target = { studyKey: string; instanceId: string };
  const targets = await page.waitForFunction(
    (n: number) => {
      type Patients = { patientId: string; studies: { studyKey: string; thumbnailInstanceId?: string }[] }[];
      const cxr = (window as unknown as { __cxr: { stores: { studies: { getState(): { patients: Patients; refresh(): Promise<void> } } } } }).__cxr;
      const state = cxr.stores.studies.getState();
      const found = state.patients.filter((p) => p.patientId.startsWith('BENCH-S')).sort((a, b) => a.patientId.localeCompare(b.patientId));
      if (found.length < n) {
        void state.refresh();
        return false;
      }
      return found.map((p) => ({ studyKey: p.studies[0].studyKey, instanceId: p.studies[0].thumbnailInstanceId! }));
    },
    STUDIES,
    { timeout: 1_800_000, polling: 1000 },
  );
  const list = (await targets.jsonValue()) as Target[];
  note(`${list.length} studies imported in ${Math.round((Date.now() - t0) / 1000)} s`);

  const samples: { rssMB: number; perProcessMB: number[]; cacheMB: number; heapMB: number; openMs: number }[] = [];
  for (const [i, target] of list.entries()) {
    const figures = await page.evaluate(
      (t: Target) =>
        new Promise<{ openMs: number; cacheBytes: number; heap: number }>((resolvePromise, reject) => {
          type Cxr = {
            stores: { viewer: { getState(): { openInstance(studyKey: string, instanceId: string, slot?: 0 | 1): void } } };
            imageCacheInfo(): { cacheSizeInBytes: number };
          };
          const cxr = (window as unknown as { __cxr: Cxr }).__cxr;
          const element = document.querySelector('[data-testid="viewport-canvas-0"]')!;
          const timer = setTimeout(() => reject(new Error('no frame within 120 s')), 120_000);
          const start = performance.now();
          const onRendered = (e: Event) => {
            const image = (e as CustomEvent<{ image?: { imageId: string } }>).detail?.image;
            if (image?.imageId.includes(t.instanceId)) {
              element.removeEventListener('cornerstoneimagerendered', onRendered);
              clearTimeout(timer);
              const heap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN;
              resolvePromise({ openMs: performance.now() - start, cacheBytes: cxr.imageCacheInfo().cacheSizeInBytes, heap });
            }
          };
          element.addEventListener('cornerstoneimagerendered', onRendered);
          cxr.stores.viewer.getState().openInstance(t.studyKey, t.instanceId, 0);
        }),
      target,
    );
    const rss = rendererRss(ui.userDataDir);
    samples.push({ rssMB: rss.totalMB, perProcessMB: rss.perProcessMB, cacheMB: round1(figures.cacheBytes / 2 ** 20), heapMB: round1(figures.heap / 2 ** 20), openMs: Math.round(figures.openMs) });
    if ((i + 1) % 20 === 0 || i === list.length - 1) note(`opened ${i + 1}/${list.length}: renderer RSS ${rss.totalMB} MB (${rss.processes} processes), cache ${samples[i].cacheMB} MB`);
  }
  const rss = samples.map((s) => s.rssMB);
  const lastQuarter = samples.slice(Math.floor(samples.length * 0.75));
  print({
    bench: 'ui.memory.openStudies.2500x2048x16',
    issue: 2,
    studies: samples.length,
    rendererRssMaxMB: Math.max(...rss),
    rendererRssPlateauMB: round1(median(lastQuarter.map((s) => s.rssMB))),
    rendererRssAfterFirstMB: rss[0],
    perProcessAfterFirstMB: samples[0].perProcessMB,
    perProcessAtMaxMB: samples[rss.indexOf(Math.max(...rss))].perProcessMB,
    cacheMaxMB: Math.max(...samples.map((s) => s.cacheMB)),
    cachePlateauMB: round1(median(lastQuarter.map((s) => s.cacheMB))),
    jsHeapPlateauMB: round1(median(lastQuarter.map((s) => s.heapMB))),
    openMsMedian: median(samples.map((s) => s.openMs)),
    openMsP95: percentile(samples.map((s) => s.openMs), 0.95),
    rssEvery10thMB: rss.filter((_, i) => i % 10 === 9),
    targetMB: MEMORY_TARGET_MB,
  });
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html'))) throw new Error('dist/renderer is not built: run `npm run build` first');
  const tmp = mkdtempSync(join(tmpdir(), 'cxr-bench-ui-'));
  let harness: HarnessChild | undefined;
  let ui: UiBrowser | undefined;
  try {
    writeOpenFixtures(join(tmp, 'open'));
    harness = await startHarnessChild([join(tmp, 'open')]);
    ui = await launchUiBrowser(harness.url);
    await openFolder(ui.page);
    if (PARTS.has('open')) await benchOpen(ui.page);
    if (PARTS.has('drag')) await benchDrag(ui.page);
    if (PARTS.has('triage')) await benchTriage(ui.page, harness, join(tmp, 'png'));
    rmSync(join(tmp, 'png'), { recursive: true, force: true });
    if (PARTS.has('memory')) await benchMemory(ui, join(tmp, 'studies'));
  } finally {
    await ui?.close();
    if (harness) {
      harness.send({ type: 'close' });
      await Promise.race([harness.next('closed', 30_000).catch(() => undefined), new Promise((r) => setTimeout(r, 30_000))]);
      if (harness.child.exitCode === null) harness.child.kill();
    }
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
