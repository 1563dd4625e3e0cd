/**
 * Generated inputs of the UI benchmark (bench/ui.bench.ts), written into a temp folder the
 * bench removes: no downloaded or committed data. DICOM through the tests' writer
 * (tests/fixtures/dicomWriter.ts), PNG through pngjs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { el, writeDicom } from '../../tests/fixtures/dicomWriter';
import { makeChestImage } from '../../tests/fixtures/syntheticImages';

/** Patient of the 3000 × 2500 image of issue #2, and of a small image shown before it. */
export const LARGE_PATIENT = { name: 'Bench^Large', id: 'BENCH-LARGE' };
export const OTHER_PATIENT = { name: 'Bench^Other', id: 'BENCH-OTHER' };
export const LARGE_SIZE = { rows: 2500, columns: 3000 };

function patient(p: { name: string; id: string }, studyUid: string, seriesUid: string, description: string) {
  return [
    el('PatientName', 'PN', p.name),
    el('PatientID', 'LO', p.id),
    el('StudyInstanceUID', 'UI', studyUid),
    el('StudyDate', 'DA', '20240401'),
    el('StudyDescription', 'LO', description),
    el('SeriesInstanceUID', 'UI', seriesUid),
    el('Modality', 'CS', 'DX'),
  ];
}

/** Writes `dir/large.dcm` (3000 × 2500, 16 bits stored) and `dir/other.dcm` (512 × 512, 12 bits). */
export function writeOpenFixtures(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const large = makeChestImage({ rows: LARGE_SIZE.rows, columns: LARGE_SIZE.columns, bitsStored: 16, seed: 11, noise: 0.01 });
  writeFileSync(
    join(dir, 'large.dcm'),
    writeDicom({
      sopInstanceUid: '2.25.81001',
      pixel: { rows: LARGE_SIZE.rows, columns: LARGE_SIZE.columns, bitsAllocated: 16, bitsStored: 16 },
      pixelData: { native: large },
      elements: [...patient(LARGE_PATIENT, '2.25.8100', '2.25.81000', 'BENCH 3000x2500'), el('ImagerPixelSpacing', 'DS', [0.139, 0.139])],
    }),
  );
  const other = makeChestImage({ rows: 512, columns: 512, bitsStored: 12, seed: 5, noise: 0.01 });
  writeFileSync(
    join(dir, 'other.dcm'),
    writeDicom({
      sopInstanceUid: '2.25.82001',
      pixel: { rows: 512, columns: 512, bitsAllocated: 16, bitsStored: 12 },
      pixelData: { native: other },
      elements: patient(OTHER_PATIENT, '2.25.8200', '2.25.82000', 'BENCH SMALL'),
    }),
  );
}

/**
 * Writes `count` distinct studies of one `rows` × `columns` 16-bit image each (own patient,
 * study, series and SOP Instance UID). One synthetic base image, with a per-file stripe so
 * the pixel data differ too (no cache may take one for another).
 */
export function writeLargeStudies(dir: string, count: number, rows = 2048, columns = 2500): string[] {
  mkdirSync(dir, { recursive: true });
  const base = makeChestImage({ rows, columns, bitsStored: 16, seed: 21, noise: 0.01 }) as Uint16Array;
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const pixels = base.slice();
    pixels.fill((i * 257) & 0xffff, 0, columns * 4);
    const path = join(dir, `study-${String(i).padStart(4, '0')}.dcm`);
    writeFileSync(
      path,
      writeDicom({
        sopInstanceUid: `2.25.9${i}01`,
        pixel: { rows, columns, bitsAllocated: 16, bitsStored: 16 },
        pixelData: { native: pixels },
        elements: patient({ name: `Bench^Study${i}`, id: `BENCH-S${String(i).padStart(4, '0')}` }, `2.25.9${i}00`, `2.25.9${i}02`, 'BENCH MEMORY'),
      }),
    );
    paths.push(path);
  }
  return paths;
}

/**
 * Writes `count` 1024 × 1024 8-bit grayscale PNGs (deflate level 1, as issue #4's batch).
 * Eight synthetic bases, each file with its own stripe so every pixel hash differs (the
 * AI result cache is keyed by it).
 */
export function writeTriagePngs(dir: string, count: number, side = 1024): string[] {
  mkdirSync(dir, { recursive: true });
  const bases = Array.from({ length: 8 }, (_, k) => makeChestImage({ rows: side, columns: side, bitsStored: 8, seed: 100 + k }) as Uint8Array);
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const png = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
    const data = Buffer.from(bases[i % bases.length]);
    // Row i / 8 gets a distinct grey: 125 distinct rows × 8 bases cover 1,000 images.
    data.fill((i * 37) & 0xff, ((i >> 3) % side) * side, ((i >> 3) % side) * side + side);
    data[0] = i & 0xff;
    data[1] = (i >> 8) & 0xff;
    png.data = data;
    const path = join(dir, `img-${String(i).padStart(4, '0')}.png`);
    writeFileSync(path, PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false, deflateLevel: 1 }));
    paths.push(path);
  }
  return paths;
}
