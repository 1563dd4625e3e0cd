/**
 * Reads the Image Pixel module (PS3.3 C.7.6.3) and the display attributes (Modality LUT
 * C.11.1, VOI LUT C.11.2, Presentation LUT C.11.6, pixel padding C.7.5.1.1.2, pixel
 * spacing 10.7.1.3) of a parsed dataset, validating what decoding relies on.
 */
import type { DataSet } from 'dicom-parser';
import { MAX_DECODED_BYTES, MAX_DIMENSION, type ImageDisplayInfo, type LookupTable, type WindowPreset } from '../../../shared/imaging/types';
import { decodeError, DecodeErrorCode } from './decodeErrors';
import { elementOf, numberOfFramesOf, numStr, str, stringCount, us, us_or_ss } from './parseDicom';

/** Image Pixel module attributes as stored in the file, validated: the display info's pixel fields plus the sample layout. */
export type PixelModuleInfo = Pick<
  ImageDisplayInfo,
  'rows' | 'columns' | 'samplesPerPixel' | 'photometricInterpretation' | 'bitsAllocated' | 'bitsStored' | 'highBit' | 'pixelRepresentation' | 'numberOfFrames'
> & { planarConfiguration: 0 | 1 };

/**
 * Reads and validates the Image Pixel module. Refuses images above MAX_DIMENSION or
 * MAX_DECODED_BYTES per frame before anything is allocated (issue #2 "absurd memory").
 */
export function readPixelModule(ds: DataSet, fileName: string): PixelModuleInfo {
  const invalid = (detail: string) => decodeError(DecodeErrorCode.INVALID_PIXEL_MODULE, fileName, detail);
  const rows = us(ds, 'x00280010');
  const columns = us(ds, 'x00280011');
  if (!rows || !columns) throw invalid('Rows (0028,0010) and Columns (0028,0011) must be present and non-zero');
  const spp = us(ds, 'x00280002') ?? 1;
  if (spp !== 1 && spp !== 3) throw invalid(`Samples per Pixel ${spp} is not 1 or 3`);
  const bitsAllocated = us(ds, 'x00280100');
  if (bitsAllocated === undefined) throw invalid('Bits Allocated (0028,0100) is missing');
  if (![1, 8, 16, 32].includes(bitsAllocated)) throw invalid(`Bits Allocated ${bitsAllocated} is not 1, 8, 16 or 32`);
  const bitsStored = us(ds, 'x00280101') ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw invalid(`Bits Stored ${bitsStored} is outside 1..${bitsAllocated}`);
  const highBit = us(ds, 'x00280102') ?? bitsStored - 1;
  // PS3.5 8.1.1: High Bit = Bits Stored - 1 in every current encoding; older files may place
  // the stored bits higher in the word, which still has to fit in Bits Allocated.
  if (highBit < bitsStored - 1 || highBit >= bitsAllocated) throw invalid(`High Bit ${highBit} does not fit Bits Stored ${bitsStored} in Bits Allocated ${bitsAllocated}`);
  const pr = us(ds, 'x00280103') ?? 0;
  if (pr !== 0 && pr !== 1) throw invalid(`Pixel Representation ${pr} is not 0 or 1`);
  const planar = spp === 3 ? (us(ds, 'x00280006') ?? 0) : 0;
  if (planar !== 0 && planar !== 1) throw invalid(`Planar Configuration ${planar} is not 0 or 1`);
  const photometric = (str(ds, 'x00280004') ?? (spp === 3 ? 'RGB' : 'MONOCHROME2')).toUpperCase();
  const numberOfFrames = numberOfFramesOf(ds);
  if (rows > MAX_DIMENSION || columns > MAX_DIMENSION) {
    throw decodeError(DecodeErrorCode.IMAGE_TOO_LARGE, fileName, `image is ${columns}×${rows}; the limit is ${MAX_DIMENSION} pixels per side`);
  }
  // The decoded frame's size (stored values keep the allocated width or less).
  const bytesPerSample = Math.max(1, Math.ceil(bitsAllocated / 8));
  const frameBytes = rows * columns * spp * bytesPerSample;
  if (frameBytes > MAX_DECODED_BYTES) {
    throw decodeError(DecodeErrorCode.IMAGE_TOO_LARGE, fileName, `one frame needs ${frameBytes} bytes; the limit is ${MAX_DECODED_BYTES}`);
  }
  return {
    rows,
    columns,
    samplesPerPixel: spp,
    photometricInterpretation: photometric,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation: pr,
    planarConfiguration: planar,
    numberOfFrames,
  };
}

/** Reads a LUT (Descriptor + Data + Explanation) from a sequence item (PS3.3 C.11.1.1.1, C.11.2.1.1). */
function readLut(item: DataSet, signedFirstValue: boolean): LookupTable | undefined {
  const entriesRaw = us(item, 'x00283002', 0);
  const first = us_or_ss(item, 'x00283002', signedFirstValue, 1);
  const bits = us(item, 'x00283002', 2);
  if (entriesRaw === undefined || first === undefined || bits === undefined) return undefined;
  // PS3.3 C.11.1.1.1: 0 entries means 2^16.
  const entries = entriesRaw === 0 ? 65536 : entriesRaw;
  if (bits < 8 || bits > 16) return undefined;
  const data = elementOf(item, 'x00283006');
  if (!data) return undefined;
  const lut: number[] = new Array(entries);
  if (data.length === entries && bits === 8) {
    // Some writers pack 8-bit entries one per byte (not one per 16-bit word).
    for (let i = 0; i < entries; i++) lut[i] = item.byteArray[data.dataOffset + i];
  } else {
    if (data.length < entries * 2) return undefined;
    const mask = bits === 16 ? 0xffff : (1 << bits) - 1;
    for (let i = 0; i < entries; i++) lut[i] = (item.uint16('x00283006', i) ?? 0) & mask;
  }
  return { firstValueMapped: first, numBitsPerEntry: bits, lut, explanation: str(item, 'x00283003') };
}

/**
 * Display attributes of the image, except minStored/maxStored (known after decoding).
 * `decodedSamplesPerPixel` is what the decoded frame holds (3 for PALETTE COLOR, which is applied).
 */
export function readDisplayInfo(
  ds: DataSet,
  pm: PixelModuleInfo,
  transferSyntaxUid: string,
  decodedSamplesPerPixel: 1 | 3,
): Omit<ImageDisplayInfo, 'minStored' | 'maxStored'> {
  const signed = pm.pixelRepresentation === 1;
  const rescaleSlope = numStr(ds, 'x00281053');
  const rescaleIntercept = numStr(ds, 'x00281052');
  const modalitySeq = ds.elements.x00283000?.items?.[0]?.dataSet;
  // PS3.3 C.11.1: Modality LUT Sequence and Rescale are mutually exclusive; the LUT wins.
  const modalityLut = modalitySeq ? readLut(modalitySeq, signed) : undefined;

  const presets: WindowPreset[] = [];
  const nCenters = stringCount(ds, 'x00281050');
  const nWidths = stringCount(ds, 'x00281051');
  for (let i = 0; i < Math.min(nCenters, nWidths); i++) {
    const center = numStr(ds, 'x00281050', i);
    const width = numStr(ds, 'x00281051', i);
    // PS3.3 C.11.2.1.2: Window Width shall be ≥ 1 (> 0 for LINEAR_EXACT); skip unusable pairs.
    if (center === undefined || width === undefined || !(width > 0)) continue;
    presets.push({ center, width, explanation: str(ds, 'x00281055', i) ?? `DICOM preset ${i + 1}` });
  }
  const voiLuts: LookupTable[] = [];
  for (const item of ds.elements.x00283010?.items ?? []) {
    // A VOI LUT's first value is in modality-value space; signed when the modality values can be.
    const lut = item.dataSet ? readLut(item.dataSet, signed || (rescaleIntercept ?? 0) < 0) : undefined;
    if (lut) voiLuts.push(lut);
  }
  const fn = str(ds, 'x00281056')?.toUpperCase();
  const shape = str(ds, 'x20500020')?.toUpperCase();
  const paddingValue = us_or_ss(ds, 'x00280120', signed);
  const paddingLimit = us_or_ss(ds, 'x00280121', signed);

  const spacing = (tag: string): { row: number; column: number } | undefined => {
    const row = numStr(ds, tag, 0);
    const column = numStr(ds, tag, 1) ?? row;
    return row !== undefined && column !== undefined && row > 0 && column > 0 ? { row, column } : undefined;
  };
  // PS3.3 10.7.1.3: Pixel Spacing, when present in a projection image, is calibrated (or equals
  // Imager Pixel Spacing); otherwise Imager Pixel Spacing gives distances at the detector plane.
  const ps = spacing('x00280030');
  const ips = spacing('x00181164');
  const nsps = spacing('x00182010');
  const pixelSpacing = ps
    ? { ...ps, source: 'PixelSpacing' as const }
    : ips
      ? { ...ips, source: 'ImagerPixelSpacing' as const }
      : nsps
        ? { ...nsps, source: 'NominalScannedPixelSpacing' as const }
        : undefined;

  return {
    rows: pm.rows,
    columns: pm.columns,
    samplesPerPixel: decodedSamplesPerPixel,
    photometricInterpretation: pm.photometricInterpretation,
    bitsAllocated: pm.bitsAllocated,
    bitsStored: pm.bitsStored,
    highBit: pm.highBit,
    pixelRepresentation: pm.pixelRepresentation,
    numberOfFrames: pm.numberOfFrames,
    transferSyntaxUid,
    rescaleSlope: modalityLut ? 1 : rescaleSlope !== undefined && rescaleSlope !== 0 ? rescaleSlope : 1,
    rescaleIntercept: modalityLut ? 0 : (rescaleIntercept ?? 0),
    rescaleType: str(ds, 'x00281054'),
    modalityLut,
    windowPresets: presets,
    voiLuts,
    voiLutFunction: fn === 'SIGMOID' || fn === 'LINEAR_EXACT' ? fn : 'LINEAR',
    presentationLutShape: shape === 'INVERSE' || shape === 'IDENTITY' ? shape : undefined,
    pixelPaddingValue: paddingValue,
    pixelPaddingRangeLimit: paddingValue !== undefined ? paddingLimit : undefined,
    pixelSpacing,
    invertAfterVoi: pm.photometricInterpretation === 'MONOCHROME1',
  };
}
