/** Page helpers shared by the end-to-end specs. */
import { expect, type Locator, type Page } from '@playwright/test';

/** Opens the app, presses "Open folder" (the harness answers with the fixture folder) and waits for the list. */
export async function openFixtureFolder(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('research-notice')).toBeVisible();
  await page.getByTestId('open-folder').click();
  await expect(page.getByTestId('patient-id').filter({ hasText: 'PAT-A' })).toBeVisible({ timeout: 30_000 });
}

/** The study row of a patient and study date (YYYY-MM-DD). */
export function studyRow(page: Page, patientId: string, date: string): Locator {
  return page.getByTestId('patient-row').filter({ has: page.getByTestId('patient-id').filter({ hasText: patientId }) }).getByTestId('study-row').filter({ hasText: date });
}

/** Waits until viewport `slot` reports a rendered image. */
export async function waitForImage(page: Page, slot = 0): Promise<void> {
  await expect(page.getByTestId(`viewport-${slot}`)).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await expect.poll(() => canvasStats(page, slot).then((s) => s.distinct), { timeout: 10_000 }).toBeGreaterThan(16);
}

/** Brightness statistics of the cornerstone canvas of a viewport. */
export async function canvasStats(page: Page, slot = 0): Promise<{ mean: number; distinct: number; nonBlack: number }> {
  return page.getByTestId(`viewport-canvas-${slot}`).locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return { mean: 0, distinct: 0, nonBlack: 0 };
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    let sum = 0;
    let nonBlack = 0;
    for (let i = 0; i < data.length; i += 4) {
      const v = data[i];
      sum += v;
      if (v > 8) nonBlack++;
      seen.add(v);
    }
    return { mean: sum / (data.length / 4), distinct: seen.size, nonBlack };
  });
}

/** Mean brightness of a small square of the canvas around a fraction (fx, fy) of its size. */
export async function canvasPatchMean(page: Page, fx: number, fy: number, slot = 0): Promise<number> {
  return page
    .getByTestId(`viewport-canvas-${slot}`)
    .locator('canvas')
    .evaluate(
      (canvas: HTMLCanvasElement, [x, y]) => {
        const ctx = canvas.getContext('2d')!;
        const cx = Math.round(canvas.width * x);
        const cy = Math.round(canvas.height * y);
        const d = ctx.getImageData(cx - 4, cy - 4, 9, 9).data;
        let sum = 0;
        for (let i = 0; i < d.length; i += 4) sum += d[i];
        return sum / (d.length / 4);
      },
      [fx, fy] as const,
    );
}

/** Drags with the left button across the viewport from (fx0, fy0) to (fx1, fy1), fractions of its box. */
export async function dragOnViewport(page: Page, from: [number, number], to: [number, number], slot = 0, steps = 12): Promise<void> {
  const box = await page.getByTestId(`viewport-canvas-${slot}`).boundingBox();
  if (!box) throw new Error('viewport has no box');
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps });
  await page.mouse.up();
}

/** Text of the W/L overlay line. */
export async function windowText(page: Page, slot = 0): Promise<string> {
  return (await page.getByTestId(`viewport-${slot}`).getByTestId('overlay-wl').textContent()) ?? '';
}
