/**
 * A small DICOM dataset encoder for the objects we create and send (issue #11: the results SR and
 * Secondary Capture): Explicit VR Little Endian (PS3.5 A.2) for files, Implicit VR Little Endian
 * (PS3.5 A.1) when a C-STORE peer accepts only that, sequences with explicit lengths (PS3.5
 * 7.5.2), text in UTF-8 under Specific Character Set ISO_IR 192.
 *
 * Hand-written rather than dcmjs (a transitive dependency of dcmjs-dimse, not one of ours): we
 * write a fixed, small set of attributes whose VRs we state explicitly, and the bytes must be
 * predictable for `dcmdump +E`; and dcmjs 0.50 re-encodes UTF-8 text inside sequence items as
 * Latin-1 when it round-trips a dataset (seen sending the SR through it: "—" became "â").
 * Reading DICOM stays with the decoders. Pure TypeScript.
 */

/** Attributes this encoder knows by keyword: tag and VR (PS3.6). */
export const TAGS = {
  SpecificCharacterSet: [0x00080005, 'CS'],
  ImageType: [0x00080008, 'CS'],
  InstanceCreationDate: [0x00080012, 'DA'],
  InstanceCreationTime: [0x00080013, 'TM'],
  SOPClassUID: [0x00080016, 'UI'],
  SOPInstanceUID: [0x00080018, 'UI'],
  StudyDate: [0x00080020, 'DA'],
  SeriesDate: [0x00080021, 'DA'],
  ContentDate: [0x00080023, 'DA'],
  StudyTime: [0x00080030, 'TM'],
  SeriesTime: [0x00080031, 'TM'],
  ContentTime: [0x00080033, 'TM'],
  AccessionNumber: [0x00080050, 'SH'],
  Modality: [0x00080060, 'CS'],
  ConversionType: [0x00080064, 'CS'],
  Manufacturer: [0x00080070, 'LO'],
  ReferringPhysicianName: [0x00080090, 'PN'],
  CodeValue: [0x00080100, 'SH'],
  CodingSchemeDesignator: [0x00080102, 'SH'],
  CodingSchemeVersion: [0x00080103, 'SH'],
  CodeMeaning: [0x00080104, 'LO'],
  CodingSchemeIdentificationSequence: [0x00080110, 'SQ'],
  CodingSchemeName: [0x00080115, 'ST'],
  CodingSchemeResponsibleOrganization: [0x00080116, 'ST'],
  StudyDescription: [0x00081030, 'LO'],
  SeriesDescription: [0x0008103e, 'LO'],
  ManufacturerModelName: [0x00081090, 'LO'],
  ReferencedPerformedProcedureStepSequence: [0x00081111, 'SQ'],
  ReferencedSeriesSequence: [0x00081115, 'SQ'],
  ReferencedSOPSequence: [0x00081199, 'SQ'],
  ReferencedSOPClassUID: [0x00081150, 'UI'],
  ReferencedSOPInstanceUID: [0x00081155, 'UI'],
  DerivationDescription: [0x00082111, 'ST'],
  SourceImageSequence: [0x00082112, 'SQ'],
  PatientName: [0x00100010, 'PN'],
  PatientID: [0x00100020, 'LO'],
  IssuerOfPatientID: [0x00100021, 'LO'],
  PatientBirthDate: [0x00100030, 'DA'],
  PatientSex: [0x00100040, 'CS'],
  PatientAge: [0x00101010, 'AS'],
  SoftwareVersions: [0x00181020, 'LO'],
  StudyInstanceUID: [0x0020000d, 'UI'],
  SeriesInstanceUID: [0x0020000e, 'UI'],
  StudyID: [0x00200010, 'SH'],
  SeriesNumber: [0x00200011, 'IS'],
  InstanceNumber: [0x00200013, 'IS'],
  PatientOrientation: [0x00200020, 'CS'],
  SamplesPerPixel: [0x00280002, 'US'],
  PhotometricInterpretation: [0x00280004, 'CS'],
  PlanarConfiguration: [0x00280006, 'US'],
  Rows: [0x00280010, 'US'],
  Columns: [0x00280011, 'US'],
  BitsAllocated: [0x00280100, 'US'],
  BitsStored: [0x00280101, 'US'],
  HighBit: [0x00280102, 'US'],
  PixelRepresentation: [0x00280103, 'US'],
  BurnedInAnnotation: [0x00280301, 'CS'],
  LossyImageCompression: [0x00282110, 'CS'],
  RequestedProcedureID: [0x00401001, 'SH'],
  ValueType: [0x0040a040, 'CS'],
  ConceptNameCodeSequence: [0x0040a043, 'SQ'],
  ContinuityOfContent: [0x0040a050, 'CS'],
  ConceptCodeSequence: [0x0040a168, 'SQ'],
  RelationshipType: [0x0040a010, 'CS'],
  VerificationFlag: [0x0040a493, 'CS'],
  CompletionFlag: [0x0040a491, 'CS'],
  MeasurementUnitsCodeSequence: [0x004008ea, 'SQ'],
  MeasuredValueSequence: [0x0040a300, 'SQ'],
  NumericValue: [0x0040a30a, 'DS'],
  PerformedProcedureCodeSequence: [0x0040a372, 'SQ'],
  CurrentRequestedProcedureEvidenceSequence: [0x0040a375, 'SQ'],
  TextValue: [0x0040a160, 'UT'],
  ContentSequence: [0x0040a730, 'SQ'],
  ContentTemplateSequence: [0x0040a504, 'SQ'],
  MappingResource: [0x00080105, 'CS'],
  TemplateIdentifier: [0x0040db00, 'CS'],
  PixelData: [0x7fe00010, 'OB'],
} as const satisfies Record<string, readonly [number, string]>;

export type Keyword = keyof typeof TAGS;

/** A sequence item: a list of elements. */
export type Item = DicomElement[];

/** One element to encode. Strings are multi-valued when given as an array (joined with backslashes). */
export interface DicomElement {
  tag: number;
  vr: string;
  value: string | readonly string[] | number | readonly number[] | Uint8Array | readonly Item[] | null;
}

/** An element by keyword, VR from {@link TAGS}; null or undefined writes an empty (Type 2) value. */
export function el(keyword: Keyword, value: DicomElement['value'] | undefined): DicomElement {
  const [tag, vr] = TAGS[keyword];
  return { tag, vr, value: value ?? null };
}

/** VRs with a 2-byte reserved field and a 4-byte length in Explicit VR (PS3.5 Table 7.1-1). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);

export type VrEncoding = 'explicit' | 'implicit';

/** Transfer syntax UID of each encoding (both little endian). */
export const ENCODING_TRANSFER_SYNTAX: Record<VrEncoding, string> = {
  explicit: '1.2.840.10008.1.2.1',
  implicit: '1.2.840.10008.1.2',
};

/** Encodes the elements (any order; written in ascending tag order, PS3.5 7.1), little endian. */
export function encodeDataset(elements: readonly DicomElement[], encoding: VrEncoding = 'explicit'): Uint8Array {
  const parts: Uint8Array[] = [];
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  for (let i = 1; i < sorted.length; i++) if (sorted[i].tag === sorted[i - 1].tag) throw new Error(`duplicate element ${tagText(sorted[i].tag)}`);
  for (const e of sorted) parts.push(encodeElement(e, encoding));
  return concat(parts);
}

function encodeElement(e: DicomElement, encoding: VrEncoding): Uint8Array {
  const value = e.vr === 'SQ' ? encodeSequence((e.value ?? []) as readonly Item[], encoding) : encodeValue(e);
  if (encoding === 'implicit') {
    // PS3.5 7.1.3: tag, 4-byte length, value; the VR comes from the dictionary.
    const head = new Uint8Array(8);
    const dv = new DataView(head.buffer);
    dv.setUint16(0, e.tag >>> 16, true);
    dv.setUint16(2, e.tag & 0xffff, true);
    dv.setUint32(4, value.length, true);
    return concat([head, value]);
  }
  const long = LONG_VRS.has(e.vr);
  if (!long && value.length > 0xffff) throw new Error(`${tagText(e.tag)} ${e.vr} value is too long (${value.length} bytes)`);
  const head = new Uint8Array(long ? 12 : 8);
  const dv = new DataView(head.buffer);
  dv.setUint16(0, e.tag >>> 16, true);
  dv.setUint16(2, e.tag & 0xffff, true);
  head[4] = e.vr.charCodeAt(0);
  head[5] = e.vr.charCodeAt(1);
  if (long) dv.setUint32(8, value.length, true);
  else dv.setUint16(6, value.length, true);
  return concat([head, value]);
}

/** Items with explicit lengths (PS3.5 7.5.1). */
function encodeSequence(items: readonly Item[], encoding: VrEncoding): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const item of items) {
    const body = encodeDataset(item, encoding);
    const head = new Uint8Array(8);
    const dv = new DataView(head.buffer);
    dv.setUint16(0, 0xfffe, true);
    dv.setUint16(2, 0xe000, true);
    dv.setUint32(4, body.length, true);
    parts.push(head, body);
  }
  return concat(parts);
}

const utf8 = new TextEncoder();

function encodeValue(e: DicomElement): Uint8Array {
  const { vr, value } = e;
  if (value === null) return new Uint8Array(0);
  if (value instanceof Uint8Array) return padEven(value, 0);
  switch (vr) {
    case 'US':
    case 'SS': {
      const values = (Array.isArray(value) ? value : [value]) as number[];
      const out = new Uint8Array(values.length * 2);
      const dv = new DataView(out.buffer);
      values.forEach((v, i) => (vr === 'US' ? dv.setUint16(i * 2, v, true) : dv.setInt16(i * 2, v, true)));
      return out;
    }
    case 'UL':
    case 'SL': {
      const values = (Array.isArray(value) ? value : [value]) as number[];
      const out = new Uint8Array(values.length * 4);
      const dv = new DataView(out.buffer);
      values.forEach((v, i) => (vr === 'UL' ? dv.setUint32(i * 4, v, true) : dv.setInt32(i * 4, v, true)));
      return out;
    }
    case 'DS':
    case 'IS': {
      const values = (Array.isArray(value) ? value : [value]) as (number | string)[];
      return padEven(utf8.encode(values.map((v) => (typeof v === 'number' ? (vr === 'DS' ? formatDs(v) : String(Math.round(v))) : v)).join('\\')), 0x20);
    }
    default: {
      const text = Array.isArray(value) ? value.join('\\') : String(value);
      return padEven(utf8.encode(text), vr === 'UI' ? 0 : 0x20);
    }
  }
}

/** A DS value of at most 16 characters (PS3.5 6.2). */
export function formatDs(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`DS cannot hold ${n}`);
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  for (let digits = 15; digits > 0; digits--) {
    const s = String(Number(n.toPrecision(digits)));
    if (s.length <= 16) return s;
  }
  return n.toExponential(6);
}

function padEven(bytes: Uint8Array, pad: number): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = pad;
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function tagText(tag: number): string {
  return `(${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')})`;
}
