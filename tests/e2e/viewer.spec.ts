/**
 * Reading flows of issue #2 in the browser harness: open a folder, browse studies,
 * render, window/level, presets, view tools, measurement, tag browser, compare with
 * prior, help, and a screenshot comparison of the rendered viewport.
 */
import { expect, test } from '@playwright/test';
import { el, writeDicom } from '../fixtures/dicomWriter';
import { makeChestImage } from '../fixtures/syntheticImages';
import { BAD_FILE, COLOUR_PNG, CORRUPT_PIXELS_FILE, PATIENT_A, PATIENT_B, PATIENT_C } from './support/e2eFixtures';
import { canvasPatchMean, canvasStats, dragOnViewport, openFixtureFolder, studyRow, waitForImage, windowText } from './support/viewerPage';

const CURRENT = '2024-03-01';
const PRIOR = '2023-03-01';

test.beforeEach(async ({ page }) => {
  await openFixtureFolder(page);
});

test('open folder lists patients and studies with thumbnails, and names the bad file', async ({ page }) => {
  const patientA = page.getByTestId('patient-row').filter({ hasText: PATIENT_A.id });
  await expect(patientA.getByTestId('patient-name')).toHaveText('DOE, Jane');
  await expect(patientA.getByTestId('study-row')).toHaveCount(2);
  await expect(studyRow(page, PATIENT_A.id, CURRENT)).toContainText('CHEST PA');
  await expect(studyRow(page, PATIENT_A.id, CURRENT).getByTestId('image-count')).toHaveText('1 image');
  await expect(studyRow(page, PATIENT_A.id, CURRENT).getByTestId('thumbnail')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await expect(page.getByTestId('patient-id').filter({ hasText: PATIENT_B.id })).toBeVisible();
  await expect(page.getByTestId('file-error').filter({ hasText: BAD_FILE }).first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('import-progress')).toBeHidden();
});

test('dropping a file on the window imports it (bytes in the harness)', async ({ page }) => {
  const bytes = writeDicom({
    sopInstanceUid: '2.25.5001',
    pixel: { rows: 128, columns: 128, bitsAllocated: 16, bitsStored: 12 },
    pixelData: { native: makeChestImage({ rows: 128, columns: 128, bitsStored: 12, seed: 9 }) },
    elements: [el('PatientName', 'PN', 'Drop^Dana'), el('PatientID', 'LO', 'DROP-1'), el('StudyInstanceUID', 'UI', '2.25.500'), el('SeriesInstanceUID', 'UI', '2.25.5000')],
  });
  await page.evaluate((data: number[]) => {
    const file = new File([new Uint8Array(data)], 'dropped.dcm', { type: 'application/dicom' });
    const dataTransfer = new DataTransfer();
    dataTransfer.items.add(file);
    for (const type of ['dragenter', 'dragover', 'drop']) {
      window.dispatchEvent(new DragEvent(type, { dataTransfer, bubbles: true, cancelable: true }));
    }
  }, Array.from(bytes));
  await expect(page.getByTestId('patient-id').filter({ hasText: 'DROP-1' })).toBeVisible({ timeout: 20_000 });
});

test('opening an image renders it and shows W/L in the overlay', async ({ page }) => {
  await studyRow(page, PATIENT_A.id, CURRENT).getByRole('button').click();
  await waitForImage(page);
  const stats = await canvasStats(page);
  expect(stats.nonBlack).toBeGreaterThan(1000);
  // First Window Center/Width pair of the file (PS3.3 C.11.2.1.2).
  expect(await windowText(page)).toBe('W 4096 L 2048');
  await expect(page.getByTestId('overlay-patient')).toContainText('DOE, Jane');
  await expect(page.getByTestId('overlay-study-date')).toHaveText(CURRENT);
  await expect(page.getByTestId('overlay-calibration')).toContainText('ImagerPixelSpacing');
});

test('a file whose pixels cannot be decoded shows an error naming it in the viewport', async ({ page }) => {
  await page.getByTestId('patient-row').filter({ hasText: PATIENT_C.id }).getByTestId('study-row').getByRole('button').click();
  const error = page.getByTestId('viewport-error-0');
  await expect(error).toBeVisible({ timeout: 20_000 });
  await expect(error).toContainText(CORRUPT_PIXELS_FILE);
  // The app stays usable: another study still opens.
  await studyRow(page, PATIENT_A.id, CURRENT).getByRole('button').click();
  await waitForImage(page);
});

test('a colour PNG opens as a single-image study and renders in colour', async ({ page }) => {
  const row = page.getByTestId('study-row').filter({ has: page.getByTestId('image-count') }).filter({ hasText: 'OT' });
  await row.first().getByRole('button').click();
  await waitForImage(page);
  await expect(page.getByTestId('viewport-0')).toContainText(COLOUR_PNG);
  const colourful = await page
    .getByTestId('viewport-canvas-0')
    .locator('canvas')
    .evaluate((canvas: HTMLCanvasElement) => {
      const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let differing = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 1]) > 30 || Math.abs(d[i + 1] - d[i + 2]) > 30) differing++;
      return differing;
    });
  expect(colourful).toBeGreaterThan(1000);
});

test('window/level drag changes the overlay values', async ({ page }) => {
  await studyRow(page, PATIENT_A.id, CURRENT).getByRole('button').click();
  await waitForImage(page);
  const before = await windowText(page);
  const meanBefore = (await canvasStats(page)).mean;
  await dragOnViewport(page, [0.5, 0.5], [0.3, 0.7]);
  await expect.poll(() => windowText(page)).not.toBe(before);
  expect((await canvasStats(page)).mean).not.toBeCloseTo(meanBefore, 1);
});

test('presets, invert, zoom, rotate and reset from the keyboard', async ({ page }) => {
  await studyRow(page, PATIENT_A.id, CURRENT).getByRole('button').click();
  await waitForImage(page);
  const viewport = page.getByTestId('viewport-0');
  const initialWindow = await windowText(page);
  const initialZoom = await viewport.getByTestId('overlay-zoom').textContent();

  await page.keyboard.press('1');
  await expect(viewport).toContainText('Lung');
  expect(await windowText(page)).not.toBe(initialWindow);

  await page.keyboard.press('5');
  await expect.poll(() => windowText(page)).toBe('W 1600 L 1200');

  await page.keyboard.press('i');
  await expect(viewport.getByTestId('overlay-transform')).toContainText('Inverted');

  await page.keyboard.press('+');
  await expect(viewport.getByTestId('overlay-zoom')).not.toHaveText(initialZoom ?? '');

  await page.keyboard.press('r');
  await expect(viewport.getByTestId('overlay-transform')).toContainText('Rot 90°');

  await page.keyboard.press('h');
  await page.keyboard.press('v');
  await expect(viewport.getByTestId('overlay-transform')).toContainText('Flip H  Flip V');

  await page.keyboard.press('x');
  await expect(viewport.getByTestId('overlay-transform')).toHaveText('');
  await expect(viewport.getByTestId('overlay-zoom')).toHaveText(initialZoom ?? '');
  expect(await windowText(page)).toBe(initialWindow);
});

test('length measurement shows millimetres from ImagerPixelSpacing', async ({ page }) => {
  await studyRow(page, PATIENT_A.id, CURRENT).getByRole('button').click();
  await waitForImage(page);
  await page.keyboard.press('l');
  await dragOnViewport(page, [0.3, 0.5], [0.7, 0.5]);
  const label = page.getByTestId('annotations-0').getByTestId('measurement-label');
  await expect(label).toHaveText(/^\d+(\.\d)? mm$/);
  // The drag spans 40 % of a square viewport showing a 512 px × 0.2 mm image fitted to height.
  const mm = Number((await label.textContent())!.replace(' mm', ''));
  expect(mm).toBeGreaterThan(10);
  expect(mm).toBeLessThan(102.4);
});

test('an image without pixel spacing measures in pixels, marked uncalibrated', async ({ page }) => {
  await page.getByTestId('patient-row').filter({ hasText: PATIENT_B.id }).getByTestId('study-row').getByRole('button').click();
  await waitForImage(page);
  await expect(page.getByTestId('overlay-calibration')).toHaveText(/Uncalibrated/);
  await page.keyboard.press('l');
  await dragOnViewport(page, [0.3, 0.5], [0.6, 0.5]);
  await expect(page.getByTestId('measurement-label')).toHaveText(/px \(uncalibrated\)$/);
});

test('MONOCHROME1 displays inverted after the VOI: lungs dark, spine bright', async ({ page }) => {
  await page.getByTestId('patient-row').filter({ hasText: PATIENT_B.id }).getByTestId('study-row').getByRole('button').click();
  await waitForImage(page);
  // The fixture stores 4095 − chest, so only a correct MONOCHROME1 display shows a normal chest.
  const box = await page.getByTestId('viewport-canvas-0').boundingBox();
  const imageAspect = 400 / 300;
  const shownWidth = Math.min(box!.width, box!.height * imageAspect) / box!.width;
  const lung = await canvasPatchMean(page, 0.5 - shownWidth * 0.19, 0.45);
  const spine = await canvasPatchMean(page, 0.5, 0.6);
  expect(spine).toBeGreaterThan(lung + 40);
});

test('tag browser search finds PatientID', async ({ page }) => {
  await studyRow(page, PATIENT_A.id, CURRENT).getByRole('button').click();
  await waitForImage(page);
  await page.keyboard.press('g');
  const browser = page.getByTestId('tag-browser');
  await expect(browser).toBeVisible();
  await browser.getByTestId('tag-search').fill('PatientID');
  const row = browser.getByTestId('tag-row').filter({ hasText: 'PatientID' }).first();
  await expect(row).toContainText('PAT-A');
  await expect(row).toContainText('(0010,0020)');
});

test('compare with prior opens the previous study beside the current one', async ({ page }) => {
  await studyRow(page, PATIENT_A.id, CURRENT).getByRole('button').click();
  await waitForImage(page);
  await page.keyboard.press('c');
  await expect(page.getByTestId('viewport-grid')).toHaveAttribute('data-layout', '1x2');
  await waitForImage(page, 1);
  await expect(page.getByTestId('viewport-1').getByTestId('overlay-study-date')).toHaveText(PRIOR);
  await expect(page.getByTestId('viewport-0').getByTestId('overlay-study-date')).toHaveText(CURRENT);
});

test('help overlay opens on ? and lists the shortcuts', async ({ page }) => {
  await page.keyboard.press('?');
  const help = page.getByTestId('help-overlay');
  await expect(help).toBeVisible();
  for (const text of ['Window/level tool', 'Length measurement', 'Chest preset: lung', 'Compare with prior', 'Rotate 90° clockwise']) {
    await expect(help).toContainText(text);
  }
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});

test('rendered viewport matches the reference screenshot', async ({ page }) => {
  await studyRow(page, PATIENT_A.id, CURRENT).getByRole('button').click();
  await waitForImage(page);
  await page.keyboard.press('t'); // overlay text off: fonts differ between machines
  await expect(page.getByTestId('viewport-0').getByTestId('overlay-wl')).toHaveCount(0);
  await expect(page.getByTestId('viewport-canvas-0')).toHaveScreenshot('viewport-chest.png');
});
