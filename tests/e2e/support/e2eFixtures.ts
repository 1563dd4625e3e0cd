/**
 * Fixture DICOMs for the end-to-end tests, generated at test time with the project's
 * test writer (tests/fixtures/dicomWriter.ts): no downloaded or committed data.
 *
 * - patient A "Doe^Jane" (PAT-A): a current (2024-03-01) and a prior (2023-03-01) DX
 *   chest study, 12-bit, ImagerPixelSpacing 0.2 mm, two Window Center/Width pairs;
 * - patient B "Roe^Richard" (PAT-B): a MONOCHROME1 CR image without pixel spacing;
 * - bad/truncated.dcm: a valid header whose Pixel Data runs past the end of the file;
 * - patient C "Err^Eve" (PAT-C): a JPEG Baseline file whose single fragment is not JPEG
 *   (the header imports; decoding fails, so the viewport shows the error);
 * - other/colour-photo.png: an RGB PNG (single-image study, patient unknown);
 * - perf/large.dcm: 3000 × 2500, 16 bits stored (the issue #2 performance image).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CR_IMAGE_STORAGE, el, TransferSyntax, writeDicom } from '../../fixtures/dicomWriter';
import { PNG } from 'pngjs';
import { makeChestImage, makeRgbImage } from '../../fixtures/syntheticImages';

/** Where the fixtures live: fixed, so the harness's `--open-paths` (set in the config,
 * before globalSetup runs) and the generator agree. */
export const E2E_FIXTURE_DIR = join(tmpdir(), 'cxr-e2e-fixtures');

/** Port of the harness under test. */
export const E2E_PORT = Number(process.env.CXR_E2E_PORT ?? 4173);

export const PATIENT_A = { name: 'Doe^Jane', id: 'PAT-A', currentDate: '20240301', priorDate: '20230301' };
export const PATIENT_B = { name: 'Roe^Richard', id: 'PAT-B' };
export const PERF_PATIENT = { name: 'Perf^Large', id: 'PERF-1' };
export const PATIENT_C = { name: 'Err^Eve', id: 'PAT-C' };
/** A colour PNG: a single-image study of patient "unknown" (issue #2). */
export const COLOUR_PNG = 'colour-photo.png';
export const BAD_FILE = 'truncated.dcm';
/** Header fine (imports), JPEG pixel data corrupt (fails when decoded). */
export const CORRUPT_PIXELS_FILE = 'corrupt-jpeg.dcm';

function patientElements(p: { name: string; id: string }, study: { uid: string; date: string; description: string }, series: string, modality = 'DX') {
  return [
    el('PatientName', 'PN', p.name),
    el('PatientID', 'LO', p.id),
    el('StudyInstanceUID', 'UI', study.uid),
    el('StudyDate', 'DA', study.date),
    el('StudyDescription', 'LO', study.description),
    el('SeriesInstanceUID', 'UI', series),
    el('Modality', 'CS', modality),
  ];
}

function chest12(rows: number, columns: number, seed: number): Uint16Array {
  return makeChestImage({ rows, columns, bitsStored: 12, seed, noise: 0.01 }) as Uint16Array;
}

/** (Re)creates every fixture; returns the folder. */
export function generateE2eFixtures(dir = E2E_FIXTURE_DIR): string {
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['patientA', 'patientB', 'patientC', 'bad', 'other', 'perf']) mkdirSync(join(dir, sub), { recursive: true });

  const window = [el('WindowCenter', 'DS', [2048, 1200]), el('WindowWidth', 'DS', [4096, 1600]), el('WindowCenterWidthExplanation', 'LO', ['FULL', 'SOFT'])];
  const current = writeDicom({
    sopInstanceUid: '2.25.1001',
    pixel: { rows: 512, columns: 512, bitsAllocated: 16, bitsStored: 12 },
    pixelData: { native: chest12(512, 512, 1) },
    elements: [
      ...patientElements(PATIENT_A, { uid: '2.25.100', date: PATIENT_A.currentDate, description: 'CHEST PA' }, '2.25.1000'),
      el('ImagerPixelSpacing', 'DS', [0.2, 0.2]),
      ...window,
    ],
  });
  writeFileSync(join(dir, 'patientA', 'current.dcm'), current);

  writeFileSync(
    join(dir, 'patientA', 'prior.dcm'),
    writeDicom({
      sopInstanceUid: '2.25.991',
      pixel: { rows: 512, columns: 512, bitsAllocated: 16, bitsStored: 12 },
      pixelData: { native: chest12(512, 512, 7) },
      elements: [
        ...patientElements(PATIENT_A, { uid: '2.25.99', date: PATIENT_A.priorDate, description: 'CHEST PA PRIOR' }, '2.25.990'),
        el('ImagerPixelSpacing', 'DS', [0.2, 0.2]),
        ...window,
      ],
    }),
  );

  // MONOCHROME1 (PS3.3 C.7.6.3.1.2): high stored values display dark.
  const mono2 = chest12(300, 400, 3);
  const mono1 = mono2.map((v) => 4095 - v);
  writeFileSync(
    join(dir, 'patientB', 'mono1.dcm'),
    writeDicom({
      sopClassUid: CR_IMAGE_STORAGE,
      sopInstanceUid: '2.25.2001',
      pixel: { rows: 300, columns: 400, bitsAllocated: 16, bitsStored: 12, photometricInterpretation: 'MONOCHROME1' },
      pixelData: { native: mono1 },
      elements: patientElements(PATIENT_B, { uid: '2.25.200', date: '20240115', description: 'CHEST AP' }, '2.25.2000', 'CR'),
    }),
  );

  // Truncated: the header promises 128 KiB of Pixel Data, the file ends early.
  const whole = writeDicom({
    sopInstanceUid: '2.25.3001',
    pixel: { rows: 256, columns: 256, bitsAllocated: 16, bitsStored: 12 },
    pixelData: { native: chest12(256, 256, 5) },
    elements: patientElements({ name: 'Bad^File', id: 'BAD-1' }, { uid: '2.25.300', date: '20240201', description: 'BROKEN' }, '2.25.3000'),
  });
  writeFileSync(join(dir, 'bad', BAD_FILE), whole.subarray(0, whole.length - 60_000));

  const garbage = new Uint8Array(4096).map((_, i) => (i * 37 + 11) & 0xff);
  writeFileSync(
    join(dir, 'patientC', CORRUPT_PIXELS_FILE),
    writeDicom({
      transferSyntaxUid: TransferSyntax.JPEGBaseline8Bit,
      sopInstanceUid: '2.25.6001',
      pixel: { rows: 64, columns: 64, bitsAllocated: 8, bitsStored: 8 },
      pixelData: { frames: [garbage] },
      elements: patientElements(PATIENT_C, { uid: '2.25.600', date: '20240210', description: 'CORRUPT' }, '2.25.6000'),
    }),
  );

  const rgb = makeRgbImage(120, 160, 4);
  const png = new PNG({ width: 160, height: 120 });
  for (let i = 0; i < 160 * 120; i++) {
    png.data[i * 4] = rgb[i * 3];
    png.data[i * 4 + 1] = rgb[i * 3 + 1];
    png.data[i * 4 + 2] = rgb[i * 3 + 2];
    png.data[i * 4 + 3] = 255;
  }
  writeFileSync(join(dir, 'other', COLOUR_PNG), PNG.sync.write(png, { colorType: 2 }));

  const large = makeChestImage({ rows: 2500, columns: 3000, bitsStored: 16, seed: 11, noise: 0.01 });
  writeFileSync(
    join(dir, 'perf', 'large.dcm'),
    writeDicom({
      sopInstanceUid: '2.25.4001',
      pixel: { rows: 2500, columns: 3000, bitsAllocated: 16, bitsStored: 16 },
      pixelData: { native: large },
      elements: [
        ...patientElements(PERF_PATIENT, { uid: '2.25.400', date: '20240401', description: 'PERF 3000x2500' }, '2.25.4000'),
        el('ImagerPixelSpacing', 'DS', [0.139, 0.139]),
      ],
    }),
  );
  return dir;
}
