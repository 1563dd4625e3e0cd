/**
 * decodeFile: recognition by content, display attributes, and one coded error per kind of
 * bad input (issue #2 "Bad input"), each message naming the file.
 */
import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { decodeFile, readHeaderFromBytes, readTagsFromBytes } from '../../../../../app/main/services/decoding/decodeFile';
import { BASIC_TEXT_SR, el, ENCAPSULATED_PDF, TransferSyntax, writeDicom } from '../../../../fixtures/dicomWriter';
import { makeChestImage } from '../../../../fixtures/syntheticImages';
import { writePng } from '../../../../fixtures/pngWriter';

const NAME = 'case.dcm';
const px = makeChestImage({ rows: 8, columns: 10, bitsStored: 16, seed: 3 });
const good = (extra: Parameters<typeof writeDicom>[0] = {}) => writeDicom({ pixel: { rows: 8, columns: 10 }, pixelData: { native: px }, ...extra });

async function codeOf(bytes: Uint8Array, frame = 0): Promise<string> {
  try {
    await decodeFile(bytes, { fileName: NAME, frame });
  } catch (err) {
    const e = err as { code?: string; message: string };
    expect(e.message).toContain(NAME);
    return e.code ?? 'NO_CODE';
  }
  return 'OK';
}

describe('recognition by content', () => {
  it('decodes a bare implicit-VR dataset (no preamble, no meta)', async () => {
    const bytes = writeDicom({ fileMeta: false, pixel: { rows: 8, columns: 10 }, pixelData: { native: px } });
    const f = await decodeFile(bytes, { fileName: NAME });
    expect(Array.from(f.pixels)).toEqual(Array.from(px));
    expect(f.info.transferSyntaxUid).toBe(TransferSyntax.ImplicitVRLittleEndian);
  });

  it('decodes a bare explicit-VR dataset', async () => {
    const bytes = writeDicom({ fileMeta: false, bareDatasetSyntax: 'explicitLE', pixel: { rows: 8, columns: 10 }, pixelData: { native: px } });
    expect(Array.from((await decodeFile(bytes, { fileName: NAME })).pixels)).toEqual(Array.from(px));
  });

  it('decodes a file whose meta group lacks the 128-byte preamble', async () => {
    const bytes = good().subarray(132);
    expect(Array.from((await decodeFile(bytes, { fileName: NAME })).pixels)).toEqual(Array.from(px));
  });

  it('decodes 16-bit grey, palette and RGBA PNGs (alpha dropped)', async () => {
    const values = [0, 1000, 65535, 5, 4095, 300];
    const f16 = await decodeFile(writePng({ width: 3, height: 2, bitDepth: 16, colorType: 0, samples: values }), { fileName: 'a.png' });
    expect(f16.info).toMatchObject({ samplesPerPixel: 1, bitsStored: 16, photometricInterpretation: 'MONOCHROME2', transferSyntaxUid: '' });
    expect(f16.pixels).toBeInstanceOf(Uint16Array);
    expect(Array.from(f16.pixels)).toEqual(values);

    const rgba = await decodeFile(writePng({ width: 2, height: 1, bitDepth: 8, colorType: 6, samples: [10, 20, 30, 0, 40, 50, 60, 128] }), { fileName: 'b.png' });
    expect(rgba.info.samplesPerPixel).toBe(3);
    expect(Array.from(rgba.pixels)).toEqual([10, 20, 30, 40, 50, 60]);

    const pal = await decodeFile(writePng({ width: 2, height: 1, bitDepth: 8, colorType: 3, samples: [1, 0], palette: [1, 2, 3, 4, 5, 6] }), { fileName: 'c.png' });
    expect(Array.from(pal.pixels)).toEqual([4, 5, 6, 1, 2, 3]);
  });
});

describe('display attributes', () => {
  it('reads every window pair, VOI function, rescale, padding, spacing and presentation shape', async () => {
    const bytes = good({
      pixel: { rows: 8, columns: 10, photometricInterpretation: 'MONOCHROME1' },
      elements: [
        el('WindowCenter', 'DS', [2000, 1000.5]),
        el('WindowWidth', 'DS', [4000, 500]),
        el('WindowCenterWidthExplanation', 'LO', ['SOFT', 'BONE']),
        el('VOILUTFunction', 'CS', 'SIGMOID'),
        el('RescaleSlope', 'DS', 2),
        el('RescaleIntercept', 'DS', -100),
        el('PixelPaddingValue', 'US', 0),
        el('ImagerPixelSpacing', 'DS', [0.15, 0.16]),
        el('PresentationLUTShape', 'CS', 'INVERSE'),
        el('VOILUTSequence', 'SQ', [[el('LUTDescriptor', 'US', [3, 0, 12]), el('LUTData', 'US', [0, 2000, 4095]), el('LUTExplanation', 'LO', 'CURVE')]]),
      ],
    });
    const { info } = await decodeFile(bytes, { fileName: NAME });
    expect(info.windowPresets).toEqual([
      { center: 2000, width: 4000, explanation: 'SOFT' },
      { center: 1000.5, width: 500, explanation: 'BONE' },
    ]);
    expect(info).toMatchObject({
      voiLutFunction: 'SIGMOID',
      rescaleSlope: 2,
      rescaleIntercept: -100,
      pixelPaddingValue: 0,
      pixelSpacing: { row: 0.15, column: 0.16, source: 'ImagerPixelSpacing' },
      presentationLutShape: 'INVERSE',
      invertAfterVoi: true,
    });
    expect(info.voiLuts).toEqual([{ firstValueMapped: 0, numBitsPerEntry: 12, lut: [0, 2000, 4095], explanation: 'CURVE' }]);
  });

  it('prefers PixelSpacing over ImagerPixelSpacing and reads a Modality LUT Sequence', async () => {
    const bytes = good({
      elements: [
        el('PixelSpacing', 'DS', [0.2, 0.2]),
        el('ImagerPixelSpacing', 'DS', [0.15, 0.15]),
        el('ModalityLUTSequence', 'SQ', [[el('LUTDescriptor', 'US', [2, 10, 16]), el('LUTData', 'US', [100, 200])]], { undefinedLength: true }),
      ],
    });
    const { info } = await decodeFile(bytes, { fileName: NAME });
    expect(info.pixelSpacing?.source).toBe('PixelSpacing');
    expect(info.modalityLut).toMatchObject({ firstValueMapped: 10, numBitsPerEntry: 16, lut: [100, 200] });
  });

  it('reads a header with patient, study and series fields', () => {
    const h = readHeaderFromBytes(good(), NAME);
    expect(h).toMatchObject({ kind: 'dicom', patientName: 'Test^Patient', studyInstanceUid: '2.25.1111', modality: 'DX', numberOfFrames: 1, hasPixelData: true });
  });

  it('builds a tag tree with nested sequences and hex for private tags', () => {
    const tags = readTagsFromBytes(
      good({ elements: [el('ModalityLUTSequence', 'SQ', [[el('LUTExplanation', 'LO', 'X')]]), el(0x00091001, 'OB', new Uint8Array([1, 2, 255]))] }),
      NAME,
    );
    const seq = tags.find((t) => t.keyword === 'ModalityLUTSequence');
    expect(seq?.items?.[0][0]).toMatchObject({ tag: '(0028,3003)', keyword: 'LUTExplanation', value: 'X' });
    expect(tags.find((t) => t.tag === '(0009,1001)')).toMatchObject({ keyword: '', value: '01 02 ff 00' });
  });
});

describe('bad input → coded errors naming the file', () => {
  it('EMPTY_FILE for 0 bytes', async () => expect(await codeOf(new Uint8Array(0))).toBe('EMPTY_FILE'));

  it('NOT_RECOGNISED for text', async () => expect(await codeOf(new TextEncoder().encode('hello world, not an image at all'))).toBe('NOT_RECOGNISED'));

  it('DICOM_TRUNCATED for a file cut inside the pixel data', async () => {
    const bytes = good();
    expect(await codeOf(bytes.subarray(0, bytes.length - 40))).toBe('DICOM_TRUNCATED');
  });

  it('LENGTH_PAST_END for an element length beyond the file', async () => {
    expect(await codeOf(good({ elements: [el('StudyDescription', 'LO', 'CHEST', { lengthOverride: 0xfff0 })] }))).toBe('LENGTH_PAST_END');
  });

  it('a header cut in the middle is DICOM_TRUNCATED or LENGTH_PAST_END', async () => {
    expect(['DICOM_TRUNCATED', 'LENGTH_PAST_END']).toContain(await codeOf(good().subarray(0, 301)));
  });

  it('NOT_AN_IMAGE for an SR and a PDF, whose headers still read', async () => {
    const sr = writeDicom({ sopClassUid: BASIC_TEXT_SR, elements: [el('Modality', 'CS', 'SR'), el('TextValue', 'UT', 'No acute findings.')] });
    const pdf = writeDicom({ sopClassUid: ENCAPSULATED_PDF, elements: [el('EncapsulatedDocument', 'OB', new TextEncoder().encode('%PDF-1.4 ...'))] });
    expect(await codeOf(sr)).toBe('NOT_AN_IMAGE');
    expect(await codeOf(pdf)).toBe('NOT_AN_IMAGE');
    expect(readHeaderFromBytes(sr, NAME)).toMatchObject({ hasPixelData: false, modality: 'SR' });
  });

  it('UNSUPPORTED_TRANSFER_SYNTAX for an unknown syntax (header still readable)', async () => {
    const bytes = good({ transferSyntaxUid: '1.2.3.4.5.6.7' });
    expect(await codeOf(bytes)).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
    expect(readHeaderFromBytes(bytes, NAME).transferSyntaxUid).toBe('1.2.3.4.5.6.7');
  });

  it('IMAGE_TOO_LARGE before allocating for absurd dimensions', async () => {
    const huge = writeDicom({ pixel: { rows: 65535, columns: 65535 }, pixelData: { rawBytes: new Uint8Array(16) } });
    expect(await codeOf(huge)).toBe('IMAGE_TOO_LARGE');
    const wide = writeDicom({ pixel: { rows: 16000, columns: 16000, bitsAllocated: 32 }, pixelData: { rawBytes: new Uint8Array(16) } });
    expect(await codeOf(wide)).toBe('IMAGE_TOO_LARGE');
  });

  it('BAD_FRAME_INDEX for a frame beyond NumberOfFrames', async () => {
    expect(await codeOf(good(), 1)).toBe('BAD_FRAME_INDEX');
    expect(await codeOf(good(), -1)).toBe('BAD_FRAME_INDEX');
  });

  it('DICOM_TRUNCATED when the pixel data is shorter than the frames need', async () => {
    expect(await codeOf(writeDicom({ pixel: { rows: 8, columns: 10 }, pixelData: { rawBytes: new Uint8Array(100) } }))).toBe('DICOM_TRUNCATED');
  });

  it('a corrupt deflated dataset is DICOM_TRUNCATED', async () => {
    const bytes = good({ transferSyntaxUid: TransferSyntax.DeflatedExplicitVRLittleEndian });
    const meta = 132 + 12 + new DataView(bytes.buffer).getUint32(140, true);
    const cut = bytes.slice(0, meta + 20);
    expect(await codeOf(cut)).toBe('DICOM_TRUNCATED');
    expect(deflateRawSync(Buffer.from('x')).length).toBeGreaterThan(0);
  });

  it('CORRUPT_PNG and CORRUPT_JPEG for damaged raster files', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(40).fill(7)]);
    expect(await codeOf(png).catch(() => 'x')).toBe('CORRUPT_PNG');
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...new Array(40).fill(3)]);
    expect(await codeOf(jpeg)).toBe('CORRUPT_JPEG');
  });

  it('refuses segmented palettes with UNSUPPORTED_PIXEL_FORMAT', async () => {
    const bytes = writeDicom({
      pixel: { rows: 2, columns: 2, bitsAllocated: 8, photometricInterpretation: 'PALETTE COLOR' },
      pixelData: { native: [0, 1, 2, 3] },
      elements: [
        el('RedPaletteColorLookupTableDescriptor', 'US', [256, 0, 16]),
        el('GreenPaletteColorLookupTableDescriptor', 'US', [256, 0, 16]),
        el('BluePaletteColorLookupTableDescriptor', 'US', [256, 0, 16]),
        el('SegmentedRedPaletteColorLookupTableData', 'OW', new Uint16Array([0, 256, 0])),
        el('SegmentedGreenPaletteColorLookupTableData', 'OW', new Uint16Array([0, 256, 0])),
        el('SegmentedBluePaletteColorLookupTableData', 'OW', new Uint16Array([0, 256, 0])),
      ],
    });
    expect(await codeOf(bytes)).toBe('UNSUPPORTED_PIXEL_FORMAT');
  });
});

describe('stored values', () => {
  it('honours a HighBit above BitsStored − 1 (stored bits shifted up in the word)', async () => {
    const values = [0, 1, 511, 1023];
    const bytes = writeDicom({
      pixel: { rows: 2, columns: 2, bitsStored: 10, highBit: 13 },
      pixelData: { native: values.map((v, i) => (v << 4) | (i === 3 ? 0xc00f : 0x0003)) },
    });
    const f = await decodeFile(bytes, { fileName: NAME });
    expect(Array.from(f.pixels)).toEqual(values);
  });

  it('decodes BitsAllocated 32 signed, 1-bit bitmaps, YBR_FULL_422 native and multi-frame indices', async () => {
    const s32 = [-100000, 0, 123456, -1];
    const f32 = await decodeFile(writeDicom({ pixel: { rows: 2, columns: 2, bitsAllocated: 32, pixelRepresentation: 1 }, pixelData: { native: s32 } }), { fileName: NAME });
    expect(f32.pixels).toBeInstanceOf(Int32Array);
    expect(Array.from(f32.pixels)).toEqual(s32);
    const be32 = await decodeFile(
      writeDicom({ transferSyntaxUid: TransferSyntax.ExplicitVRBigEndian, pixel: { rows: 2, columns: 2, bitsAllocated: 32, pixelRepresentation: 1 }, pixelData: { native: s32 } }),
      { fileName: NAME },
    );
    expect(Array.from(be32.pixels)).toEqual(s32);

    const bits = await decodeFile(writeDicom({ pixel: { rows: 2, columns: 4, bitsAllocated: 1 }, pixelData: { rawBytes: new Uint8Array([0b10100101]) } }), { fileName: NAME });
    expect(Array.from(bits.pixels)).toEqual([1, 0, 1, 0, 0, 1, 0, 1]);

    // Two pixels: Y1 Y2 Cb Cr with neutral chroma → grey RGB.
    const ybr = await decodeFile(
      writeDicom({ pixel: { rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 8, photometricInterpretation: 'YBR_FULL_422' }, pixelData: { rawBytes: new Uint8Array([50, 200, 128, 128]) } }),
      { fileName: NAME },
    );
    expect(Array.from(ybr.pixels)).toEqual([50, 50, 50, 200, 200, 200]);
  });
});

describe('Specific Character Set (PS3.3 C.12.1.1.2)', () => {
  it('decodes UTF-8 and Latin-1 patient names in the header and the tag tree', () => {
    const utf8 = writeDicom({
      elements: [el('SpecificCharacterSet', 'CS', 'ISO_IR 192'), el('PatientName', 'PN', new TextEncoder().encode('Müller^Jürgen=山田^太郎')), el('StudyDescription', 'LO', new TextEncoder().encode('Thorax p.a. – Lunge'))],
    });
    expect(readHeaderFromBytes(utf8, NAME)).toMatchObject({ patientName: 'Müller^Jürgen=山田^太郎', studyDescription: 'Thorax p.a. – Lunge' });
    expect(readTagsFromBytes(utf8, NAME).find((t) => t.keyword === 'PatientName')?.value).toBe('Müller^Jürgen=山田^太郎');
    const latin1 = writeDicom({ elements: [el('SpecificCharacterSet', 'CS', 'ISO_IR 100'), el('PatientName', 'PN', new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]))] });
    expect(readHeaderFromBytes(latin1, NAME).patientName).toBe('Müller');
    const cyrillic = writeDicom({ elements: [el('SpecificCharacterSet', 'CS', 'ISO_IR 144'), el('PatientName', 'PN', new Uint8Array([0xbb, 0xee, 0xda, 0xe1, 0xd5]))] });
    expect(readHeaderFromBytes(cyrillic, NAME).patientName).toBe('Люксе');
  });
});
