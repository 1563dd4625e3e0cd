/**
 * The worker pool: decodes off the main thread with pixels transferred, fails a hung task
 * with DECODE_TIMEOUT and a crashed one with WORKER_CRASHED, and keeps serving afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecodePool, type DecodePool } from '../../../../../app/main/services/decoding/decodePool';
import { workerScript } from '../../../../../app/main/services/workerScript';
import { el, TransferSyntax, writeDicom } from '../../../../fixtures/dicomWriter';
import { makeChestImage } from '../../../../fixtures/syntheticImages';
import { makeTempDir } from '../../../../fixtures/tools';
import { buildDecodeWorker } from '../../../globalSetup';

const tmp = makeTempDir('cxr-pool-');
let pool: DecodePool;
let file: string;
const px = makeChestImage({ rows: 64, columns: 48, bitsStored: 12, seed: 5 });

beforeAll(async () => {
  await buildDecodeWorker();
  file = join(tmp.dir, 'img.dcm');
  writeFileSync(
    file,
    writeDicom({
      transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian,
      pixel: { rows: 64, columns: 48, bitsStored: 12, photometricInterpretation: 'MONOCHROME1' },
      pixelData: { native: px },
      elements: [el('WindowCenter', 'DS', 2048), el('WindowWidth', 'DS', 4096)],
    }),
  );
  pool = createDecodePool({ size: 1, taskTimeoutMs: 1500, testHooks: true });
});
afterAll(async () => {
  await pool?.close();
  tmp.cleanup();
});

describe('decodePool', () => {
  it('finds the worker bundle from the sources', () => {
    expect(workerScript('decode.worker')).toMatch(/dist[\\/]workers[\\/]decode\.worker\.js$/);
  });

  it('decodes a frame in a worker and returns typed pixels', async () => {
    const frame = await pool.decodeFrame(file, 0);
    expect(frame.pixels).toBeInstanceOf(Uint16Array);
    expect(Array.from(frame.pixels)).toEqual(Array.from(px));
    expect(frame.info.invertAfterVoi).toBe(true);
  });

  it('reads the header and the tags', async () => {
    const header = await pool.readHeader(file);
    expect(header).toMatchObject({ kind: 'dicom', patientId: 'TEST0001', rows: 64, columns: 48, hasPixelData: true });
    const tags = await pool.tags(file);
    expect(tags.find((t) => t.keyword === 'PatientName')?.value).toBe('Test^Patient');
  });

  it('renders an inverted MONOCHROME1 thumbnail within the requested size', async () => {
    const t = await pool.thumbnail(file, 16);
    expect([t.width, t.height]).toEqual([12, 16]);
    expect(t.rgba.length).toBe(12 * 16 * 4);
    // The same values as MONOCHROME2 render as the complement (inversion after VOI).
    const mono2 = join(tmp.dir, 'mono2.dcm');
    writeFileSync(
      mono2,
      writeDicom({
        pixel: { rows: 64, columns: 48, bitsStored: 12 },
        pixelData: { native: px },
        elements: [el('WindowCenter', 'DS', 2048), el('WindowWidth', 'DS', 4096)],
      }),
    );
    const t2 = await pool.thumbnail(mono2, 16);
    for (let i = 0; i < t.rgba.length; i += 4) expect(Math.abs(t.rgba[i] + t2.rgba[i] - 255)).toBeLessThanOrEqual(1);
    expect(t.rgba[3]).toBe(255);
  });

  it('lets a frame decode overtake waiting header reads (the image on screen before a bulk import)', async () => {
    const order: string[] = [];
    const track = <T>(name: string, p: Promise<T>) => p.then(() => void order.push(name));
    const jobs = [1, 2, 3, 4].map((n) => track(`header${n}`, pool.readHeader(file)));
    jobs.push(track('decode', pool.decodeFrame(file, 0)));
    await Promise.all(jobs);
    // header1 was already running on the single worker; the decode goes next.
    expect(order).toEqual(['header1', 'decode', 'header2', 'header3', 'header4']);
  });

  it('returns coded errors from the worker', async () => {
    await expect(pool.decodeFrame(join(tmp.dir, 'missing.dcm'), 0)).rejects.toMatchObject({ code: 'FILE_READ_FAILED' });
    await expect(pool.decodeFrame(file, 7)).rejects.toMatchObject({ code: 'BAD_FRAME_INDEX' });
  });

  it('fails a hung task with DECODE_TIMEOUT, replaces the worker and keeps working', async () => {
    const before = pool.workersStarted;
    await expect(pool.request({ op: 'debug:hang' })).rejects.toMatchObject({ code: 'DECODE_TIMEOUT' });
    const frame = await pool.decodeFrame(file, 0);
    expect(frame.info.rows).toBe(64);
    expect(pool.workersStarted).toBe(before + 1);
  });

  it('fails only the crashed task with WORKER_CRASHED and restarts', async () => {
    const crashed = pool.request({ op: 'debug:crash' });
    const queued = pool.decodeFrame(file, 0);
    await expect(crashed).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
    expect((await queued).info.columns).toBe(48);
  });

  it('rejects requests after close', async () => {
    const p = createDecodePool({ size: 1 });
    await p.close();
    await expect(p.readHeader(file)).rejects.toMatchObject({ code: 'DECODER_CLOSED' });
  });
});
