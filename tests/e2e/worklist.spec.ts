/**
 * The AI triage worklist (issue #5) through the harness, on the real services: import the
 * fixture folder into the worklist (the harness opens a fresh temp database per run), rows
 * sorted by COVID probability with the out-of-distribution group on top, search, R / E from
 * the keyboard, Enter opens the viewer, Esc comes back to the same row, CSV export; the
 * Sources dialog (watched folder, port in use).
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_CONTENT_TYPE } from '../../app/shared/ipc/binaryEnvelope';
import { el, writeDicom } from '../fixtures/dicomWriter';
import { makeChestImage } from '../fixtures/syntheticImages';
import { E2E_PORT, PATIENT_A } from './support/e2eFixtures';
import { waitForImage } from './support/viewerPage';

test.describe.configure({ mode: 'serial' });

async function openWorklist(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByTestId('mode-worklist').click();
  await expect(page.getByTestId('worklist-banner')).toHaveText('AI prioritisation only — not for diagnosis');
}

/** Imports the fixture folder (the harness's dialog answers with it) and waits until every file is triaged or failed. */
async function importFixtures(page: Page): Promise<void> {
  const rows = page.getByTestId('worklist-row');
  await expect(page.getByTestId('worklist-total')).toBeVisible();
  // The list loads on open; an empty one means this run's fresh database has not imported yet.
  await page.waitForTimeout(300);
  if ((await rows.count()) === 0) await page.getByTestId('worklist-import').click();
  // Done when every image with pixel data is listed and none is still waiting for triage.
  await expect
    .poll(async () => {
      const statuses = await page.getByTestId('row-status').allTextContents();
      return statuses.length >= 5 && statuses.every((s) => !s.startsWith('New'));
    }, { timeout: 100_000 })
    .toBe(true);
  await expect(page.getByTestId('worklist-import-progress')).toHaveCount(0, { timeout: 30_000 });
}

test('imports the fixtures into the worklist, sorted by COVID probability with the OOD group on top', async ({ page }) => {
  test.setTimeout(150_000);
  await openWorklist(page);
  await importFixtures(page);
  const rows = page.getByTestId('worklist-row');
  // Six images with pixel data in the fixture folder: five studies triaged or failed, plus the PNG.
  await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(5);
  const shown = await rows.evaluateAll((els) => els.map((e) => ({ group: e.getAttribute('data-group'), covid: e.getAttribute('data-covid') })));
  const firstRanked = shown.findIndex((r) => r.group === 'ranked');
  // The "needs human triage" group comes before every ranked row. (The bundled model flags most
  // synthetic fixtures as out of distribution; the ranked order itself is covered with a scripted
  // AI in tests/unit/main/ipc/worklist.handlers.test.ts.)
  if (firstRanked >= 0) expect(shown.slice(firstRanked).every((r) => r.group === 'ranked')).toBe(true);
  const ranked = shown.filter((r) => r.group === 'ranked' && r.covid !== '').map((r) => Number(r.covid));
  expect(ranked).toEqual([...ranked].sort((a, b) => b - a));
  const groups = await page.getByTestId('worklist-group').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')));
  expect(groups[0]).toBe(shown[0].group);
  expect(new Set(groups).size).toBe(groups.length);
  // Clicking a column header sorts by it (in main) and drops the group headings.
  await page.getByTestId('sort-patientName').click();
  await expect(page.getByTestId('sort-patientName')).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByTestId('worklist-group')).toHaveCount(0);
  const names = await page.getByTestId('row-name').allTextContents();
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' })));
  // Every badge carries a word, not only a colour.
  for (const text of await page.getByTestId('priority-badge').allTextContents()) expect(text.trim()).not.toBe('');
});

test('search filters the list in main; clearing it brings every row back', async ({ page }) => {
  await openWorklist(page);
  await importFixtures(page);
  const rows = page.getByTestId('worklist-row');
  const all = await rows.count();
  await page.getByTestId('worklist-search').fill(PATIENT_A.id);
  await expect(rows).toHaveCount(2);
  for (const id of await page.getByTestId('row-id').allTextContents()) expect(id).toBe(PATIENT_A.id);
  await page.getByTestId('worklist-search').fill('');
  await expect(rows).toHaveCount(all);
});

test('R marks reviewed, E escalates with a note, Enter opens the viewer and Esc returns to the same row', async ({ page }) => {
  test.setTimeout(90_000);
  await openWorklist(page);
  await importFixtures(page);
  await page.getByTestId('worklist-search').fill(PATIENT_A.id);
  await expect(page.getByTestId('worklist-row')).toHaveCount(2);
  await page.getByTestId('worklist-body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowDown');
  const selected = page.locator('[data-testid="worklist-row"][aria-selected="true"]');
  const uid = await selected.getAttribute('data-uid');
  await page.keyboard.press('r');
  await expect(selected.getByTestId('row-status')).toHaveText('Reviewed');

  await page.keyboard.press('e');
  await expect(page.getByTestId('escalate-dialog')).toBeVisible();
  await page.getByTestId('escalate-note').fill('Ask the ward for the clinical history');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('escalate-dialog')).toHaveCount(0);
  await expect(selected.getByTestId('row-status')).toContainText('Escalated');

  await page.keyboard.press('Enter');
  await waitForImage(page);
  await expect(page.getByTestId('ai-panel')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('worklist')).toBeVisible();
  await expect(page.locator('[data-testid="worklist-row"][aria-selected="true"]')).toHaveAttribute('data-uid', uid!);
});

test('a reload returns to the study being read, and to the worklist row after going back (issue #10)', async ({ page }) => {
  test.setTimeout(90_000);
  await openWorklist(page);
  await importFixtures(page);
  await page.getByTestId('worklist-search').fill(PATIENT_A.id);
  // The search runs in main: wait for its answer before picking a row of it.
  await expect(page.getByTestId('worklist-row')).toHaveCount(2);
  await page.getByTestId('worklist-body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowDown');
  const uid = await page.locator('[data-testid="worklist-row"][aria-selected="true"]').getAttribute('data-uid');
  await page.keyboard.press('Enter');
  await waitForImage(page);
  const openStudy = page.locator('[data-testid="study-row"].open');
  const studyKey = await openStudy.getAttribute('data-study-key');
  // The session is saved as the user works (a short debounce), then the window reloads.
  await page.waitForTimeout(500);
  await page.reload();
  await expect(page.getByTestId('mode-viewer')).toHaveAttribute('aria-pressed', 'true');
  await waitForImage(page);
  await expect(page.locator('[data-testid="study-row"].open')).toHaveAttribute('data-study-key', studyKey!);
  // Opened from the worklist before the reload, so Esc still goes back to it; reload again: the same row is selected.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('worklist')).toBeVisible();
  await page.waitForTimeout(500);
  await page.reload();
  await expect(page.getByTestId('mode-worklist')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('[data-testid="worklist-row"][aria-selected="true"]')).toHaveAttribute('data-uid', uid!);
});

test('Storage… shows the received-images folder and applies a retention rule (issue #10)', async ({ page }) => {
  await openWorklist(page);
  await page.getByTestId('storage-open').click();
  await expect(page.getByTestId('storage-folder')).toContainText('received');
  await expect(page.getByTestId('storage-safety')).toContainText('never');
  await page.getByTestId('storage-days').fill('0');
  await page.getByTestId('storage-save').click();
  await expect(page.getByTestId('storage-problems')).toBeVisible();
  await page.getByTestId('storage-days').fill('90');
  await page.getByTestId('storage-save').click();
  await expect(page.getByTestId('storage-rule')).toContainText('90 days');
  await expect(page.getByTestId('storage-last-run')).toBeVisible();
});

test('Export CSV downloads the filtered list with the not-for-diagnosis line first', async ({ page }) => {
  await openWorklist(page);
  await importFixtures(page);
  const download = page.waitForEvent('download');
  await page.getByTestId('worklist-export-csv').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^worklist-\d{8}-\d{6}\.csv$/);
  const text = readFileSync((await file.path())!, 'utf8');
  expect(text.split('\r\n')[0]).toBe('# AI prioritisation only — not for diagnosis');
  expect(text).toContain(PATIENT_A.id);
});

test('Summary PNG downloads an image of the selected study', async ({ page }) => {
  await openWorklist(page);
  await importFixtures(page);
  await page.getByTestId('worklist-search').fill(PATIENT_A.id);
  await expect(page.getByTestId('worklist-row')).toHaveCount(2);
  await page.getByTestId('worklist-row').first().click();
  const download = page.waitForEvent('download');
  await page.getByTestId('worklist-summary-png').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^summary-[0-9a-f]{12}\.png$/);
  const bytes = readFileSync((await file.path())!);
  expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
});

/** One harness API call from the test process (same envelope as the page's client). */
async function harnessInvoke(channel: string, request: unknown): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${E2E_PORT}/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': ENVELOPE_CONTENT_TYPE },
    body: encodeEnvelope(request),
  });
  return decodeEnvelope(new Uint8Array(await res.arrayBuffer()));
}

const DROPPED = { name: 'Drop^Dora', id: 'WATCH-1' };

/** A chest DX image of its own patient and study, as a modality's export would write it. */
function droppedDicom(): Uint8Array {
  return writeDicom({
    sopInstanceUid: '2.25.7001',
    pixel: { rows: 256, columns: 256, bitsAllocated: 16, bitsStored: 12 },
    pixelData: { native: makeChestImage({ rows: 256, columns: 256, bitsStored: 12, seed: 21, noise: 0.01 }) as Uint16Array },
    elements: [
      el('PatientName', 'PN', DROPPED.name),
      el('PatientID', 'LO', DROPPED.id),
      el('StudyInstanceUID', 'UI', '2.25.700'),
      el('StudyDate', 'DA', '20240501'),
      el('SeriesInstanceUID', 'UI', '2.25.7000'),
      el('Modality', 'CS', 'DX'),
    ],
  });
}

test('Sources: a watched folder set in the dialog feeds the list; a port in use is reported and the list keeps running', async ({ page }) => {
  test.setTimeout(90_000);
  const drop = mkdtempSync(join(tmpdir(), 'cxr-e2e-drop-'));
  // Another program holding a port.
  const held = createServer();
  await new Promise<void>((resolve) => held.listen(0, resolve));
  const heldPort = (held.address() as AddressInfo).port;
  try {
    await openWorklist(page);
    await expect(page.getByTestId('sources-listener')).toHaveText('Listener off');
    await expect(page.getByTestId('sources-watch')).toHaveText('Watched folder off');

    await page.getByTestId('sources-open').click();
    const dialog = page.getByTestId('sources-dialog');
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId('sources-listener-on')).toBeFocused();
    // The worklist's keys are off while the dialog has focus.
    await page.keyboard.press('e');
    await expect(page.getByTestId('escalate-dialog')).toHaveCount(0);
    await page.getByTestId('sources-watch-dir').fill(drop);
    await page.getByTestId('sources-save').click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('sources-open')).toBeFocused();
    await expect(page.getByTestId('sources-watch')).toHaveText(`Watched folder ${basename(drop)} — watching`);

    // A file arrives (written under a hidden name, then renamed, as copy tools do).
    writeFileSync(join(drop, '.arriving.part'), droppedDicom());
    renameSync(join(drop, '.arriving.part'), join(drop, 'dropped.dcm'));
    await page.getByTestId('worklist-search').fill(DROPPED.id);
    await expect(page.getByTestId('worklist-row')).toHaveCount(1, { timeout: 30_000 });
    await expect(page.getByTestId('row-name')).toHaveText(DROPPED.name);

    // Invalid values are refused with main's reason; Escape closes without a change.
    await page.getByTestId('sources-open').click();
    await page.getByTestId('sources-listener-on').check();
    await page.getByTestId('sources-port').fill('70000');
    await page.getByTestId('sources-save').click();
    await expect(page.getByTestId('sources-problems')).toContainText('Port must be a whole number from 1 to 65535.');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('sources-listener')).toHaveText('Listener off');

    // The port held above: the listener fails with a clear message, marked as an error in words.
    await page.getByTestId('sources-open').click();
    await page.getByTestId('sources-listener-on').check();
    await page.getByTestId('sources-port').fill(String(heldPort));
    await page.getByTestId('sources-save').click();
    await expect(dialog).toHaveCount(0);
    const listener = page.getByTestId('sources-listener');
    await expect(listener).toContainText(`Port ${heldPort} is already in use by another program: the DICOM listener is not receiving.`);
    await expect(listener).toContainText('Error:');
    // The watched folder and the list keep running.
    await expect(page.getByTestId('sources-watch')).toHaveText(`Watched folder ${basename(drop)} — watching`);
    await expect(page.getByTestId('worklist-row')).toHaveCount(1);
  } finally {
    // The harness is shared by the specs that follow: leave both sources off.
    await harnessInvoke('ingest:configure', { listener: null, watchDir: null });
    await new Promise((resolve) => held.close(resolve));
    rmSync(drop, { recursive: true, force: true });
  }
});
