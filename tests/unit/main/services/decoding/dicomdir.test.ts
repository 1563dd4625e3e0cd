/**
 * DICOMDIR (PS3.3 F): recognised as a directory, referenced files resolved relative to its
 * folder and case-insensitively. One test builds the DICOMDIR with dcmtk's dcmmkdir over
 * generated files; one builds it with the fixture writer (no tool needed).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFile } from '../../../../../app/main/services/decoding/decodeFile';
import { readHeaderTask } from '../../../../../app/main/services/decoding/decodeTasks';
import { resolveReferencedFiles } from '../../../../../app/main/services/decoding/dicomdir';
import { el, writeDicom } from '../../../../fixtures/dicomWriter';
import { makeChestImage } from '../../../../fixtures/syntheticImages';
import { makeTempDir, requireTools, runTool } from '../../../../fixtures/tools';

const tmp = makeTempDir('cxr-dicomdir-');
afterAll(() => tmp.cleanup());

function writeImage(path: string, seed: number): void {
  writeFileSync(
    path,
    writeDicom({
      sopInstanceUid: `2.25.${7000 + seed}`,
      pixel: { rows: 8, columns: 8 },
      pixelData: { native: makeChestImage({ rows: 8, columns: 8, bitsStored: 16, seed }) },
      elements: [el('InstanceNumber', 'IS', String(seed))],
    }),
  );
}

describe('DICOMDIR', () => {
  it.skipIf(!requireTools('dcmmkdir'))('resolves the files of a dcmmkdir DICOMDIR, case-insensitively', async () => {
    const root = join(tmp.dir, 'media');
    mkdirSync(join(root, 'IMAGES'), { recursive: true });
    writeImage(join(root, 'IMAGES', 'IM1'), 1);
    writeImage(join(root, 'IMAGES', 'IM2'), 2);
    runTool('dcmmkdir', ['-q', '+I', '+r', '+id', root, '+D', join(root, 'DICOMDIR'), 'IMAGES']);
    // Copies of media often arrive lower-cased.
    renameSync(join(root, 'IMAGES'), join(root, 'images'));
    renameSync(join(root, 'images', 'IM2'), join(root, 'images', 'im2'));
    const header = await readHeaderTask(join(root, 'DICOMDIR'));
    expect(header.kind).toBe('dicomdir');
    expect(header.hasPixelData).toBe(false);
    expect(header.referencedFiles?.sort()).toEqual([join(root, 'images', 'IM1'), join(root, 'images', 'im2')]);
  });

  it('reads Referenced File IDs of a written DICOMDIR, skipping missing files and unsafe components', async () => {
    const root = join(tmp.dir, 'hand');
    mkdirSync(join(root, 'A', 'B'), { recursive: true });
    writeImage(join(root, 'A', 'B', 'X1'), 3);
    const record = (ids: string[]) => [el('DirectoryRecordType', 'CS', 'IMAGE'), el('ReferencedFileID', 'CS', ids)];
    const bytes = writeDicom({
      sopClassUid: '1.2.840.10008.1.3.10',
      defaultAttributes: false,
      elements: [
        el('FileSetID', 'CS', 'TEST'),
        el('DirectoryRecordSequence', 'SQ', [record(['A', 'B', 'X1']), record(['A', 'B', 'MISSING']), record(['..', 'ETC'])], { undefinedLength: true }),
      ],
    });
    writeFileSync(join(root, 'DICOMDIR'), bytes);
    const header = await readHeaderTask(join(root, 'DICOMDIR'));
    expect(header.referencedFiles).toEqual([join(root, 'A', 'B', 'X1')]);
    await expect(decodeFile(bytes, { fileName: 'DICOMDIR' })).rejects.toMatchObject({ code: 'NOT_AN_IMAGE' });
  });

  it('matches path components case-insensitively through an injected directory listing', async () => {
    const listing: Record<string, string[]> = { '/m': ['dicomdir', 'Study'], '/m/Study': ['img001'] };
    const paths = await resolveReferencedFiles('/m/dicomdir', [['STUDY', 'IMG001'], ['STUDY', 'NOPE']], async (d) => listing[d] ?? []);
    expect(paths).toEqual(['/m/Study/img001']);
  });
});
