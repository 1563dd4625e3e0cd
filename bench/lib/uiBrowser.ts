/**
 * Browser side of the UI benchmark (bench/ui.bench.ts): Debian's Chromium driven by
 * playwright-core with a fresh profile, the renderer processes' resident memory, and the
 * in-page probes (open → first frame, window/level drag frame times).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile, q in [0, 1]. */
export function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;

export interface UiBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The profile folder of this launch (fresh, removed by close). */
  userDataDir: string;
  close(): Promise<void>;
}

/** Launches /usr/bin/chromium (or CXR_CHROMIUM) headless with a fresh profile and opens `url`. */
export async function launchUiBrowser(url: string): Promise<UiBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'cxr-bench-profile-'));
  // A persistent context is how Playwright takes a chosen --user-data-dir: the renderer
  // processes of this browser are then the ones whose ancestor is this bench process.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CXR_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // performance.memory with real (not bucketed) values, for the heap figure.
      '--enable-precise-memory-info',
    ],
  });
  // tsx compiles this file with esbuild's keepNames, which wraps named functions inside
  // the page callbacks below in `__name(fn, "name")`: give the page that helper.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  return {
    browser: context.browser()!,
    context,
    page,
    userDataDir,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

interface ProcessRow {
  pid: number;
  ppid: number;
  rssKb: number;
  args: string;
}

function processTable(): ProcessRow[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return out
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), rssKb: Number(m[3]), args: m[4] }));
}

/**
 * Resident memory (VmRSS) of the Chromium renderer processes launched by this process,
 * found as `--type=renderer` descendants of `rootPid` whose command line names the
 * fresh profile or descends from the browser that does. Sums them; also gives the largest.
 */
export function rendererRss(userDataDir: string, rootPid = process.pid): { totalMB: number; largestMB: number; processes: number; perProcessMB: number[] } {
  const rows = processTable();
  const children = new Map<number, ProcessRow[]>();
  for (const row of rows) {
    const list = children.get(row.ppid) ?? [];
    list.push(row);
    children.set(row.ppid, list);
  }
  const browsers = rows.filter((r) => r.args.includes(userDataDir) && !r.args.includes('--type='));
  const roots = browsers.length > 0 ? browsers.map((b) => b.pid) : [rootPid];
  const renderers: ProcessRow[] = [];
  const stack = [...roots];
  const seen = new Set<number>();
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    for (const child of children.get(pid) ?? []) {
      if (child.args.includes('--type=renderer')) renderers.push(child);
      stack.push(child.pid);
    }
  }
  const mb = (kb: number) => round1(kb / 1024);
  return {
    totalMB: mb(renderers.reduce((sum, r) => sum + r.rssKb, 0)),
    largestMB: mb(renderers.reduce((max, r) => Math.max(max, r.rssKb), 0)),
    processes: renderers.length,
    perProcessMB: renderers.map((r) => mb(r.rssKb)).sort((a, b) => b - a),
  };
}

/** Waits until viewport `slot` has a rendered image (data-status="ready"). */
export async function waitForReady(page: Page, slot = 0, timeout = 60_000): Promise<void> {
  await page.waitForSelector(`[data-testid="viewport-${slot}"][data-status="ready"]`, { timeout });
}

/**
 * Clicks the study row button of `patientId` and resolves with the time from the click to
 * the first `cornerstoneimagerendered` of an image of `rows` × `columns` (in-page clock).
 */
export async function timeOpenToFirstFrame(page: Page, patientId: string, rows: number, columns: number): Promise<number> {
  const button = page.getByTestId('patient-row').filter({ hasText: patientId }).getByTestId('study-row').getByRole('button').first();
  return button.evaluate(
    (el: HTMLElement, size: { rows: number; columns: number }) =>
      new Promise<number>((resolve, reject) => {
        const element = document.querySelector('[data-testid="viewport-canvas-0"]');
        if (!element) return reject(new Error('no viewport'));
        const timer = setTimeout(() => reject(new Error('no frame within 60 s')), 60_000);
        const t0 = performance.now();
        const onRendered = (e: Event) => {
          const image = (e as CustomEvent<{ image?: { rows: number; columns: number } }>).detail?.image;
          if (image?.rows === size.rows && image.columns === size.columns) {
            element.removeEventListener('cornerstoneimagerendered', onRendered);
            clearTimeout(timer);
            resolve(performance.now() - t0);
          }
        };
        element.addEventListener('cornerstoneimagerendered', onRendered);
        el.click();
      }),
    { rows, columns },
  );
}

/** What one scripted window/level drag measured. */
export interface DragFigures {
  durationMs: number;
  /** requestAnimationFrame callbacks during the drag (the page's frames). */
  rafFrames: number;
  /** Frames per second from rAF: frames / elapsed, and 1000 / median frame time. */
  fps: number;
  medianFps: number;
  frameMsMedian: number;
  frameMsP95: number;
  frameMsMax: number;
  /** Image renders (cornerstoneimagerendered) per second: each one a new window shown. */
  rendersPerSecond: number;
  renderMsMedian: number | null;
  renderMsP95: number | null;
}

/**
 * Scripts a left-button window/level drag on viewport 0 for `durationMs`: one pointermove
 * per animation frame (what a mouse delivers at 60 Hz), frame times from the rAF timestamps.
 */
export async function measureWindowLevelDrag(page: Page, durationMs: number): Promise<DragFigures> {
  // The keyboard shortcut of the window/level tool (keymap.ts).
  await page.keyboard.press('w');
  const raw = await page.evaluate(async (duration: number) => {
    const element = document.querySelector('[data-testid="viewport-canvas-0"]') as HTMLElement;
    const rect = element.getBoundingClientRect();
    const renderMs: number[] = [];
    let renders = 0;
    const onRendered = (e: Event) => {
      renders++;
      const ms = (e as CustomEvent<{ renderTimeInMs?: number }>).detail?.renderTimeInMs;
      if (typeof ms === 'number' && Number.isFinite(ms)) renderMs.push(ms);
    };
    element.addEventListener('cornerstoneimagerendered', onRendered);
    let x = rect.left + rect.width / 2;
    let y = rect.top + rect.height / 2;
    const base = { pointerId: 7, bubbles: true, cancelable: true, isPrimary: true, pointerType: 'mouse' };
    element.dispatchEvent(new PointerEvent('pointerdown', { ...base, button: 0, buttons: 1, clientX: x, clientY: y }));
    const stamps: number[] = [];
    await new Promise<void>((resolve) => {
      let frame = 0;
      const step = (t: number) => {
        stamps.push(t);
        frame++;
        const phase = frame % 120 < 60 ? 1 : -1;
        x += 3 * phase;
        y += 2 * phase;
        element.dispatchEvent(new PointerEvent('pointermove', { ...base, button: -1, buttons: 1, clientX: x, clientY: y }));
        if (t - stamps[0] < duration) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    element.dispatchEvent(new PointerEvent('pointerup', { ...base, button: 0, buttons: 0, clientX: x, clientY: y }));
    element.removeEventListener('cornerstoneimagerendered', onRendered);
    return { stamps, renders, renderMs };
  }, durationMs);
  const intervals = raw.stamps.slice(1).map((t, i) => t - raw.stamps[i]);
  const elapsed = raw.stamps[raw.stamps.length - 1] - raw.stamps[0];
  return {
    durationMs: Math.round(elapsed),
    rafFrames: raw.stamps.length,
    fps: round1((1000 * intervals.length) / elapsed),
    medianFps: round1(1000 / median(intervals)),
    frameMsMedian: round1(median(intervals)),
    frameMsP95: round1(percentile(intervals, 0.95)),
    frameMsMax: round1(Math.max(...intervals)),
    rendersPerSecond: round1((1000 * raw.renders) / elapsed),
    renderMsMedian: raw.renderMs.length ? round1(median(raw.renderMs)) : null,
    renderMsP95: raw.renderMs.length ? round1(percentile(raw.renderMs, 0.95)) : null,
  };
}
