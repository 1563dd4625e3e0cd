/**
 * The result objects (issue #11) checked by dcmtk: `dcmdump +E` reads them without an error and
 * `dsr2html` renders the SR. Patient and study attributes come from the source, decoded from its
 * own character set and written as UTF-8; nothing else about the patient is made up.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { decodeFile } from '../../../../../app/main/services/decoding/decodeFile';
import { buildImageResults, readSourceAttributes, renderResultImage } from '../../../../../app/main/services/pacs/resultFiles';
import { NOT_FOR_DIAGNOSIS } from '../../../../../app/shared/pacs/resultObjects';
import { SUMMARY_NOT_FOR_DIAGNOSIS } from '../../../../../app/main/services/worklist/summaryImage';
import { el, makeUid, writeDicom } from '../../../../fixtures/dicomWriter';
import { makeChestImage } from '../../../../fixtures/syntheticImages';
import { makeTempDir, requireTools, toolPath } from '../../../../fixtures/tools';

const tmp = makeTempDir('cxr-pacs-results-');
afterAll(() => tmp.cleanup());

const triage = {
  probabilities: { covid: 0.123456789, normal: 0.8, pneumonia: 0.076543211 },
  label: 'normal',
  priority: 'unreliable' as const,
  outOfDistribution: true,
  ood: 0.93,
  model: { name: 'cxr-tri-v2', version: '2.1.0', sha256: 'ab'.repeat(32) },
};

/** A Latin-1 (ISO_IR 100) source image: "Müller^Zoë" as one byte per letter. */
function latin1Source(): string {
  const path = join(tmp.dir, 'latin1.dcm');
  writeFileSync(
    path,
    writeDicom({
      sopInstanceUid: makeUid(77),
      pixel: { rows: 32, columns: 32, bitsStored: 12 },
      pixelData: { native: makeChestImage({ rows: 32, columns: 32, bitsStored: 12, seed: 3 }) },
      elements: [
        el('SpecificCharacterSet', 'CS', 'ISO_IR 100'),
        el('PatientName', 'PN', new Uint8Array(Buffer.from('Müller^Zoë', 'latin1'))),
        el('PatientID', 'LO', 'L1'),
        el('StudyInstanceUID', 'UI', makeUid(78)),
        el('SeriesInstanceUID', 'UI', makeUid(79)),
        el('ReferringPhysicianName', 'PN', null),
        el('PatientBirthDate', 'DA', null),
      ],
    }),
  );
  return path;
}

const dump = (path: string): { out: string; err: string; status: number | null } => {
  const r = spawnSync(toolPath('dcmdump'), ['+E', path], { encoding: 'utf8' });
  return { out: r.stdout, err: r.stderr, status: r.status };
};

describe('result objects', () => {
  it('uses the same not-for-diagnosis words as the worklist summary', () => {
    expect(NOT_FOR_DIAGNOSIS).toBe(SUMMARY_NOT_FOR_DIAGNOSIS);
  });

  it.skipIf(!requireTools('dcmdump', 'dsr2html'))('SR and SC pass dcmdump +E, dsr2html renders the SR, patient data copied and not invented', async () => {
    const source = latin1Source();
    const frame = await decodeFile(readFileSync(source), { fileName: 'latin1.dcm' });
    const files = await buildImageResults({ sourcePath: source, frame, triage, uidRoot: '1.2.3.999' });
    expect(files.map((f) => f.kind)).toEqual(['sr', 'sc']);
    const attrs = await readSourceAttributes(source);
    for (const f of files) {
      const path = join(tmp.dir, `${f.kind}.dcm`);
      writeFileSync(path, f.bytes);
      const d = dump(path);
      expect(d.status).toBe(0);
      expect(d.err).not.toMatch(/^E:/m);
      expect(d.out).toContain('(0008,0005) CS [ISO_IR 192]');
      expect(d.out).toContain('(0010,0010) PN [Müller^Zoë]');
      expect(d.out).toContain(`(0020,000d) UI [${attrs.studyInstanceUid}]`);
      // Type 2 attributes the source lacks are present and empty, never filled in.
      expect(d.out).toMatch(/\(0010,0030\) DA \(no value available\)/);
      expect(d.out).toMatch(/\(0008,0090\) PN \(no value available\)/);
      expect(d.out).not.toContain('(0010,1010)'); // no Patient's Age was given, none is made up
      expect(f.sopInstanceUid.startsWith('1.2.3.999.')).toBe(true);
      expect(f.seriesInstanceUid).not.toBe(attrs.seriesInstanceUid);
    }
    const html = execFileSync(toolPath('dsr2html'), [join(tmp.dir, 'sr.dcm')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    for (const text of [NOT_FOR_DIAGNOSIS, 'Comprehensive SR', 'Algorithm Name', 'cxr-tri-v2', 'Algorithm Version', '2.1.0', 'ab'.repeat(32), 'Probability of covid', '0.123457', 'Probability of normal', '0.8', 'Needs human triage', 'Yes (373066001, SCT)', 'Most likely class']) {
      expect(html).toContain(text);
    }
    // The SC is 8-bit RGB with the not-for-diagnosis line and the legend in its pixels.
    const sc = await decodeFile(files[1].bytes, { fileName: 'sc.dcm' });
    expect(sc.info).toMatchObject({ samplesPerPixel: 3, bitsAllocated: 8 });
  });

  it('the SC picture has the heatmap legend below the summary', () => {
    const frame = { info: { rows: 16, columns: 16, samplesPerPixel: 1, photometricInterpretation: 'MONOCHROME2', bitsAllocated: 8, bitsStored: 8, highBit: 7, pixelRepresentation: 0, numberOfFrames: 1, transferSyntaxUid: '1.2.840.10008.1.2.1', minStored: 0, maxStored: 255, rescaleSlope: 1, rescaleIntercept: 0, windowPresets: [], voiLuts: [], voiLutFunction: 'LINEAR', invertAfterVoi: false }, pixels: new Uint8Array(256).fill(128) } as never;
    const heatmap = { map: new Float32Array(4).fill(1), height: 2, width: 2, letterbox: { scale: 2 / 16, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, height: 2, width: 2 } as never };
    const image = renderResultImage({ frame, heatmap, priority: 'high', probabilities: triage.probabilities, model: triage.model });
    // The bottom strip holds a ramp from the heatmap's low colour to its high colour.
    const row = image.height - 22;
    const colours = new Set<string>();
    for (let x = 0; x < image.width; x++) colours.add(Array.from(image.rgb.subarray((row * image.width + x) * 3, (row * image.width + x) * 3 + 3)).join(','));
    expect(colours.size).toBeGreaterThan(50);
  });

  it('refuses an image without DICOM UIDs (a PNG has nowhere to be sent back to)', async () => {
    const path = join(tmp.dir, 'bare.dcm');
    writeFileSync(path, writeDicom({ pixel: { rows: 4, columns: 4 }, pixelData: { native: new Uint16Array(16) }, elements: [el('StudyInstanceUID', 'UI', null)] }));
    await expect(readSourceAttributes(path)).rejects.toMatchObject({ code: 'NOT_SENDABLE' });
  });
});
