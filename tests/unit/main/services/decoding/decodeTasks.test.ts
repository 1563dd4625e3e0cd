/** File-level tasks: header probing of large files, PNG/JPEG sidecars, read failures. */
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHeaderFromBytes } from '../../../../../app/main/services/decoding/decodeFile';
import { HEADER_PROBE_BYTES, identifyTask, readHeaderTask, thumbnailTask } from '../../../../../app/main/services/decoding/decodeTasks';
import { writeDicom } from '../../../../fixtures/dicomWriter';
import { writePng } from '../../../../fixtures/pngWriter';
import { makeChestImage } from '../../../../fixtures/syntheticImages';
import { makeTempDir } from '../../../../fixtures/tools';

const tmp = makeTempDir('cxr-tasks-');
afterAll(() => tmp.cleanup());

describe('decodeTasks', () => {
  it('reads the header of a large file from its first bytes, same as from the whole file', async () => {
    const rows = 1024;
    const columns = 768;
    const bytes = writeDicom({ pixel: { rows, columns }, pixelData: { native: makeChestImage({ rows, columns, bitsStored: 16 }) } });
    expect(bytes.length).toBeGreaterThan(HEADER_PROBE_BYTES);
    const file = join(tmp.dir, 'big.dcm');
    writeFileSync(file, bytes);
    const probed = await readHeaderTask(file);
    expect(probed).toEqual(readHeaderFromBytes(bytes, 'big.dcm'));
    expect(probed).toMatchObject({ rows, columns, hasPixelData: true });
  });

  it('falls back to the whole file when the probe cannot decide (truncated large file)', async () => {
    const bytes = writeDicom({ pixel: { rows: 1024, columns: 768 }, pixelData: { rawBytes: new Uint8Array(1024 * 768 * 2) } });
    const file = join(tmp.dir, 'cut.dcm');
    writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    // A header read succeeds up to the pixel data; decoding would report the truncation.
    await expect(readHeaderTask(file)).resolves.toMatchObject({ rows: 1024 });
  });

  it('gives PNGs patient "unknown", or the fields of a <file>.json sidecar', async () => {
    const png = writePng({ width: 2, height: 2, bitDepth: 8, colorType: 0, samples: [0, 1, 2, 3] });
    writeFileSync(join(tmp.dir, 'a.png'), png);
    writeFileSync(join(tmp.dir, 'b.png'), png);
    writeFileSync(join(tmp.dir, 'b.png.json'), JSON.stringify({ patientName: 'Doe^Jane', patientId: 'P1', studyDate: '20240202', studyDescription: 'CXR', extra: 1 }));
    expect(await readHeaderTask(join(tmp.dir, 'a.png'))).toMatchObject({ kind: 'png', patientName: 'unknown', patientId: 'unknown', rows: 2, columns: 2 });
    expect(await readHeaderTask(join(tmp.dir, 'b.png'))).toMatchObject({ patientName: 'Doe^Jane', patientId: 'P1', studyDate: '20240202', studyDescription: 'CXR' });
  });

  it('renders RGB thumbnails and reports unreadable paths as FILE_READ_FAILED', async () => {
    const png = writePng({ width: 4, height: 2, bitDepth: 8, colorType: 2, samples: new Array(24).fill(0).map((_, i) => (i % 3 === 0 ? 200 : 10)) });
    writeFileSync(join(tmp.dir, 'c.png'), png);
    const t = await thumbnailTask(join(tmp.dir, 'c.png'), 2);
    expect([t.width, t.height]).toEqual([2, 1]);
    expect(Array.from(t.rgba)).toEqual([200, 10, 10, 255, 200, 10, 10, 255]);
    await expect(readHeaderTask(tmp.dir)).rejects.toMatchObject({ code: 'FILE_READ_FAILED' });
  });

  it('identifies a file from one read: the sha256 of its bytes and the same header as a header read', async () => {
    const bytes = writeDicom({ pixel: { rows: 64, columns: 48 }, pixelData: { native: makeChestImage({ rows: 64, columns: 48, bitsStored: 12 }) } });
    const file = join(tmp.dir, 'id.dcm');
    writeFileSync(file, bytes);
    expect(await identifyTask(file)).toEqual({ contentSha256: createHash('sha256').update(bytes).digest('hex'), header: await readHeaderTask(file) });
  });

  it('still hashes a file whose header cannot be understood, and rejects only unreadable paths', async () => {
    const junk = Buffer.from('not a radiograph at all');
    writeFileSync(join(tmp.dir, 'junk.dcm'), junk);
    const identity = await identifyTask(join(tmp.dir, 'junk.dcm'));
    expect(identity).toMatchObject({ contentSha256: createHash('sha256').update(junk).digest('hex'), error: { code: expect.any(String) } });
    expect('error' in identity && identity.error.message).toContain('junk.dcm');
    await expect(identifyTask(join(tmp.dir, 'missing.dcm'))).rejects.toMatchObject({ code: 'FILE_READ_FAILED' });
  });
});
