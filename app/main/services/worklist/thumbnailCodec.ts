/**
 * How the archive stores a thumbnail (issue #10): a PNG (pngjs, adaptive row filters + deflate),
 * greyscale when every pixel has R = G = B (a radiograph), RGB when opaque, RGBA otherwise. A
 * 128-px chest radiograph is a few KB instead of the 64 KB of its RGBA pixels, and the blob is an
 * ordinary PNG anyone can read back from the database.
 */
import { PNG } from 'pngjs';

/** PNG colour types (PNG spec 11.2.2 IHDR). */
const GREY = 0;
const RGB = 2;
const RGBA = 6;

/** Encodes `width`×`height` RGBA 8-bit pixels as the smallest lossless PNG of the three colour types. */
export function encodeThumbnailPng(width: number, height: number, rgba: Uint8Array): Buffer {
  const pixels = width * height;
  if (rgba.length !== pixels * 4) throw new RangeError(`thumbnail of ${width}×${height} needs ${pixels * 4} RGBA bytes, got ${rgba.length}`);
  let opaque = true;
  let grey = true;
  for (let i = 0; i < rgba.length && (opaque || grey); i += 4) {
    if (rgba[i + 3] !== 255) opaque = false;
    if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) grey = false;
  }
  const colorType = !opaque ? RGBA : grey ? GREY : RGB;
  const channels = colorType === RGBA ? 4 : colorType === RGB ? 3 : 1;
  let data: Buffer;
  if (channels === 4) data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  else {
    data = Buffer.allocUnsafe(pixels * channels);
    for (let p = 0, o = 0; p < pixels; p++) for (let c = 0; c < channels; c++) data[o++] = rgba[p * 4 + c];
  }
  const png = new PNG({ width, height, colorType, inputColorType: colorType, inputHasAlpha: channels === 4, bitDepth: 8 });
  png.data = data;
  // Level 9: written once, read on every start; the difference in write time is a fraction of a millisecond.
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: channels === 4, deflateLevel: 9 });
}

/** Decodes a stored thumbnail back to RGBA 8-bit. */
export function decodeThumbnailPng(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const decoded = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  const { data } = decoded;
  // Its own ArrayBuffer: a view into a larger one would carry all of it across the worker boundary.
  const rgba = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? new Uint8Array(data.buffer) : new Uint8Array(data);
  return { width: decoded.width, height: decoded.height, rgba };
}
