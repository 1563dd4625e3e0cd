/**
 * The binary envelope carries an IPC value that contains ArrayBuffers (pixels,
 * thumbnails, dropped file bytes) over HTTP in the browser harness, where Electron's
 * structured clone is not available. JSON cannot hold binary without a 33 % base64
 * overhead and a copy per hop, so the buffers travel as raw bytes after the JSON.
 *
 * Layout (all integers unsigned 32-bit little-endian):
 * ```
 * "CXE1"                 magic + format version
 * jsonByteLength         length of the UTF-8 JSON that follows
 * json                   the value, each binary replaced by {"__cxrBinary": index, "view"?: "Uint8Array" | …}
 * binaryCount            number of binaries
 * repeat binaryCount:    byteLength, bytes
 * ```
 * Pure TypeScript (no node:*, no DOM) so the harness server and the harness client
 * share it.
 */

/** Key that marks a placeholder for a binary inside the JSON part. */
export const BINARY_MARKER = '__cxrBinary';

/** MIME type of an envelope body. */
export const ENVELOPE_CONTENT_TYPE = 'application/x-cxr-envelope';

const MAGIC = [0x43, 0x58, 0x45, 0x31]; // "CXE1"

/** Typed-array views that round-trip with their element type (all others become plain ArrayBuffers). */
const VIEW_TYPES = {
  Uint8Array,
  Int8Array,
  Uint8ClampedArray,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
} as const;
type ViewName = keyof typeof VIEW_TYPES;

/** Thrown by {@link decodeEnvelope} on a body that is not a well-formed envelope. */
export class EnvelopeError extends Error {
  readonly code = 'BAD_ENVELOPE';
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

function viewNameOf(view: ArrayBufferView): ViewName | undefined {
  for (const name of Object.keys(VIEW_TYPES) as ViewName[]) {
    if (view instanceof VIEW_TYPES[name]) return name;
  }
  return undefined;
}

/** Copies exactly the bytes a view covers, so a view into a larger buffer never leaks the rest. */
function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer as ArrayBuffer, view.byteOffset, view.byteLength);
}

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  // Buffers from another realm (a worker, Node's http module) fail `instanceof`; the tag does not.
  return value instanceof ArrayBuffer || Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

/**
 * Encodes a value into envelope parts without copying the binaries: the header + JSON,
 * then for each binary its length prefix and a view on its own bytes. A server writes
 * the parts one after another (a 15 MB frame is not copied once more); their
 * concatenation is exactly {@link encodeEnvelope}'s output.
 */
export function encodeEnvelopeParts(value: unknown): Uint8Array[] {
  const binaries: Uint8Array[] = [];
  const replace = (v: unknown): unknown => {
    if (isArrayBuffer(v)) {
      binaries.push(new Uint8Array(v));
      return { [BINARY_MARKER]: binaries.length - 1 };
    }
    if (ArrayBuffer.isView(v)) {
      binaries.push(bytesOf(v));
      const view = viewNameOf(v);
      return view ? { [BINARY_MARKER]: binaries.length - 1, view } : { [BINARY_MARKER]: binaries.length - 1 };
    }
    if (Array.isArray(v)) return v.map(replace);
    if (v !== null && typeof v === 'object') {
      if (Object.prototype.hasOwnProperty.call(v, BINARY_MARKER)) {
        throw new EnvelopeError(`objects with a "${BINARY_MARKER}" key cannot be encoded`);
      }
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) out[k] = replace(inner);
      return out;
    }
    return v;
  };
  const json = new TextEncoder().encode(JSON.stringify(replace(value) ?? null));
  const head = new Uint8Array(8 + json.byteLength + 4);
  const dv = new DataView(head.buffer);
  head.set(MAGIC, 0);
  dv.setUint32(4, json.byteLength, true);
  head.set(json, 8);
  dv.setUint32(8 + json.byteLength, binaries.length, true);
  const parts: Uint8Array[] = [head];
  for (const b of binaries) {
    const prefix = new Uint8Array(4);
    new DataView(prefix.buffer).setUint32(0, b.byteLength, true);
    parts.push(prefix, b);
  }
  return parts;
}

/**
 * Encodes a value (JSON-compatible apart from ArrayBuffers and typed arrays anywhere
 * inside it) into one envelope. `undefined` properties are dropped as in JSON.
 */
export function encodeEnvelope(value: unknown): Uint8Array<ArrayBuffer> {
  const parts = encodeEnvelopeParts(value);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/**
 * Decodes an envelope. Every binary comes back as its own ArrayBuffer (a copy, so it
 * can be transferred), or as the typed array it was encoded from.
 * @throws EnvelopeError on a malformed body (bad magic, lengths past the end, bad JSON).
 */
export function decodeEnvelope(body: ArrayBuffer | Uint8Array): unknown {
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(body);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset: number, length: number) => {
    if (offset + length > bytes.byteLength) throw new EnvelopeError('envelope is truncated');
  };
  need(0, 8);
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) throw new EnvelopeError('not a binary envelope');
  const jsonLength = dv.getUint32(4, true);
  need(8, jsonLength + 4);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength)));
  } catch {
    throw new EnvelopeError('envelope JSON is malformed');
  }
  let offset = 8 + jsonLength;
  const count = dv.getUint32(offset, true);
  offset += 4;
  const binaries: ArrayBuffer[] = [];
  for (let i = 0; i < count; i++) {
    need(offset, 4);
    const length = dv.getUint32(offset, true);
    need(offset + 4, length);
    const start = bytes.byteOffset + offset + 4;
    binaries.push((bytes.buffer as ArrayBuffer).slice(start, start + length));
    offset += 4 + length;
  }
  if (offset !== bytes.byteLength) throw new EnvelopeError('envelope has trailing bytes');

  const restore = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(restore);
    if (v !== null && typeof v === 'object') {
      const record = v as Record<string, unknown>;
      if (Object.prototype.hasOwnProperty.call(record, BINARY_MARKER)) {
        const index = record[BINARY_MARKER];
        if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= binaries.length) {
          throw new EnvelopeError('envelope refers to a missing binary');
        }
        const buffer = binaries[index];
        const view = record.view;
        if (view === undefined) return buffer;
        if (typeof view !== 'string' || !Object.prototype.hasOwnProperty.call(VIEW_TYPES, view)) {
          throw new EnvelopeError('envelope names an unknown typed array');
        }
        const Ctor = VIEW_TYPES[view as ViewName];
        if (buffer.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) throw new EnvelopeError('binary length does not fit its typed array');
        return new Ctor(buffer);
      }
      const out: Record<string, unknown> = {};
      // A "__proto__" key from the wire must not replace the prototype of the decoded object.
      for (const [k, inner] of Object.entries(record)) if (k !== '__proto__') out[k] = restore(inner);
      return out;
    }
    return v;
  };
  return restore(parsed);
}
