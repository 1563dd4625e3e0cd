/**
 * The Grad-CAM heatmap over the image (issue #4). The map is resampled onto the image grid
 * (at a reduced resolution: the CAM is 14×14, so more detail would be invented) and coloured
 * once per (result, class); every render then draws it with the viewport's own image→canvas
 * transform, so it stays aligned under zoom, pan, rotation and flip.
 */
import { CAM_COLOUR_STOPS, camColour } from '../../shared/ai/camColours';
import { camToImage } from '../../shared/ai/postprocess';
import type { AiResult } from '../../shared/ipc/contract';

export { CAM_COLOUR_STOPS, camColour };

/** Longest side of the coloured map: the CAM has ~14×14 cells, 256 px is smooth enough. */
const OVERLAY_LONG_SIDE = 256;

/**
 * RGBA of one class's CAM on a grid with the image's aspect ratio. Values are normalised to
 * the map's maximum; alpha rises with the value, so regions without evidence stay clear.
 */
export function camRgba(result: AiResult, classIndex: number): { width: number; height: number; rgba: Uint8ClampedArray } {
  const classes = result.cam.byteLength / 4 / (result.camHeight * result.camWidth);
  if (classIndex < 0 || classIndex >= classes) throw new Error(`camRgba: class ${classIndex} of ${classes}`);
  const cells = result.camHeight * result.camWidth;
  const map = new Float32Array(result.cam, classIndex * cells * 4, cells);
  const scale = OVERLAY_LONG_SIDE / Math.max(result.rows, result.columns);
  const height = Math.max(1, Math.round(result.rows * scale));
  const width = Math.max(1, Math.round(result.columns * scale));
  // camToImage samples pixel centres, so a smaller grid of the same aspect maps the same area.
  const values = camToImage(map, result.camHeight, result.camWidth, result.letterbox, height, width);
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < values.length; i++) {
    const v = max > 0 ? values[i] / max : 0;
    const [r, g, b] = camColour(v);
    rgba[i * 4] = r;
    rgba[i * 4 + 1] = g;
    rgba[i * 4 + 2] = b;
    rgba[i * 4 + 3] = Math.round(255 * Math.min(1, v * 1.5));
  }
  return { width, height, rgba };
}

/** The 2D transform cornerstone uses for image → canvas (a, b, c, d, e, f as in setTransform). */
export type ImageToCanvasTransform = [number, number, number, number, number, number];

/**
 * Draws a coloured CAM over the rendered image. `transform` maps image pixel coordinates to
 * canvas pixels (cornerstone's enabled-element transform), so rotation and flips carry over.
 */
export function drawCamOverlay(
  ctx: CanvasRenderingContext2D,
  transform: ImageToCanvasTransform,
  overlay: CanvasImageSource,
  image: { rows: number; columns: number },
  opacity: number,
): void {
  ctx.save();
  ctx.setTransform(...transform);
  ctx.globalAlpha = Math.min(1, Math.max(0, opacity));
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(overlay, 0, 0, image.columns, image.rows);
  ctx.restore();
}
