/**
 * The PACS screen (issue #11) through the harness, on the real services: the settings dialog
 * refuses invalid settings with the field named, "Test" on a closed port shows the message a nurse
 * reads to IT, and — with a real Orthanc (tests/fixtures/orthanc.ts; skipped when it is not
 * installed) — search, Retrieve with progress, Open in the viewer, and Send results to PACS.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { dicomWebPluginSkipReason, freePort, startOrthanc, type OrthancPeer } from '../fixtures/orthanc';
import { writeTestStudy, type TestStudy } from '../fixtures/pacsStudies';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_CONTENT_TYPE } from '../../app/shared/ipc/binaryEnvelope';
import { requireTools } from '../fixtures/tools';
import { E2E_PORT } from './support/e2eFixtures';
import { waitForImage } from './support/viewerPage';

test.describe.configure({ mode: 'serial' });

const orthancAvailable = requireTools('Orthanc') && !dicomWebPluginSkipReason();

/** One harness API call from the test process (same envelope as the page's client). */
async function harnessInvoke(channel: string, request: unknown): Promise<{ ok: boolean; value?: unknown }> {
  const res = await fetch(`http://127.0.0.1:${E2E_PORT}/api/${channel}`, { method: 'POST', headers: { 'Content-Type': ENVELOPE_CONTENT_TYPE }, body: encodeEnvelope(request) });
  return decodeEnvelope(new Uint8Array(await res.arrayBuffer())) as { ok: boolean; value?: unknown };
}

async function openPacs(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByTestId('mode-pacs').click();
  await expect(page.getByTestId('pacs-view')).toBeVisible();
}

/** Opens the settings dialog and removes every node (the harness keeps them for the whole run). */
async function freshSettings(page: Page): Promise<void> {
  await page.getByTestId('pacs-open-settings').click();
  await expect(page.getByTestId('pacs-settings-dialog')).toBeVisible();
  const remove = page.getByTestId('pacs-node-0-remove');
  while ((await remove.count()) > 0) await remove.click();
}

async function fillDimseNode(page: Page, node: { name: string; id: string; aeTitle: string; port: string }): Promise<void> {
  await page.getByTestId('pacs-add-node').click();
  await page.getByTestId('pacs-node-0-name').fill(node.name);
  await page.getByTestId('pacs-node-0-id').fill(node.id);
  await page.getByTestId('pacs-node-0-aeTitle').fill(node.aeTitle);
  await page.getByTestId('pacs-node-0-host').fill('127.0.0.1');
  await page.getByTestId('pacs-node-0-port').fill(node.port);
}

test('PACS settings: invalid settings are refused with the field named; Test on a closed port says so', async ({ page }) => {
  const closed = await freePort();
  await openPacs(page);
  await expect(page.getByTestId('pacs-search')).toBeDisabled();
  await freshSettings(page);
  await fillDimseNode(page, { name: 'Ward PACS', id: 'ward', aeTitle: 'WARD', port: '70000' });
  await page.getByTestId('pacs-uid-root').fill('1.02.3');
  await page.getByTestId('pacs-settings-save').click();
  const problems = page.getByTestId('pacs-settings-problems');
  await expect(problems).toContainText('nodes[0].port');
  await expect(problems).toContainText('uidRoot');
  await expect(page.getByTestId('pacs-settings-dialog')).toBeVisible();
  // C-MOVE asks where the PACS should send the study; a port left empty is refused by name.
  await expect(page.getByTestId('pacs-move-destination')).toHaveCount(0);
  await page.getByTestId('pacs-node-0-retrieve').selectOption('move');
  await page.getByTestId('pacs-move-ae').fill('CXR_TRIAGE');
  await page.getByTestId('pacs-settings-save').click();
  await expect(problems).toContainText('moveDestination.port');
  await page.getByTestId('pacs-node-0-retrieve').selectOption('get');
  await page.getByTestId('pacs-move-ae').fill('');

  await page.getByTestId('pacs-node-0-port').fill(String(closed));
  await page.getByTestId('pacs-uid-root').fill('');
  await page.getByTestId('pacs-node-0-test').click();
  const message = page.getByTestId('pacs-node-0-test-message');
  await expect(message).toContainText(`127.0.0.1:${closed}`, { timeout: 20_000 });
  await expect(message).toContainText('✗');
  await expect(problems).toHaveCount(0);
  await page.getByTestId('pacs-settings-save').click();
  await expect(page.getByTestId('pacs-settings-dialog')).toHaveCount(0);
  await expect(page.getByTestId('pacs-node')).toContainText(`Ward PACS (WARD@127.0.0.1:${closed})`);
  // The saved screen comes back after a reload.
  await page.reload();
  await expect(page.getByTestId('pacs-view')).toBeVisible();
});

test.describe('with a real Orthanc', () => {
  test.skip(!orthancAvailable, 'Orthanc with its DICOMweb plugin is not installed (apt-get install orthanc orthanc-dicomweb)');
  let orthanc: OrthancPeer;
  let dir: string;
  let study: TestStudy;

  test.beforeAll(async () => {
    orthanc = await startOrthanc();
    dir = mkdtempSync(join(tmpdir(), 'cxr-e2e-pacs-'));
    study = writeTestStudy(dir, { patientName: 'PACSE2E^ANNA', patientId: 'E2E-P1', accessionNumber: 'E2E-ACC', studyDate: '20240307', modality: 'DX', instances: 2, rows: 256 });
    for (const f of study.files) await orthanc.upload(readFileSync(f));
  });
  test.afterAll(async () => {
    // The specs share one harness: the retrieved study leaves the list (files stay) so the worklist spec sees only its fixtures.
    const opened = study ? await harnessInvoke('worklist:open', { studyInstanceUid: study.studyInstanceUid }) : undefined;
    if (opened?.ok) await harnessInvoke('studies:remove', { studyKey: (opened.value as { studyKey: string }).studyKey });
    await orthanc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('search, retrieve with progress, open in the viewer, send results back', async ({ page }) => {
    test.setTimeout(150_000);
    await openPacs(page);
    await freshSettings(page);
    await fillDimseNode(page, { name: 'Orthanc', id: 'orthanc', aeTitle: orthanc.aeTitle, port: String(orthanc.dicomPort) });
    await page.getByTestId('pacs-results-node').selectOption('orthanc');
    await page.getByTestId('pacs-node-0-test').click();
    await expect(page.getByTestId('pacs-node-0-test-message')).toContainText('answered C-ECHO', { timeout: 20_000 });
    await page.getByTestId('pacs-settings-save').click();
    await expect(page.getByTestId('pacs-settings-dialog')).toHaveCount(0);

    await page.getByTestId('pacs-patient-id').fill('E2E-P1');
    await page.getByTestId('pacs-search').click();
    const row = page.getByTestId('pacs-row');
    await expect(row).toHaveCount(1);
    await expect(page.getByTestId('pacs-row-name')).toHaveText('PACSE2E, ANNA');

    await page.getByTestId('pacs-retrieve').click();
    await expect(page.getByTestId('pacs-retrieve-text')).toHaveText('Retrieved 2 of 2', { timeout: 60_000 });
    await page.getByTestId('pacs-open').click();
    await expect(page.getByTestId('mode-viewer')).toHaveAttribute('aria-pressed', 'true');
    await waitForImage(page);

    // The AI result of the retrieved study goes back as SR + SC, with the wording beside the button.
    const send = page.getByTestId('pacs-send-results');
    await expect(send).toBeEnabled({ timeout: 60_000 });
    await expect(page.getByTestId('pacs-send')).toContainText('prioritisation only — not for diagnosis');
    const before = (await orthanc.rest<string[]>('GET', '/instances')).length;
    await send.click();
    await expect(page.getByTestId('pacs-send-outcome')).toContainText('SR + SC', { timeout: 60_000 });
    expect((await orthanc.rest<string[]>('GET', '/instances')).length).toBe(before + 2);

    // Retrieved studies are in the worklist too.
    await page.getByTestId('mode-worklist').click();
    await expect(page.getByTestId('worklist-row').filter({ hasText: 'E2E-P1' })).toHaveCount(1, { timeout: 20_000 });
  });
});
