/**
 * Colour input (RGB PNG/JPEG, RGB or YBR DICOM already converted to RGB) is reduced to
 * luma before preprocessing. ITU-R BT.601 weights in the fixed-point form Pillow's
 * `convert('L')` uses, which is how the training pool's colour originals were converted
 * (../shared/datasets/cxr-v1/README.md), so the app sees what the model was trained on.
 */
import type { GrayValues } from './preprocess';

export function toGrayscale(pixels: GrayValues, samplesPerPixel: 1 | 3, pixelCount: number): GrayValues {
  if (samplesPerPixel === 1) return pixels;
  if (pixels.length !== pixelCount * 3) throw new Error(`toGrayscale: expected ${pixelCount * 3} RGB samples, got ${pixels.length}`);
  const luma = new Uint8Array(pixelCount);
  for (let i = 0, j = 0; i < pixelCount; i++, j += 3) {
    luma[i] = (pixels[j] * 19595 + pixels[j + 1] * 38470 + pixels[j + 2] * 7471 + 0x8000) >> 16;
  }
  return luma;
}
