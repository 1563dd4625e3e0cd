/**
 * `images:thumbnail` over the archive's stored thumbnails (issue #10), with a real SQLite store
 * and the real decode worker pool behind a spy that counts renders.
 */
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { IpcRouter } from '../../../../app/main/ipc/handle';
import { registerImagesHandlers } from '../../../../app/main/ipc/images.handlers';
import type { Logger } from '../../../../app/main/ipc/log';
import { createDecodePool, type DecodePool } from '../../../../app/main/services/decoding/decodePool';
import { instanceKeyOf } from '../../../../app/main/services/worklist/archiveQueries';
import { openWorklistDb } from '../../../../app/main/services/worklist/worklistDb';
import { WorklistStore } from '../../../../app/main/services/worklist/worklistStore';
import type { Result } from '../../../../app/shared/result';
import { el, writeDicom } from '../../../fixtures/dicomWriter';
import { makeChestImage } from '../../../fixtures/syntheticImages';
import { makeTempDir } from '../../../fixtures/tools';
import { buildDecodeWorker } from '../../globalSetup';
import { sampleInstance } from '../services/worklist/storeFixtures';

const ctx = { shell: 'harness' as const };
const tmp = makeTempDir('cxr-images-');
let pool: DecodePool;
let file: string;
let store: WorklistStore;
let renders: number;
let instanceId: string;
let warnings: { message: string; fields?: Record<string, unknown> }[];

/** A chest DICOM whose pixels depend on `seed` (same size in bytes for every seed). */
function writeChest(seed: number, mtimeS: number): void {
  writeFileSync(
    file,
    writeDicom({
      sopInstanceUid: '2.25.77',
      pixel: { rows: 96, columns: 80, bitsStored: 12 },
      pixelData: { native: makeChestImage({ rows: 96, columns: 80, bitsStored: 12, seed, noise: 0.2 }) },
      elements: [el('PatientName', 'PN', 'SECRET^PATIENT')],
    }),
  );
  utimesSync(file, mtimeS, mtimeS);
}

/** The images handlers over `archive`, decoding through the pool behind a spy that counts renders. */
function router(archive: Parameters<typeof registerImagesHandlers>[1]['archive'] = store): IpcRouter {
  const log: Logger = { info() {}, error() {}, warn: (message, fields) => warnings.push({ message, fields }) };
  const decode = { ...pool, thumbnail: (path: string, size: number) => (renders++, pool.thumbnail(path, size)) };
  const r = new IpcRouter({ validateResponses: true });
  registerImagesHandlers(r, { archive, decode, log });
  return r;
}

async function thumbnail(r: IpcRouter, size = 32): Promise<{ width: number; height: number; rgba: ArrayBuffer }> {
  const result = (await r.dispatch('images:thumbnail', { instanceId, size }, ctx)) as Result<{ width: number; height: number; rgba: ArrayBuffer }>;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  // The write is fire-and-forget: let it land.
  await new Promise((resolve) => setImmediate(resolve));
  return result.value;
}

const storedRows = (): number => (store.db.prepare('SELECT COUNT(*) AS n FROM thumbnails').get() as { n: number }).n;

beforeAll(async () => {
  await buildDecodeWorker();
  pool = createDecodePool({ size: 1 });
  file = join(tmp.dir, 'chest.dcm');
});
afterAll(async () => {
  await pool?.close();
  tmp.cleanup();
});
beforeEach(() => {
  writeChest(1, 1_700_000_000);
  store = new WorklistStore(openWorklistDb(':memory:'));
  instanceId = instanceKeyOf(store.addInstance(sampleInstance(1, { filePath: file })).instanceId);
  renders = 0;
  warnings = [];
});

describe('images:thumbnail and the archive', () => {
  it('stores the thumbnail rendered on first request and serves it from the database afterwards without decoding', async () => {
    const r = router();
    const first = await thumbnail(r);
    expect(renders).toBe(1);
    expect(storedRows()).toBe(1);
    // A new router is a restarted app: nothing in memory, the database still has it.
    const again = await thumbnail(router());
    expect(renders).toBe(1);
    expect({ width: again.width, height: again.height }).toEqual({ width: first.width, height: first.height });
    expect(Buffer.from(again.rgba).equals(Buffer.from(first.rgba))).toBe(true);
    // Another size is rendered (and stored) on its own.
    await thumbnail(r, 16);
    expect(renders).toBe(2);
    expect(storedRows()).toBe(2);
  });

  it('renders again, and replaces the stored one, after the file was replaced by other content', async () => {
    const r = router();
    const before = await thumbnail(r);
    writeChest(2, 1_700_000_100);
    const after = await thumbnail(r);
    expect(renders).toBe(2);
    expect(Buffer.from(after.rgba).equals(Buffer.from(before.rgba))).toBe(false);
    await thumbnail(r);
    expect(renders).toBe(2);
    expect(storedRows()).toBe(1);
  });

  it('serves no stored thumbnail for a file that is gone (the browser shows it as missing)', async () => {
    await thumbnail(router());
    rmSync(file);
    const result = await router().dispatch('images:thumbnail', { instanceId, size: 32 }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'FILE_MISSING' } });
    expect(renders).toBe(1);
  });

  it('still answers when the database cannot store or read thumbnails, and logs only an error code', async () => {
    const broken = {
      resolveInstance: (id: string) => store.resolveInstance(id),
      thumbnail: () => Promise.reject(Object.assign(new Error(`disk full at ${file}`), { code: 'SQLITE_FULL' })),
      putThumbnail: () => {
        throw Object.assign(new Error(`disk full at ${file}`), { code: 'SQLITE_FULL' });
      },
    };
    const t = await thumbnail(router(broken));
    expect(t.width).toBeGreaterThan(0);
    expect(renders).toBe(1);
    expect(warnings.map((w) => w.message)).toEqual(['stored thumbnail unreadable; rendering it again', 'thumbnail not stored']);
    expect(JSON.stringify(warnings)).not.toMatch(/chest|SECRET|cxr-images/);
  });
});
