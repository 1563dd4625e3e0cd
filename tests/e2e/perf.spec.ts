/**
 * Performance probes of issue #2 on the 3000 × 2500, 16-bit fixture:
 * (a) "open file" → first rendered frame, median of 7 cold opens (renderer image cache
 *     purged before each; main decodes again unless it caches);
 * (b) window/level drag: frame times from cornerstone's render events while a pointer
 *     drag is scripted once per animation frame.
 * Figures print as JSON lines (`PERF {...}`); only generous sanity bounds are asserted
 * here. Targets (issue #2): ≤ 300 ms median to first frame, ≥ 60 frames/s while dragging.
 */
import { expect, test } from '@playwright/test';
import { PATIENT_B, PERF_PATIENT } from './support/e2eFixtures';
import { openFixtureFolder, waitForImage } from './support/viewerPage';

const RUNS = 7;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

test.describe.configure({ timeout: 180_000 });

test('open → first frame and W/L drag frame rate on a 3000×2500 16-bit image', async ({ page }) => {
  await openFixtureFolder(page);
  const perfButton = page.getByTestId('patient-row').filter({ hasText: PERF_PATIENT.id }).getByTestId('study-row').getByRole('button');
  const otherButton = page.getByTestId('patient-row').filter({ hasText: PATIENT_B.id }).getByTestId('study-row').getByRole('button');
  await expect(perfButton).toBeVisible();

  const openTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // Show another image first so the click below is a real change of image.
    await otherButton.click();
    await waitForImage(page);
    await page.evaluate(() => (window as unknown as { __cxr: { purgeImageCache(): void } }).__cxr.purgeImageCache());
    await perfButton.evaluate((button: HTMLElement) => {
      const w = window as unknown as { __perfOpen?: Promise<number> };
      const element = document.querySelector('[data-testid="viewport-canvas-0"]')!;
      w.__perfOpen = new Promise<number>((resolve) => {
        const t0 = performance.now();
        const onRendered = (e: Event) => {
          const image = (e as CustomEvent<{ image?: { rows: number; columns: number } }>).detail?.image;
          if (image?.rows === 2500 && image.columns === 3000) {
            element.removeEventListener('cornerstoneimagerendered', onRendered);
            resolve(performance.now() - t0);
          }
        };
        element.addEventListener('cornerstoneimagerendered', onRendered);
        button.click();
      });
    });
    openTimes.push(await page.evaluate(() => (window as unknown as { __perfOpen: Promise<number> }).__perfOpen));
  }
  const openMedian = median(openTimes);
  console.log(`PERF ${JSON.stringify({ metric: 'open_to_first_frame_ms', image: '3000x2500x16', runs: openTimes.map((t) => Math.round(t)), median: Math.round(openMedian), target: 300 })}`);

  // Where the time goes: the `images:load` round trip alone (decode in main + transfer).
  const loadTimes = await page.evaluate(async (patientId: string) => {
    type Api = { invoke(channel: string, request: unknown): Promise<{ ok: boolean }> };
    type Patients = { patientId: string; studies: { thumbnailInstanceId?: string }[] }[];
    const cxr = (window as unknown as { __cxr: { stores: { api: Api; studies: { getState(): { patients: Patients } } } } }).__cxr;
    const instanceId = cxr.stores.studies.getState().patients.find((p) => p.patientId === patientId)?.studies[0]?.thumbnailInstanceId;
    const times: number[] = [];
    for (let i = 0; i < 5 && instanceId; i++) {
      const t0 = performance.now();
      const result = await cxr.stores.api.invoke('images:load', { instanceId, frame: 0 });
      if (result.ok) times.push(performance.now() - t0);
    }
    return times;
  }, PERF_PATIENT.id);
  if (loadTimes.length > 0) {
    console.log(`PERF ${JSON.stringify({ metric: 'images_load_roundtrip_ms', image: '3000x2500x16', runs: loadTimes.map((t) => Math.round(t)), median: Math.round(median(loadTimes)) })}`);
  }

  await waitForImage(page);
  await page.keyboard.press('w');
  const drag = await page.evaluate(async () => {
    const element = document.querySelector('[data-testid="viewport-canvas-0"]') as HTMLElement;
    const rect = element.getBoundingClientRect();
    const renders: { t: number; renderMs: number }[] = [];
    const onRendered = (e: Event) => {
      renders.push({ t: performance.now(), renderMs: (e as CustomEvent<{ renderTimeInMs?: number }>).detail?.renderTimeInMs ?? NaN });
    };
    element.addEventListener('cornerstoneimagerendered', onRendered);
    let x = rect.left + rect.width / 2;
    let y = rect.top + rect.height / 2;
    const base = { pointerId: 7, bubbles: true, cancelable: true, isPrimary: true, pointerType: 'mouse' };
    element.dispatchEvent(new PointerEvent('pointerdown', { ...base, button: 0, buttons: 1, clientX: x, clientY: y }));
    const durationMs = 2000;
    const start = performance.now();
    let frames = 0;
    await new Promise<void>((resolve) => {
      const step = () => {
        frames++;
        const phase = frames % 120 < 60 ? 1 : -1;
        x += 3 * phase;
        y += 2 * phase;
        element.dispatchEvent(new PointerEvent('pointermove', { ...base, button: -1, buttons: 1, clientX: x, clientY: y }));
        if (performance.now() - start < durationMs) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    element.dispatchEvent(new PointerEvent('pointerup', { ...base, button: 0, buttons: 0, clientX: x, clientY: y }));
    element.removeEventListener('cornerstoneimagerendered', onRendered);
    return { renders, rafFrames: frames, elapsed: performance.now() - start };
  });
  const times = drag.renders.map((r) => r.t);
  const intervals = times.slice(1).map((t, i) => t - times[i]);
  const fps = intervals.length > 0 ? (1000 * intervals.length) / (times[times.length - 1] - times[0]) : 0;
  const renderMs = drag.renders.map((r) => r.renderMs).filter(Number.isFinite);
  console.log(
    `PERF ${JSON.stringify({
      metric: 'wl_drag',
      image: '3000x2500x16',
      renderedFrames: drag.renders.length,
      rafFrames: drag.rafFrames,
      fps: Math.round(fps * 10) / 10,
      frameIntervalMsMedian: intervals.length ? Math.round(median(intervals) * 10) / 10 : null,
      frameIntervalMsP95: intervals.length ? Math.round(percentile(intervals, 0.95) * 10) / 10 : null,
      renderMsMedian: renderMs.length ? Math.round(median(renderMs) * 10) / 10 : null,
      target: 60,
    })}`,
  );

  const memory = await page.evaluate(() => {
    const cxr = (window as unknown as { __cxr: { imageCacheInfo(): { maximumSizeInBytes: number; cacheSizeInBytes: number; numberOfImagesCached: number } } }).__cxr;
    const heap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return { ...cxr.imageCacheInfo(), usedJSHeapSize: heap?.usedJSHeapSize };
  });
  console.log(`PERF ${JSON.stringify({ metric: 'renderer_memory', ...memory })}`);
  // IMAGE_CACHE_BYTES of app/renderer/viewer/imageLoader.ts (not importable here: it
  // loads cornerstone-core, which needs a DOM); bench/ui.bench.ts measures what it buys.
  expect(memory.maximumSizeInBytes).toBe(512 * 1024 * 1024);

  // Sanity bounds only (this machine is shared and has no GPU); targets are in the closing note.
  expect(openMedian).toBeLessThan(10_000);
  expect(drag.renders.length).toBeGreaterThan(3);
});
