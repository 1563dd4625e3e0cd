/**
 * DICOM parsing on top of dicom-parser: recognition by content, the dataset (with Deflated
 * and Big Endian syntaxes handled), the header fields the study catalog needs, and DICOMDIR
 * referenced files. Errors are {@link CodedError}s with the codes of ./decodeErrors.ts; any
 * exception dicom-parser throws (it throws strings and plain objects) is classified here.
 */
import * as dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import { lookupTag, parseTag } from '../../../shared/imaging/dicomDictionary';
import { MAX_DECODED_BYTES } from '../../../shared/imaging/types';
import { ENCAPSULATED_TRANSFER_SYNTAXES, NATIVE_TRANSFER_SYNTAXES, TransferSyntax } from '../../../shared/imaging/transferSyntax';
import { CodedError } from '../../../shared/result';
import type { InstanceHeader } from './decodeService';
import { decodeText, textDecoderFor } from './characterSets';
import { COMPRESSED_TRANSFER_SYNTAXES } from './codecs';
import { decodeError, DecodeErrorCode, DecodeWarningCode, type DecodeWarning } from './decodeErrors';

/** What the first bytes say a file is. */
export type ContentKind = 'dicom' | 'png' | 'jpeg';

/** How a DICOM byte stream starts (PS3.10 7.1; bare datasets exist in the wild). */
type DicomLayout = 'part10' | 'bareMeta' | 'bareImplicit' | 'bareExplicit';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const VALID_VRS = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV',
  'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV',
]);
/** Media Storage Directory Storage (PS3.4 Annex F / PS3.3 F). */
export const MEDIA_STORAGE_DIRECTORY_SOP_CLASS = '1.2.840.10008.1.3.10';

/**
 * Largest inflated Deflated Explicit VR LE dataset (PS3.5 A.5): one maximal frame plus room for
 * the header, so a deflate bomb ends in IMAGE_TOO_LARGE instead of exhausting memory.
 */
export const MAX_INFLATED_BYTES = MAX_DECODED_BYTES + 64 * 1024 * 1024;

/** The parsed dataset plus what was learnt on the way. */
export interface ParsedDicom {
  dataSet: DataSet;
  /** Transfer syntax of the dataset (from the meta group, or assumed for bare datasets). */
  transferSyntaxUid: string;
  /** dataSet.byteArray: the file bytes, or meta + inflated dataset for Deflated syntax. */
  byteArray: Uint8Array;
  layout: DicomLayout;
  /** Problems parsing worked around (e.g. a truncated element after complete Pixel Data). */
  warnings: DecodeWarning[];
}

/** Sniffs the content kind from the first bytes, or undefined when unrecognised. */
export function sniffContentKind(bytes: Uint8Array): ContentKind | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return dicomLayout(bytes) ? 'dicom' : undefined;
}

function u16le(b: Uint8Array, p: number): number {
  return b[p] | (b[p + 1] << 8);
}
function u32le(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}

/** Groups a bare dataset may plausibly start with (meta, directory, identifying, patient, acquisition, image). */
const PLAUSIBLE_FIRST_GROUPS = new Set([0x0002, 0x0004, 0x0008, 0x0010, 0x0018, 0x0020, 0x0028]);

function dicomLayout(bytes: Uint8Array): DicomLayout | undefined {
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) return 'part10';
  if (bytes.length < 16) return undefined;
  const group = u16le(bytes, 0);
  if (!PLAUSIBLE_FIRST_GROUPS.has(group)) return undefined;
  const vr = String.fromCharCode(bytes[4], bytes[5]);
  if (VALID_VRS.has(vr)) {
    if (group === 0x0002) return 'bareMeta';
    // Check the next element too: a value length that stays inside the file, then a plausible tag.
    const long = ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT'].includes(vr);
    const len = long ? u32le(bytes, 8) : u16le(bytes, 6);
    const next = (long ? 12 : 8) + len;
    if (len === 0xffffffff) return 'bareExplicit';
    if (next + 6 > bytes.length) return next === bytes.length ? 'bareExplicit' : undefined;
    const nextGroup = u16le(bytes, next);
    return nextGroup >= group && VALID_VRS.has(String.fromCharCode(bytes[next + 4], bytes[next + 5])) ? 'bareExplicit' : undefined;
  }
  if (group === 0x0002) return undefined;
  const len = u32le(bytes, 4);
  if (len === 0xffffffff) return 'bareImplicit';
  const next = 8 + len;
  if (next + 8 > bytes.length) return next === bytes.length ? 'bareImplicit' : undefined;
  const nextGroup = u16le(bytes, next);
  const nextLen = u32le(bytes, next + 4);
  return nextGroup >= group && nextGroup < 0x8000 && (nextLen === 0xffffffff || next + 8 + nextLen <= bytes.length) ? 'bareImplicit' : undefined;
}

/** dicom-parser reads implicit-VR sequences correctly only when it knows the VR (PS3.5 7.1.3). */
function vrFromDictionary(tag: string): string | undefined {
  const t = parseTag(tag);
  if (t === undefined) return undefined;
  const vr = lookupTag(t)?.vr;
  return vr === '' ? undefined : vr;
}

function messageOf(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'exception' in err) return messageOf((err as { exception: unknown }).exception);
  return String(err);
}

/** Finds an element (recursively) whose value runs past `end`: the sign of a bad length or a cut file. */
function findOverrun(ds: DataSet | undefined, end: number, depth = 0, ignoreTag?: string): Element | undefined {
  if (!ds || depth > 32) return undefined;
  for (const key of Object.keys(ds.elements)) {
    const e = ds.elements[key];
    if (key === ignoreTag) continue;
    if (e.length !== 0xffffffff && e.dataOffset + e.length > end) return e;
    for (const item of e.items ?? []) {
      const hit = findOverrun(item.dataSet, end, depth + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

function tagText(tag: string): string {
  const t = parseTag(tag);
  return t === undefined ? tag : `(${tag.slice(1, 5).toUpperCase()},${tag.slice(5, 9).toUpperCase()})`;
}

/** Turns whatever dicom-parser threw into a CodedError. */
function classifyParseError(err: unknown, fileName: string, byteLength: number): CodedError {
  if (err instanceof CodedError) return err;
  const msg = messageOf(err);
  const partial = err && typeof err === 'object' && 'dataSet' in err ? (err as { dataSet: DataSet }).dataSet : undefined;
  const overrun = findOverrun(partial, byteLength);
  if (overrun) {
    if (overrun.tag === 'x7fe00010') {
      return decodeError(DecodeErrorCode.DICOM_TRUNCATED, fileName, `file ends inside the Pixel Data (${byteLength} bytes; the element needs ${overrun.dataOffset + overrun.length}); the file is truncated`);
    }
    return decodeError(
      DecodeErrorCode.LENGTH_PAST_END,
      fileName,
      `element ${tagText(overrun.tag)} has length ${overrun.length}, which points past the end of the file (${byteLength} bytes)`,
    );
  }
  if (/past end|overrun|maxPosition|maxP osition|beyond|position.*length/i.test(msg)) {
    return decodeError(DecodeErrorCode.DICOM_TRUNCATED, fileName, `the dataset ends in the middle of an element (file truncated or a length is wrong): ${shorten(msg)}`);
  }
  return decodeError(DecodeErrorCode.DICOM_MALFORMED, fileName, `the dataset cannot be parsed: ${shorten(msg)}`);
}

function shorten(s: string): string {
  return s.replace(/^dicomParser[.:]\w*[.:]?\s*/, '').slice(0, 200);
}

/**
 * Parses a DICOM byte stream. Handles the PS3.10 layout, bare datasets (implicit or explicit
 * VR LE, with or without a meta group), Explicit VR Big Endian (dicom-parser's big-endian
 * parser) and Deflated Explicit VR LE (PS3.5 A.5: inflated here with a size limit, so a
 * deflate bomb cannot exhaust memory).
 */
export function parseDicomBytes(input: Uint8Array, fileName: string, parseOptions: { stopAtPixelData?: boolean } = {}): ParsedDicom {
  if (input.length === 0) throw decodeError(DecodeErrorCode.EMPTY_FILE, fileName, 'the file is empty (0 bytes)');
  let layout = dicomLayout(input);
  if (!layout) throw decodeError(DecodeErrorCode.NOT_RECOGNISED, fileName, 'not a DICOM, PNG or JPEG file');
  let bytes = input;
  if (layout === 'bareMeta') {
    // A meta group without preamble: give it the preamble dicom-parser expects.
    bytes = new Uint8Array(input.length + 132);
    bytes.set([0x44, 0x49, 0x43, 0x4d], 128);
    bytes.set(input, 132);
    layout = 'part10';
  }
  let transferSyntaxUid: string =
    layout === 'bareExplicit' ? TransferSyntax.ExplicitVRLittleEndian : layout === 'bareImplicit' ? TransferSyntax.ImplicitVRLittleEndian : '';

  if (layout === 'part10') {
    let meta: DataSet;
    try {
      meta = dicomParser.readPart10Header(bytes) as DataSet;
    } catch (err) {
      throw classifyParseError(err, fileName, bytes.length);
    }
    const tsElement = meta.elements.x00020010;
    if (!tsElement) throw decodeError(DecodeErrorCode.DICOM_MALFORMED, fileName, 'the file meta information has no Transfer Syntax UID (0002,0010)');
    if (tsElement.dataOffset + tsElement.length > bytes.length) throw classifyParseError({ dataSet: meta }, fileName, bytes.length);
    transferSyntaxUid = (meta.string('x00020010') ?? '').replace(/\0/g, '').trim();
  }
  // An unknown syntax is still parsed (PS3.5 10: every syntax but Implicit VR LE and the
  // retired Big Endian encodes the dataset as Explicit VR LE), so the catalog can list the file;
  // decoding its pixels fails later with UNSUPPORTED_TRANSFER_SYNTAX.
  const knownSyntax = isSupportedTransferSyntax(transferSyntaxUid);

  let inflated: Uint8Array | undefined;
  const options: dicomParser.ParseDicomOptions = {
    vrCallback: vrFromDictionary as unknown as (tag: string) => void,
  };
  if (layout !== 'part10') options.TransferSyntaxUID = transferSyntaxUid;
  // Header-only reads of a file's first bytes stop at Pixel Data, whose value is not there.
  if (parseOptions.stopAtPixelData) options.untilTag = 'x7fe00010';
  if (transferSyntaxUid === TransferSyntax.DeflatedExplicitVRLittleEndian) {
    options.inflater = ((arr: Uint8Array, position: number) => {
      let out: Uint8Array;
      try {
        out = inflateRawSync(arr.subarray(position), { maxOutputLength: MAX_INFLATED_BYTES });
      } catch (err) {
        const tooBig = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || /memory/i.test(messageOf(err));
        throw decodeError(
          tooBig ? DecodeErrorCode.IMAGE_TOO_LARGE : DecodeErrorCode.DICOM_TRUNCATED,
          fileName,
          tooBig ? 'the deflated dataset inflates beyond the size limit' : `the deflated dataset is corrupt or truncated (${shorten(messageOf(err))})`,
        );
      }
      const full = new Uint8Array(position + out.length);
      full.set(arr.subarray(0, position));
      full.set(out, position);
      inflated = full;
      return full;
    }) as unknown as (arr: Uint8Array, position: number) => void;
  }
  const patched = patchExtendedOffsetTableVrs(bytes, transferSyntaxUid);
  bytes = patched.bytes;
  const warnings: DecodeWarning[] = [];
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, options);
  } catch (err) {
    const inner = err && typeof err === 'object' && 'exception' in err ? (err as { exception: unknown }).exception : err;
    if (inner instanceof CodedError) throw inner;
    if (!knownSyntax) throw unsupportedSyntax(transferSyntaxUid, fileName);
    const partial = err && typeof err === 'object' && 'dataSet' in err ? (err as { dataSet: DataSet }).dataSet : undefined;
    if (!partial || parseOptions.stopAtPixelData || !keepCompletePixelData(partial, fileName, warnings)) {
      throw classifyParseError(err, fileName, (inflated ?? bytes).length);
    }
    // The meta group is merged into the dataset only after a successful parse.
    if (layout === 'part10') {
      try {
        const meta = dicomParser.readPart10Header(bytes) as DataSet;
        for (const [tag, e] of Object.entries(meta.elements)) partial.elements[tag] ??= e;
      } catch {
        // Read once already above; cannot fail differently here.
      }
    }
    dataSet = partial;
  }
  for (const tag of patched.tags) if (dataSet.elements[tag]) dataSet.elements[tag].vr = 'OV';
  const byteArray = dataSet.byteArray as Uint8Array;
  const overrun = findOverrun(dataSet, byteArray.length, 0, parseOptions.stopAtPixelData ? 'x7fe00010' : undefined);
  if (overrun && !(knownSyntax && !parseOptions.stopAtPixelData && keepCompletePixelData(dataSet, fileName, warnings))) {
    throw knownSyntax ? classifyParseError({ dataSet }, fileName, byteArray.length) : unsupportedSyntax(transferSyntaxUid, fileName);
  }
  return { dataSet, transferSyntaxUid, byteArray, layout, warnings };
}

/** True when `e`'s value, or any value nested in its items, runs past `end`. */
function overruns(e: Element, end: number): boolean {
  if (e.length !== 0xffffffff && e.dataOffset + e.length > end) return true;
  return (e.items ?? []).some((item) => item.dataSet !== undefined && findOverrun(item.dataSet, end, 1) !== undefined);
}

/**
 * A file whose Pixel Data is complete but which ends inside an element after it (a private tag
 * or trailing padding whose length runs past the end of the file): the image is whole, so it is
 * kept, like dcmtk and GDCM read what precedes the damage. Drops the incomplete elements after
 * the Pixel Data and adds a TRAILING_DATA_TRUNCATED warning. False (nothing changed) when the
 * damage reaches the Pixel Data or anything before it: then the file is refused as before.
 */
function keepCompletePixelData(ds: DataSet, fileName: string, warnings: DecodeWarning[]): boolean {
  const end = (ds.byteArray as Uint8Array).length;
  const pixel = ds.elements.x7fe00010;
  if (!pixel || pixel.length === 0xffffffff || pixel.dataOffset + pixel.length > end) return false;
  if ((pixel.fragments ?? []).some((f) => f.position + f.length > end)) return false;
  const pixelEnd = pixel.dataOffset + pixel.length;
  const dropped: string[] = [];
  for (const [tag, e] of Object.entries(ds.elements)) {
    if (tag === 'x7fe00010' || !overruns(e, end)) continue;
    if (e.dataOffset < pixelEnd) return false;
    dropped.push(tag);
  }
  for (const tag of dropped) delete ds.elements[tag];
  const what = dropped.length > 0 ? `element ${dropped.map(tagText).join(', ')} runs past the end of the file` : 'the file ends inside an element';
  warnings.push({
    code: DecodeWarningCode.TRAILING_DATA_TRUNCATED,
    message: `${fileName}: after the Pixel Data, ${what} (${end} bytes); the pixels are complete, the incomplete element was ignored`,
  });
  return true;
}

/**
 * dicom-parser 1.8 predates the 64-bit VRs of 2019 (OV, SV, UV: PS3.5 Table 7.1-1) and reads
 * their length as 2 bytes, derailing the parse. The one such element image files carry is the
 * Extended Offset Table (7FE0,0001) and its lengths (7FE0,0002), VR OV, just before Pixel Data.
 * Their explicit-VR header has the same layout as OB (2 reserved bytes, 4-byte length), so in a
 * copy of the bytes their VR is relabelled OB before parsing, and set back to OV afterwards.
 */
function patchExtendedOffsetTableVrs(bytes: Uint8Array, transferSyntaxUid: string): { bytes: Uint8Array; tags: string[] } {
  // The Extended Offset Table exists only with encapsulated Pixel Data (PS3.3 C.7.6.3.1.8).
  if (!isEncapsulatedSyntax(transferSyntaxUid)) return { bytes, tags: [] };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out: Uint8Array | undefined;
  const tags: string[] = [];
  for (const element of [0x0001, 0x0002]) {
    const header = [0xe0, 0x7f, element, 0x00, 0x4f, 0x56, 0, 0];
    const at = buf.indexOf(Buffer.from(header));
    if (at < 0) continue;
    out ??= bytes.slice();
    out[at + 4] = 0x4f; // 'O'
    out[at + 5] = 0x42; // 'B'
    tags.push(element === 1 ? 'x7fe00001' : 'x7fe00002');
  }
  return { bytes: out ?? bytes, tags };
}

/**
 * True for the transfer syntaxes whose pixel data this decoder handles: the native ones, the
 * encapsulated ones the app lists, and the retired JPEG ones the codecs also read (.4.53, .4.55).
 */
export function isSupportedTransferSyntax(uid: string): boolean {
  return NATIVE_TRANSFER_SYNTAXES.has(uid) || isEncapsulatedSyntax(uid);
}

function isEncapsulatedSyntax(uid: string): boolean {
  return ENCAPSULATED_TRANSFER_SYNTAXES.has(uid) || COMPRESSED_TRANSFER_SYNTAXES.has(uid);
}

/** The UNSUPPORTED_TRANSFER_SYNTAX error for `uid`. */
export function unsupportedSyntax(uid: string, fileName: string): CodedError {
  const shown = uid.replace(/[^0-9A-Za-z.]/g, '?').slice(0, 64);
  return decodeError(DecodeErrorCode.UNSUPPORTED_TRANSFER_SYNTAX, fileName, `transfer syntax "${shown}" is not supported`);
}

// ---------------------------------------------------------------------------------------
// Safe value readers: dicom-parser returns garbage or throws on short / odd-length values.

/** The element, if present and its value lies inside the byte array. */
export function elementOf(ds: DataSet, tag: string): Element | undefined {
  const e = ds.elements[tag];
  if (!e || e.length === 0xffffffff || e.dataOffset + e.length > ds.byteArray.length) return undefined;
  return e;
}

/** String value (trimmed, NULs removed) of a string VR, or undefined. */
export function str(ds: DataSet, tag: string, index?: number): string | undefined {
  const e = elementOf(ds, tag);
  if (!e || e.length === 0) return undefined;
  try {
    const v = index === undefined ? ds.string(tag) : ds.string(tag, index);
    const cleaned = v?.replace(/\0/g, '').trim();
    return cleaned === '' ? undefined : cleaned;
  } catch {
    return undefined;
  }
}

/**
 * Text of a charset-dependent VR (SH, LO, PN, …) decoded with the dataset's Specific Character
 * Set (PS3.3 C.12.1.1.2), trimmed; undefined when absent or empty.
 */
export function text(ds: DataSet, tag: string, decoder: TextDecoder): string | undefined {
  const e = elementOf(ds, tag);
  if (!e || e.length === 0) return undefined;
  const v = decodeText(ds.byteArray as Uint8Array, e.dataOffset, e.length, decoder).trim();
  return v === '' ? undefined : v;
}

/** Number of backslash-separated values of a string element. */
export function stringCount(ds: DataSet, tag: string): number {
  const e = elementOf(ds, tag);
  if (!e || e.length === 0) return 0;
  try {
    return ds.numStringValues(tag) ?? 0;
  } catch {
    return 0;
  }
}

/** A DS/IS value as a finite number, or undefined. */
export function numStr(ds: DataSet, tag: string, index = 0): number | undefined {
  const s = str(ds, tag, index);
  if (s === undefined) return undefined;
  const n = Number(s.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** A US value (16-bit unsigned, in the dataset's byte order), or undefined when absent or too short. */
export function us(ds: DataSet, tag: string, index = 0): number | undefined {
  const e = elementOf(ds, tag);
  if (!e || e.length < 2 * (index + 1)) return undefined;
  return ds.uint16(tag, index);
}

/** A 16-bit value read as SS when `signed`, else as US (for US-or-SS attributes, PS3.3 C.7.6.3.1 / C.11.1.1). */
export function us_or_ss(ds: DataSet, tag: string, signed: boolean, index = 0): number | undefined {
  const e = elementOf(ds, tag);
  if (!e || e.length < 2 * (index + 1)) return undefined;
  return signed || e.vr === 'SS' ? ds.int16(tag, index) : ds.uint16(tag, index);
}

function intStr(ds: DataSet, tag: string): number | undefined {
  const n = numStr(ds, tag);
  return n === undefined ? undefined : Math.trunc(n);
}

// ---------------------------------------------------------------------------------------

/** True when the dataset is a DICOMDIR (PS3.3 F.2, Media Storage Directory SOP Class). */
export function isDicomdir(ds: DataSet): boolean {
  return str(ds, 'x00020002') === MEDIA_STORAGE_DIRECTORY_SOP_CLASS || ds.elements.x00041220 !== undefined;
}

/**
 * Referenced File IDs of a DICOMDIR (PS3.3 F.3.2.2, (0004,1500)): each is a list of path
 * components (CS, up to 8 values), relative to the folder holding the DICOMDIR.
 * Only records in use (Record In-use Flag (0004,1410) not 0) are listed.
 */
export function dicomdirReferencedFileIds(ds: DataSet): string[][] {
  const seq = ds.elements.x00041220;
  const out: string[][] = [];
  for (const item of seq?.items ?? []) {
    const rec = item.dataSet;
    if (!rec) continue;
    if (us(rec, 'x00041410') === 0) continue;
    const count = stringCount(rec, 'x00041500');
    if (count === 0) continue;
    const parts: string[] = [];
    for (let i = 0; i < count; i++) {
      const p = str(rec, 'x00041500', i);
      if (p) parts.push(p);
    }
    // Path components must not climb out of the file-set (PS3.10 8.5 restricts them to
    // upper-case letters, digits and underscore); refuse anything else rather than follow it.
    if (parts.length > 0 && parts.every((p) => /^[A-Za-z0-9_.-]+$/.test(p) && p !== '..' && p !== '.')) out.push(parts);
  }
  return out;
}

/** Number of frames (0028,0008), at least 1. */
export function numberOfFramesOf(ds: DataSet): number {
  const n = intStr(ds, 'x00280008');
  return n !== undefined && n >= 1 ? n : 1;
}

/** Header fields for the study catalog (InstanceHeader minus DICOMDIR path resolution). */
export function readInstanceHeader(parsed: ParsedDicom): InstanceHeader {
  const ds = parsed.dataSet;
  const dicomdir = isDicomdir(ds);
  const pixel = ds.elements.x7fe00010 ?? ds.elements.x7fe00008 ?? ds.elements.x7fe00009;
  const decoder = textDecoderFor(ds);
  return {
    kind: dicomdir ? 'dicomdir' : 'dicom',
    patientName: text(ds, 'x00100010', decoder),
    patientId: text(ds, 'x00100020', decoder),
    issuerOfPatientId: text(ds, 'x00100021', decoder),
    patientBirthDate: str(ds, 'x00100030'),
    patientSex: str(ds, 'x00100040'),
    studyInstanceUid: str(ds, 'x0020000d'),
    studyDate: str(ds, 'x00080020'),
    studyTime: str(ds, 'x00080030'),
    studyDescription: text(ds, 'x00081030', decoder),
    accessionNumber: text(ds, 'x00080050', decoder),
    seriesInstanceUid: str(ds, 'x0020000e'),
    seriesNumber: intStr(ds, 'x00200011'),
    seriesDescription: text(ds, 'x0008103e', decoder),
    modality: str(ds, 'x00080060'),
    bodyPartExamined: str(ds, 'x00180015'),
    viewPosition: str(ds, 'x00185101'),
    sopClassUid: str(ds, 'x00080016') ?? str(ds, 'x00020002'),
    sopInstanceUid: str(ds, 'x00080018') ?? str(ds, 'x00020003'),
    instanceNumber: intStr(ds, 'x00200013'),
    transferSyntaxUid: parsed.transferSyntaxUid,
    numberOfFrames: numberOfFramesOf(ds),
    rows: us(ds, 'x00280010'),
    columns: us(ds, 'x00280011'),
    hasPixelData: !dicomdir && pixel !== undefined && pixel.length > 0,
  };
}
