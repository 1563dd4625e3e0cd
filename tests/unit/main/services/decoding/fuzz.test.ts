/**
 * Mutation fuzzing (issue #2 "Bad input"): seeded random byte flips, truncations, insertions,
 * deletions and length-field corruption over generated DICOM files (native syntaxes, sequences,
 * multi-frame, encapsulated RLE with and without offset table). Every outcome must be a decoded
 * frame or a CodedError with a known code: never another exception, never a hang.
 */
import { describe, expect, it } from 'vitest';
import * as dicomParser from 'dicom-parser';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFile, readHeaderFromBytes, readTagsFromBytes } from '../../../../../app/main/services/decoding/decodeFile';
import { DECODE_ERROR_CODES } from '../../../../../app/main/services/decoding/decodeErrors';
import { CodedError } from '../../../../../app/shared/result';
import { dicomCases, writeCase } from '../../../../fixtures/dicomCases';
import { el, TransferSyntax, writeDicom } from '../../../../fixtures/dicomWriter';
import { encodeRleFrame } from '../../../../fixtures/rleEncoder';
import { makeChestImage, mulberry32 } from '../../../../fixtures/syntheticImages';
import { hasTool, makeTempDir, runTool } from '../../../../fixtures/tools';

const CASES = 6000;

function baseFiles(): Uint8Array[] {
  const cases = dicomCases();
  const pick = (name: string) => cases.find((c) => c.name === name)!;
  const seqs = [
    el('ModalityLUTSequence', 'SQ', [[el('LUTDescriptor', 'US', [4, 0, 16]), el('LUTData', 'US', [1, 2, 3, 4])]], { undefinedLength: true }),
    el('WindowCenter', 'DS', [40, 400]),
    el('WindowWidth', 'DS', [400, 2000]),
    el('PixelPaddingValue', 'US', 0),
  ];
  const rows = 12;
  const columns = 10;
  const f1 = makeChestImage({ rows, columns, bitsStored: 16, seed: 1 });
  const f2 = makeChestImage({ rows, columns, bitsStored: 16, seed: 2 });
  const rle = (bot: boolean) =>
    writeDicom({
      transferSyntaxUid: TransferSyntax.RLELossless,
      pixel: { rows, columns, numberOfFrames: 2 },
      pixelData: { frames: [encodeRleFrame(f1, 16, 1), encodeRleFrame(f2, 16, 1)], basicOffsetTable: bot },
      elements: seqs,
    });
  // Compressed bases made by dcmtk/GDCM when installed (the fuzz still runs without them).
  const native = writeDicom({ pixel: { rows, columns, bitsStored: 12 }, pixelData: { native: makeChestImage({ rows, columns, bitsStored: 12, seed: 3 }) } });
  const compressed: Uint8Array[] = [];
  const dir = makeTempDir('cxr-fuzz-');
  try {
    const input = join(dir.dir, 'in.dcm');
    writeFileSync(input, native);
    const tools: Array<[string, string[]]> = [
      ['dcmcjpeg', ['+e1']],
      ['dcmcjpls', ['+el']],
      ['gdcmconv', ['--j2k']],
    ];
    for (const [tool, args] of tools) {
      if (!hasTool(tool)) continue;
      const out = join(dir.dir, `${tool}.dcm`);
      runTool(tool, [...args, input, out]);
      compressed.push(new Uint8Array(readFileSync(out)));
    }
  } finally {
    dir.cleanup();
  }
  return [
    ...compressed,
    writeCase(pick('mono2-signed12-dirty-high-bits'), TransferSyntax.ExplicitVRLittleEndian, seqs),
    writeCase(pick('mono1-16bit'), TransferSyntax.ImplicitVRLittleEndian, seqs),
    writeCase(pick('mono2-16bit-multiframe'), TransferSyntax.ExplicitVRBigEndian),
    writeCase(pick('rgb-planar1'), TransferSyntax.DeflatedExplicitVRLittleEndian),
    writeCase(pick('palette-color'), TransferSyntax.ExplicitVRLittleEndian),
    writeCase(pick('ybr-full'), TransferSyntax.ImplicitVRLittleEndian),
    rle(true),
    rle(false),
  ];
}

/** Offsets of every element's length field (and its size) in an explicit/implicit LE file, for targeted corruption. */
function lengthFields(bytes: Uint8Array): Array<{ at: number; size: 2 | 4 }> {
  const out: Array<{ at: number; size: 2 | 4 }> = [];
  try {
    const ds = dicomParser.parseDicom(bytes);
    const walk = (d: dicomParser.DataSet) => {
      for (const e of Object.values(d.elements)) {
        const longHeader = e.vr === undefined || ['OB', 'OD', 'OF', 'OL', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT'].includes(e.vr);
        out.push(longHeader ? { at: e.dataOffset - 4, size: 4 } : { at: e.dataOffset - 2, size: 2 });
        for (const item of e.items ?? []) if (item.dataSet) walk(item.dataSet);
      }
    };
    walk(ds);
  } catch {
    // Deflated bodies are not addressable; random mutations cover them.
  }
  return out.filter((f) => f.at > 0 && f.at + f.size <= bytes.length);
}

const INTERESTING = [0, 1, 2, 3, 0x7f, 0xff, 0x100, 0x7fff, 0xfffe, 0xffff, 0x10000, 0x7fffffff, 0xfffffffe, 0xffffffff];

function mutate(base: Uint8Array, fields: Array<{ at: number; size: 2 | 4 }>, rand: () => number): Uint8Array {
  const r = (n: number) => Math.floor(rand() * n);
  const kind = r(6);
  let b = base.slice();
  switch (kind) {
    case 0: {
      const n = 1 + r(8);
      for (let i = 0; i < n; i++) b[r(b.length)] = r(256);
      break;
    }
    case 1:
      b = b.slice(0, r(b.length));
      break;
    case 2: {
      const at = r(b.length);
      const ins = Uint8Array.from({ length: 1 + r(16) }, () => r(256));
      const out = new Uint8Array(b.length + ins.length);
      out.set(b.subarray(0, at));
      out.set(ins, at);
      out.set(b.subarray(at), at + ins.length);
      b = out;
      break;
    }
    case 3: {
      const at = r(b.length);
      const len = 1 + r(32);
      b = new Uint8Array([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + len))]);
      break;
    }
    default: {
      if (fields.length === 0) {
        b[r(b.length)] ^= 0xff;
        break;
      }
      const f = fields[r(fields.length)];
      const v = rand() < 0.7 ? INTERESTING[r(INTERESTING.length)] : r(2 ** 32);
      const dv = new DataView(b.buffer);
      if (f.size === 2) dv.setUint16(f.at, v & 0xffff, true);
      else dv.setUint32(f.at, v >>> 0, true);
    }
  }
  return b;
}

function assertClean(err: unknown, label: string): void {
  if (!(err instanceof CodedError) || !DECODE_ERROR_CODES.has(err.code)) {
    throw new Error(`${label}: unexpected ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`);
  }
}

describe('mutation fuzz', () => {
  it(`${CASES} mutated files end in a frame or a known coded error`, async () => {
    const bases = baseFiles();
    const fields = bases.map(lengthFields);
    const rand = mulberry32(20261128);
    const outcomes = new Map<string, number>();
    const started = Date.now();
    for (let i = 0; i < CASES; i++) {
      const k = i % bases.length;
      const bytes = mutate(bases[k], fields[k], rand);
      const label = `case ${i} (base ${k})`;
      let code = 'OK';
      try {
        await decodeFile(bytes, { fileName: 'fuzz.dcm', frame: i % 3 === 0 ? 1 : 0 });
      } catch (err) {
        assertClean(err, label);
        code = (err as CodedError).code;
      }
      const ops: Array<[string, () => unknown]> = [
        ['readHeader', () => readHeaderFromBytes(bytes, 'fuzz.dcm')],
        ['readHeader(partial)', () => readHeaderFromBytes(bytes.subarray(0, 1 + (i % bytes.length)), 'fuzz.dcm', { partial: true })],
        ['readTags', () => readTagsFromBytes(bytes, 'fuzz.dcm')],
      ];
      for (const [name, op] of ops) {
        try {
          op();
        } catch (err) {
          assertClean(err, `${label} ${name}`);
        }
      }
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`fuzz: ${CASES} cases in ${seconds.toFixed(1)} s`, Object.fromEntries(outcomes));
    expect(seconds).toBeLessThan(30);
    expect(outcomes.get('OK') ?? 0).toBeGreaterThan(0);
    expect(outcomes.size).toBeGreaterThan(3);
  }, 60_000);
});
