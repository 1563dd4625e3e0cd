/**
 * Parity with an independent toolkit (issue #2): for every native transfer syntax ×
 * photometric interpretation, the values `cxr decode` hashes must equal dcmtk's reading of
 * the same generated file (dcm2pnm without windowing / modality LUT, and dcmdump +W).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFile } from '../../../../../app/main/services/decoding/decodeFile';
import { canonicalFrameBytes } from '../../../../../app/shared/imaging/summary';
import { dicomCases, writeCase } from '../../../../fixtures/dicomCases';
import { TransferSyntax } from '../../../../fixtures/dicomWriter';
import { readNetpbm } from '../../../../fixtures/netpbm';
import { makeTempDir, requireTools, runTool } from '../../../../fixtures/tools';

const haveDcmtk = requireTools('dcm2pnm', 'dcmdump');
const tmp = makeTempDir('cxr-parity-');
afterAll(() => tmp.cleanup());

const SYNTAXES = {
  implicitLE: TransferSyntax.ImplicitVRLittleEndian,
  explicitLE: TransferSyntax.ExplicitVRLittleEndian,
  explicitBE: TransferSyntax.ExplicitVRBigEndian,
  deflated: TransferSyntax.DeflatedExplicitVRLittleEndian,
};

/** Stored values per dcmtk: dcm2pnm with no VOI window and no modality LUT maps the stored range linearly onto n bits. */
function dcmtkStored(file: string, bitsStored: number, signed: boolean, monochrome1: boolean, frame: number): number[] {
  const out = join(tmp.dir, 'ref.pgm');
  // MONOCHROME1 is rendered inverted by dcmtk; +P flips the polarity back (exactly, unlike
  // inverting its output, which rounds at 16 bits).
  const polarity = monochrome1 ? ['+P'] : [];
  runTool('dcm2pnm', ['-q', '-W', '-M', ...polarity, '+opn', String(bitsStored), '+F', String(frame + 1), file, out]);
  const pgm = readNetpbm(readFileSync(out));
  const rangeMin = signed ? -(2 ** (bitsStored - 1)) : 0;
  return pgm.samples.map((v) => v + rangeMin);
}

function dcmtkRgb(file: string): number[] {
  const out = join(tmp.dir, 'ref.ppm');
  runTool('dcm2pnm', ['-q', '+op', file, out]);
  return readNetpbm(readFileSync(out)).samples;
}

function dcmtkRawBytes(file: string): Buffer {
  const text = runTool('dcmdump', ['-q', '+W', tmp.dir, file]).toString('latin1');
  const m = /\(7fe0,0010\) \w\w =(\S+)/.exec(text);
  if (!m) throw new Error('no pixel data');
  return readFileSync(m[1]);
}

function int32s(bytes: Uint8Array): number[] {
  return Array.from(new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
}

describe.skipIf(!haveDcmtk)('native decoding matches dcmtk', () => {
  for (const [syntaxName, ts] of Object.entries(SYNTAXES)) {
    for (const c of dicomCases()) {
      it(`${syntaxName} ${c.name}`, async () => {
        const file = join(tmp.dir, `${syntaxName}-${c.name}.dcm`);
        const bytes = writeCase(c, ts);
        writeFileSync(file, bytes);
        const spp = c.pixel.samplesPerPixel ?? 1;
        const photometric = c.pixel.photometricInterpretation ?? (spp === 3 ? 'RGB' : 'MONOCHROME2');
        const frameIndex = (c.pixel.numberOfFrames ?? 1) > 1 ? 1 : 0;
        const ours = await decodeFile(bytes, { fileName: 'x.dcm', frame: frameIndex, applyPalette: false });
        const canonical = canonicalFrameBytes(ours);

        if (photometric === 'PALETTE COLOR') {
          // CLI contract: one sample per pixel → the stored indices; the viewer gets the palette applied.
          expect(int32s(canonical)).toEqual(Array.from(dcmtkRawBytes(file).subarray(0, ours.pixels.length)));
          const rgb = await decodeFile(bytes, { fileName: 'x.dcm' });
          expect(rgb.info.samplesPerPixel).toBe(3);
          expect(Array.from(rgb.pixels)).toEqual(dcmtkRgb(file));
        } else if (spp === 1) {
          const bitsStored = c.pixel.bitsStored ?? c.pixel.bitsAllocated ?? 16;
          const ref = dcmtkStored(file, bitsStored, c.pixel.pixelRepresentation === 1, photometric === 'MONOCHROME1', frameIndex);
          expect(int32s(canonical)).toEqual(ref);
          if (c.expectedStored && frameIndex === 0) expect(int32s(canonical)).toEqual(Array.from(c.expectedStored));
        } else {
          const ref = dcmtkRgb(file);
          const got = Array.from(canonical);
          expect(got.length).toBe(ref.length);
          // YBR→RGB rounding differs between implementations by at most 1–2 levels.
          const tolerance = photometric.startsWith('YBR') ? 2 : 0;
          const worst = got.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i])), 0);
          expect(worst).toBeLessThanOrEqual(tolerance);
        }
        expect(ours.info.rows).toBe(c.pixel.rows);
        expect(ours.info.columns).toBe(c.pixel.columns);
        expect(ours.info.transferSyntaxUid).toBe(ts);
      });
    }
  }
});
