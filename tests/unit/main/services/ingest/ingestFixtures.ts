/** Fixture files and a fake triage for ingest tests (the real AI runs in the CLI tests). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { IngestTriage } from '../../../../../app/main/services/ingest/ingestQueue';
import type { AiResultInput } from '../../../../../app/main/services/worklist/worklistStore';
import { BASIC_TEXT_SR, el, makeUid, writeDicom } from '../../../../fixtures/dicomWriter';
import { writePng } from '../../../../fixtures/pngWriter';
import { makeChestImage } from '../../../../fixtures/syntheticImages';
import { aiResult } from '../worklist/storeFixtures';

/** Writes a small DICOM chest image with its own study; returns its path. */
export function writeChestDicom(path: string, seed: number, attrs: { patientName?: string; studyUid?: string; patientId?: string; studyDate?: string } = {}): string {
  mkdirSync(dirname(path), { recursive: true });
  const values = makeChestImage({ rows: 64, columns: 64, bitsStored: 12, seed });
  writeFileSync(
    path,
    writeDicom({
      sopInstanceUid: makeUid(100_000 + seed),
      pixel: { rows: 64, columns: 64, bitsStored: 12 },
      pixelData: { native: values },
      elements: [
        el('StudyInstanceUID', 'UI', attrs.studyUid ?? makeUid(200_000 + seed)),
        el('SeriesInstanceUID', 'UI', makeUid(300_000 + seed)),
        el('PatientName', 'PN', attrs.patientName ?? `TEST^${seed}`),
        ...(attrs.patientId ? [el('PatientID', 'LO', attrs.patientId)] : []),
        ...(attrs.studyDate ? [el('StudyDate', 'DA', attrs.studyDate)] : []),
      ],
    }),
  );
  return path;
}

/** Writes an 8-bit grey PNG; returns its path. */
export function writeChestPng(path: string, seed: number): string {
  mkdirSync(dirname(path), { recursive: true });
  const values = makeChestImage({ rows: 48, columns: 40, bitsStored: 8, seed });
  writeFileSync(path, writePng({ width: 40, height: 48, bitDepth: 8, colorType: 0, samples: values }));
  return path;
}

/** A DICOM file that is not an image (Basic Text SR, no Pixel Data). */
export function writeNonImageDicom(path: string): string {
  writeFileSync(path, writeDicom({ sopClassUid: BASIC_TEXT_SR, elements: [el('Modality', 'CS', 'SR')] }));
  return path;
}

/** A truncated DICOM file (meta group cut short). */
export function writeCorruptDicom(path: string): string {
  writeFileSync(path, Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([2, 0, 0x10, 0])]));
  return path;
}

/** A fake triage: COVID probability from the file name's digits, failing for names containing "fail". */
export function fakeTriage(delayMs = 0): IngestTriage & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    classifyFile: async (path: string): Promise<AiResultInput> => {
      calls.push(path);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if ((path.split('/').pop() ?? '').includes('fail')) throw Object.assign(new Error(`${path.split('/').pop()}: cannot decode the pixel data`), { code: 'DECODE_FAILED' });
      const digits = Number(path.replace(/\D/g, '').slice(-2) || '0');
      return aiResult((digits % 100) / 100);
    },
  };
}

export function dirOf(base: string, name: string): string {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
