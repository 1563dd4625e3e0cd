/**
 * `cxr decode` (issue #2 contract): one JSON object on stdout with the keys in order; --raw
 * writes exactly the hashed bytes; failures exit 2 with nothing on stdout and one JSON error
 * on stderr. Most tests call main() in-process; one runs the built bin end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../../../../app/main/cli/cxr';
import { el, TransferSyntax, writeDicom } from '../../../fixtures/dicomWriter';
import { writePng } from '../../../fixtures/pngWriter';
import { makeChestImage, makeRgbImage, rgbToYbrFull } from '../../../fixtures/syntheticImages';
import { makeTempDir } from '../../../fixtures/tools';
import { buildCli } from '../../globalSetup';

const tmp = makeTempDir('cxr-cli-');
afterAll(() => tmp.cleanup());
const KEYS = ['rows', 'columns', 'samplesPerPixel', 'photometricInterpretation', 'bitsStored', 'pixelRepresentation', 'numberOfFrames', 'transferSyntaxUID', 'min', 'max', 'sha256'];

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const signed = makeChestImage({ rows: 6, columns: 5, bitsStored: 12, signed: true, seed: 9 });
let mono: string;
let multi: string;

beforeAll(() => {
  mono = join(tmp.dir, 'mono.dcm');
  writeFileSync(mono, writeDicom({ transferSyntaxUid: TransferSyntax.ExplicitVRBigEndian, pixel: { rows: 6, columns: 5, bitsStored: 12, pixelRepresentation: 1 }, pixelData: { native: signed } }));
  multi = join(tmp.dir, 'multi.dcm');
  writeFileSync(multi, writeDicom({ pixel: { rows: 2, columns: 2, bitsAllocated: 8, numberOfFrames: 2 }, pixelData: { native: [1, 2, 3, 4, 5, 6, 7, 8] } }));
});

describe('cxr decode', () => {
  it('prints one JSON object with the contract keys, in order', async () => {
    const r = await run('decode', mono);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(KEYS);
    expect(json).toMatchObject({ rows: 6, columns: 5, samplesPerPixel: 1, bitsStored: 12, pixelRepresentation: 1, numberOfFrames: 1, transferSyntaxUID: TransferSyntax.ExplicitVRBigEndian, min: -2048, max: 2047 });
  });

  it('--raw writes the stored values as LE int32 and sha256 covers exactly those bytes', async () => {
    const out = join(tmp.dir, 'mono.raw');
    const json = JSON.parse((await run('decode', mono, '--raw', out)).stdout);
    const raw = readFileSync(out);
    expect(Array.from(new Int32Array(raw.buffer, raw.byteOffset, raw.length / 4))).toEqual(Array.from(signed));
    expect(createHash('sha256').update(raw).digest('hex')).toBe(json.sha256);
  });

  it('--frame selects a frame of a multi-frame image', async () => {
    const out = join(tmp.dir, 'f1.raw');
    const json = JSON.parse((await run('decode', multi, '--frame', '1', '--raw', out)).stdout);
    expect(json).toMatchObject({ numberOfFrames: 2, min: 5, max: 8 });
    const raw = readFileSync(out);
    expect(Array.from(new Int32Array(raw.buffer, raw.byteOffset, raw.length / 4))).toEqual([5, 6, 7, 8]);
  });

  it('hashes three-sample images as interleaved 8-bit RGB (YBR converted)', async () => {
    const rgb = makeRgbImage(3, 4, 2);
    const f = join(tmp.dir, 'ybr.dcm');
    writeFileSync(f, writeDicom({ pixel: { rows: 3, columns: 4, samplesPerPixel: 3, bitsAllocated: 8, photometricInterpretation: 'YBR_FULL', planarConfiguration: 0 }, pixelData: { native: rgbToYbrFull(rgb) } }));
    const out = join(tmp.dir, 'ybr.raw');
    const json = JSON.parse((await run('decode', f, '--raw', out)).stdout);
    expect(json).toMatchObject({ samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL' });
    const raw = readFileSync(out);
    expect(raw.length).toBe(36);
    expect(Math.max(...Array.from(raw, (v, i) => Math.abs(v - rgb[i])))).toBeLessThanOrEqual(2);
  });

  it('decodes a PNG with an empty transfer syntax', async () => {
    const f = join(tmp.dir, 'x.png');
    writeFileSync(f, writePng({ width: 2, height: 2, bitDepth: 16, colorType: 0, samples: [0, 1, 2, 60000] }));
    const json = JSON.parse((await run('decode', f)).stdout);
    expect(json).toMatchObject({ photometricInterpretation: 'MONOCHROME2', bitsStored: 16, transferSyntaxUID: '', min: 0, max: 60000 });
  });

  it('decodes a file whose trailing element is cut short (exit 0) and lists the warning after the contract keys', async () => {
    const whole = writeDicom({ pixel: { rows: 2, columns: 2 }, pixelData: { native: [1, 2, 3, 4] }, elements: [el(0x7fe10010, 'LO', 'ACME 1.0'), el(0x7fe11001, 'OB', new Uint8Array(40))] });
    const f = join(tmp.dir, 'tail.dcm');
    writeFileSync(f, whole.subarray(0, whole.length - 10));
    const r = await run('decode', f);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual([...KEYS, 'warnings']);
    expect(json).toMatchObject({ min: 1, max: 4, warnings: [{ code: 'TRAILING_DATA_TRUNCATED', message: expect.stringContaining('tail.dcm') }] });
  });

  it('fails with exit 2, empty stdout and one JSON error on stderr', async () => {
    const empty = join(tmp.dir, 'empty.dcm');
    writeFileSync(empty, new Uint8Array(0));
    for (const args of [['decode', empty], ['decode', mono, '--frame', '3'], ['decode', join(tmp.dir, 'nope.dcm')], ['decode'], ['frobnicate']]) {
      const r = await run(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const err = JSON.parse(r.stderr);
      expect(Object.keys(err)).toEqual(['error']);
      expect(typeof err.error.code).toBe('string');
      expect(typeof err.error.message).toBe('string');
    }
    expect(JSON.parse((await run('decode', empty)).stderr).error).toMatchObject({ code: 'EMPTY_FILE' });
    expect(JSON.parse((await run('decode', empty)).stderr).error.message).toContain('empty.dcm');
  });

  it('runs as the built bin (bin/cxr.js → dist/cli/cxr.js)', async () => {
    await buildCli();
    const bin = resolve(__dirname, '../../../../bin/cxr.js');
    const ok = spawnSync(process.execPath, [bin, 'decode', mono], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(Object.keys(JSON.parse(ok.stdout))).toEqual(KEYS);
    const bad = spawnSync(process.execPath, [bin, 'decode', join(tmp.dir, 'nope.dcm')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(JSON.parse(bad.stderr).error.code).toBe('FILE_READ_FAILED');
  });
});
