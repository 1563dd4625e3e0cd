/**
 * The PS3.10 file header for a received instance: 128-byte preamble, "DICM", and the File Meta
 * Information group (0002) in Explicit VR Little Endian (PS3.10 7.1). The dataset received over
 * the network follows it byte for byte, in the negotiated transfer syntax, which is exactly the
 * encoding PS3.10 7.1 requires after the meta group, so no re-encoding (and no data loss) happens.
 */

/** Implementation Class UID of this application (2.25 UUID-derived root, PS3.5 B.2). */
export const IMPLEMENTATION_CLASS_UID = '2.25.211349532861914012347702411066139424481';
/** Implementation Version Name (0002,0013): at most 16 characters (SH). */
export const IMPLEMENTATION_VERSION_NAME = 'CXR_TRIAGE_1';

export interface FileMetaInput {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** Source Application Entity Title (0002,0016): the calling AE. */
  sourceAeTitle?: string;
}

/** Bytes of preamble + "DICM" + File Meta Information group. */
export function fileMetaHeader(meta: FileMetaInput): Buffer {
  const elements: Buffer[] = [
    // File Meta Information Version (0002,0001) OB, value 00 01 (PS3.10 7.1 Table 7.1-1).
    element(0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 'UI', uid(meta.sopClassUid)),
    element(0x0003, 'UI', uid(meta.sopInstanceUid)),
    element(0x0010, 'UI', uid(meta.transferSyntaxUid)),
    element(0x0012, 'UI', uid(IMPLEMENTATION_CLASS_UID)),
    element(0x0013, 'SH', text(IMPLEMENTATION_VERSION_NAME)),
  ];
  if (meta.sourceAeTitle) elements.push(element(0x0016, 'AE', text(meta.sourceAeTitle.trim().slice(0, 16))));
  const body = Buffer.concat(elements);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), element(0x0000, 'UL', groupLength), body]);
}

/** One group-0002 element in Explicit VR LE (PS3.5 7.1.2: OB has a 4-byte length after 2 reserved bytes). */
function element(elementNumber: number, vr: string, value: Buffer): Buffer {
  const longForm = vr === 'OB';
  const head = Buffer.alloc(longForm ? 12 : 8);
  head.writeUInt16LE(0x0002, 0);
  head.writeUInt16LE(elementNumber, 2);
  head.write(vr, 4, 'latin1');
  if (longForm) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/** UI values are padded to even length with a NUL (PS3.5 6.2). */
function uid(value: string): Buffer {
  const b = Buffer.from(value, 'latin1');
  return b.length % 2 ? Buffer.concat([b, Buffer.from([0])]) : b;
}

/** Text values are padded to even length with a space (PS3.5 6.2). */
function text(value: string): Buffer {
  const b = Buffer.from(value, 'latin1');
  return b.length % 2 ? Buffer.concat([b, Buffer.from(' ')]) : b;
}

/** True for a syntactically valid UID (PS3.5 9.1: digits and dots, ≤ 64 characters, no leading zeros in a component). */
export function isValidUid(value: string | undefined): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 64 && /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/.test(value);
}
