import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, encodeEnvelopeParts, EnvelopeError } from '../../../../app/shared/ipc/binaryEnvelope';

describe('binary envelope', () => {
  it('round-trips nested ArrayBuffers, typed arrays and plain JSON', () => {
    const pixels = new Uint16Array([1, 2, 65535]);
    const big = new Uint8Array(1000).map((_, i) => i % 251);
    const value = {
      ok: true,
      value: { info: { rows: 2, name: 'x', list: [1, null, 'y'] }, pixels: pixels.buffer, files: [{ name: 'a', bytes: big.buffer }], view: new Int16Array([-5, 7]) },
    };
    const decoded = decodeEnvelope(encodeEnvelope(value)) as typeof value;
    expect(decoded.value.info).toEqual(value.value.info);
    expect(decoded.value.pixels).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint16Array(decoded.value.pixels)]).toEqual([1, 2, 65535]);
    expect(new Uint8Array(decoded.value.files[0].bytes)).toEqual(big);
    expect(decoded.value.view).toBeInstanceOf(Int16Array);
    expect([...decoded.value.view]).toEqual([-5, 7]);
  });

  it('copies only the bytes a view covers', () => {
    const backing = new Uint8Array([9, 9, 1, 2, 9]);
    const decoded = decodeEnvelope(encodeEnvelope({ v: backing.subarray(2, 4) })) as { v: Uint8Array };
    expect([...decoded.v]).toEqual([1, 2]);
    expect(decoded.v.buffer.byteLength).toBe(2);
  });

  it('decodes from a Uint8Array that is a window into a larger buffer', () => {
    const body = encodeEnvelope({ a: new Uint8Array([5]).buffer });
    const padded = new Uint8Array(body.byteLength + 10);
    padded.set(body, 5);
    const decoded = decodeEnvelope(padded.subarray(5, 5 + body.byteLength)) as { a: ArrayBuffer };
    expect([...new Uint8Array(decoded.a)]).toEqual([5]);
  });

  it('rejects malformed bodies with EnvelopeError', () => {
    const good = encodeEnvelope({ a: new ArrayBuffer(8) });
    expect(() => decodeEnvelope(new Uint8Array([1, 2, 3]))).toThrow(EnvelopeError);
    expect(() => decodeEnvelope(good.subarray(0, good.byteLength - 3))).toThrow(/truncated/);
    const badMagic = good.slice();
    badMagic[0] = 0;
    expect(() => decodeEnvelope(badMagic)).toThrow(/not a binary envelope/);
    const trailing = new Uint8Array(good.byteLength + 1);
    trailing.set(good);
    expect(() => decodeEnvelope(trailing)).toThrow(/trailing/);
  });

  it('refuses to encode an object that already uses the placeholder key', () => {
    expect(() => encodeEnvelope({ __cxrBinary: 0 })).toThrow(EnvelopeError);
  });

  it('refuses a placeholder that points at a missing binary', () => {
    const json = new TextEncoder().encode('{"a":{"__cxrBinary":3}}');
    const body = new Uint8Array(8 + json.byteLength + 4);
    body.set([0x43, 0x58, 0x45, 0x31]);
    new DataView(body.buffer).setUint32(4, json.byteLength, true);
    body.set(json, 8);
    expect(() => decodeEnvelope(body)).toThrow(/missing binary/);
  });

  it('does not let a __proto__ key replace the prototype', () => {
    const json = new TextEncoder().encode('{"__proto__":{"polluted":true},"a":1}');
    const body = new Uint8Array(8 + json.byteLength + 4);
    body.set([0x43, 0x58, 0x45, 0x31]);
    new DataView(body.buffer).setUint32(4, json.byteLength, true);
    body.set(json, 8);
    const decoded = decodeEnvelope(body) as Record<string, unknown>;
    expect(decoded.a).toBe(1);
    expect((decoded as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('encodes parts whose concatenation is the envelope, without copying binaries', () => {
    const pixels = new Uint16Array([1, 2, 3]);
    const value = { info: { a: 1 }, pixels: pixels.buffer };
    const parts = encodeEnvelopeParts(value);
    expect(parts.at(-1)!.buffer).toBe(pixels.buffer);
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let offset = 0;
    for (const p of parts) {
      joined.set(p, offset);
      offset += p.byteLength;
    }
    expect(joined).toEqual(encodeEnvelope(value));
  });
});
