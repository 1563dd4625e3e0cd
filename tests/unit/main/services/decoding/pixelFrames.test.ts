/**
 * Encapsulated frame splitting (PS3.5 A.4): Basic Offset Table, Extended Offset Table, one
 * fragment per frame, and several fragments per frame found by codestream start markers.
 * Frames are JPEG Lossless streams from dcmcjpeg, re-wrapped by the fixture writer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFile } from '../../../../../app/main/services/decoding/decodeFile';
import { el, readEncapsulatedFrames, TransferSyntax, writeDicom } from '../../../../fixtures/dicomWriter';
import { makeChestImage } from '../../../../fixtures/syntheticImages';
import { makeTempDir, requireTools, runTool } from '../../../../fixtures/tools';

const tmp = makeTempDir('cxr-frames-');
afterAll(() => tmp.cleanup());
const ROWS = 20;
const COLS = 16;
const frames = [1, 2, 3].map((seed) => makeChestImage({ rows: ROWS, columns: COLS, bitsStored: 16, seed }));

function jpegFrames(): Uint8Array[] {
  const all = new Uint16Array(ROWS * COLS * 3);
  frames.forEach((f, i) => all.set(f, i * ROWS * COLS));
  const native = join(tmp.dir, 'native.dcm');
  const jpeg = join(tmp.dir, 'jpeg.dcm');
  writeFileSync(native, writeDicom({ pixel: { rows: ROWS, columns: COLS, numberOfFrames: 3 }, pixelData: { native: all } }));
  runTool('dcmcjpeg', ['+e1', native, jpeg]);
  return readEncapsulatedFrames(new Uint8Array(readFileSync(jpeg))).map((fr) => {
    const total = fr.reduce((n, f) => n + f.length, 0);
    const out = new Uint8Array(total);
    let p = 0;
    for (const f of fr) {
      out.set(f, p);
      p += f.length;
    }
    return out;
  });
}

async function decodeAll(bytes: Uint8Array): Promise<number[][]> {
  const out: number[][] = [];
  for (let f = 0; f < 3; f++) out.push(Array.from((await decodeFile(bytes, { fileName: 'f.dcm', frame: f })).pixels));
  return out;
}

const expected = () => frames.map((f) => Array.from(f));

describe.skipIf(!requireTools('dcmcjpeg'))('encapsulated frames', () => {
  const wrap = (fragments: Array<Uint8Array | Uint8Array[]>, basicOffsetTable: boolean, extra = {}) =>
    writeDicom({ transferSyntaxUid: TransferSyntax.JPEGLosslessSV1, pixel: { rows: ROWS, columns: COLS, numberOfFrames: 3 }, pixelData: { frames: fragments, basicOffsetTable }, ...extra });

  it('uses the Basic Offset Table with several fragments per frame', async () => {
    // Fragment boundaries at even offsets: fragments are padded to even length (PS3.5 A.4).
    const split = jpegFrames().map((f) => [f.subarray(0, 10), f.subarray(10, 30), f.subarray(30)]);
    expect(await decodeAll(wrap(split, true))).toEqual(expected());
  });

  it('takes one fragment per frame when there is no offset table', async () => {
    expect(await decodeAll(wrap(jpegFrames(), false))).toEqual(expected());
  });

  it('splits fragments at JPEG start-of-image markers without an offset table', async () => {
    const split = jpegFrames().map((f) => [f.subarray(0, 40), f.subarray(40)]);
    expect(await decodeAll(wrap(split, false))).toEqual(expected());
  });

  it('prefers the Extended Offset Table (7FE0,0001/0002)', async () => {
    const jf = jpegFrames();
    const lengths = jf.map((f) => f.length + (f.length % 2));
    const offsets = [0, 8 + lengths[0], 16 + lengths[0] + lengths[1]];
    const u64 = (vals: number[]) => {
      const b = new Uint8Array(vals.length * 8);
      vals.forEach((v, i) => new DataView(b.buffer).setBigUint64(i * 8, BigInt(v), true));
      return b;
    };
    // A trailing fragment that looks like a fourth codestream: only the EOT locates the frames.
    const junk = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
    const withEot = wrap([...jf, junk], false, { elements: [el(0x7fe00001, 'OV', u64(offsets)), el(0x7fe00002, 'OV', u64(lengths))] });
    expect(await decodeAll(withEot)).toEqual(expected());
    await expect(decodeAll(wrap([...jf, junk], false))).rejects.toMatchObject({ code: 'CORRUPT_PIXEL_DATA' });
  });

  it('reports CORRUPT_PIXEL_DATA when fragments cannot be assigned to frames', async () => {
    const jf = jpegFrames();
    const bytes = wrap([jf[0], [jf[1].subarray(5), jf[2].subarray(5)]], false);
    await expect(decodeFile(bytes, { fileName: 'f.dcm', frame: 2 })).rejects.toMatchObject({ code: 'CORRUPT_PIXEL_DATA' });
  });
});
