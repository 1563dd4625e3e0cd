/**
 * The per-study summary image (issue #5): the study's top image in its default window,
 * downscaled to at most 1024 px, the Grad-CAM heatmap blended over it, and a panel below
 * with the priority, the probabilities, the model name and version, and the
 * not-for-diagnosis line. Rendered in main with pngjs.
 *
 * Text comes from a built-in 5×7 bitmap font: Node has no canvas 2D context, and a native
 * canvas module would be one more native dependency to rebuild for Electron's ABI, for a
 * few lines of capitals. Only upper-case letters, digits and some punctuation are drawn;
 * lower case prints as capitals, anything else as "?".
 */
import { PNG } from 'pngjs';

import { camColour } from '../../../shared/ai/camColours';
import { camToImage } from '../../../shared/ai/postprocess';
import type { Letterbox } from '../../../shared/ai/preprocess';
import type { DecodedFrame } from '../../../shared/imaging/types';
import { buildDisplayLut, defaultVoi } from '../../../shared/imaging/voi';

/** Glyph rows, top to bottom; bit 4 is the leftmost of the 5 columns. */
const GLYPHS: Record<string, readonly number[]> = {
  A: [0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
  B: [0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e],
  C: [0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e],
  D: [0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c],
  E: [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f],
  F: [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10],
  G: [0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f],
  H: [0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
  I: [0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e],
  J: [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c],
  K: [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
  L: [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f],
  M: [0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11],
  N: [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
  O: [0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
  P: [0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10],
  Q: [0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d],
  R: [0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11],
  S: [0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e],
  T: [0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
  U: [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
  V: [0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04],
  W: [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a],
  X: [0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11],
  Y: [0x11, 0x11, 0x0a, 0x04, 0x04, 0x04, 0x04],
  Z: [0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f],
  '0': [0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e],
  '1': [0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e],
  '2': [0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f],
  '3': [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e],
  '4': [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02],
  '5': [0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e],
  '6': [0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e],
  '7': [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
  '8': [0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e],
  '9': [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c],
  ' ': [0, 0, 0, 0, 0, 0, 0],
  '.': [0, 0, 0, 0, 0, 0x0c, 0x0c],
  ',': [0, 0, 0, 0, 0x0c, 0x04, 0x08],
  ':': [0, 0x0c, 0x0c, 0, 0x0c, 0x0c, 0],
  ';': [0, 0x0c, 0x0c, 0, 0x0c, 0x04, 0x08],
  '-': [0, 0, 0, 0x1f, 0, 0, 0],
  _: [0, 0, 0, 0, 0, 0, 0x1f],
  '(': [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02],
  ')': [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08],
  '[': [0x0e, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0e],
  ']': [0x0e, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0e],
  '/': [0, 0x01, 0x02, 0x04, 0x08, 0x10, 0],
  '%': [0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03],
  '^': [0x04, 0x0a, 0x11, 0, 0, 0, 0],
  '=': [0, 0, 0x1f, 0, 0x1f, 0, 0],
  '+': [0, 0x04, 0x04, 0x1f, 0x04, 0x04, 0],
  '#': [0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a],
  "'": [0x0c, 0x04, 0x08, 0, 0, 0, 0],
  '"': [0x0a, 0x0a, 0, 0, 0, 0, 0],
  '!': [0x04, 0x04, 0x04, 0x04, 0x04, 0, 0x04],
  '?': [0x0e, 0x11, 0x01, 0x02, 0x04, 0, 0x04],
  '<': [0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02],
  '>': [0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08],
  '*': [0, 0x04, 0x15, 0x0e, 0x15, 0x04, 0],
  '&': [0x0c, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0d],
  '|': [0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
};

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** Horizontal advance per character, in font pixels (glyph + one column of space). */
export const GLYPH_ADVANCE = 6;

/** The text as the font can print it: dashes folded to "-", accents dropped, capitals. */
export function printableText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .toUpperCase()
    .replace(/./gu, (c) => (GLYPHS[c] ? c : '?'));
}

/** Width in output pixels of `text` at `scale`. */
export function textWidth(text: string, scale: number): number {
  const n = printableText(text).length;
  return n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * scale;
}

/**
 * A 1-byte-per-pixel mask (1 = ink) of `text` at `scale`, `textWidth` × 7·scale. Tests use it
 * to find the text in a rendered summary.
 */
export function rasterizeText(text: string, scale: number): { width: number; height: number; mask: Uint8Array } {
  const chars = printableText(text);
  const width = textWidth(text, scale);
  const height = GLYPH_HEIGHT * scale;
  const mask = new Uint8Array(width * height);
  [...chars].forEach((c, i) => {
    const rows = GLYPHS[c];
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (!((rows[gy] >> (GLYPH_WIDTH - 1 - gx)) & 1)) continue;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx < scale; sx++) mask[(gy * scale + sy) * width + (i * GLYPH_ADVANCE + gx) * scale + sx] = 1;
        }
      }
    }
  });
  return { width, height, mask };
}

/** Draws `text` into an RGBA buffer at (x, y) in `rgb`, clipped to the buffer. */
export function drawText(rgba: Uint8Array, bufferWidth: number, bufferHeight: number, text: string, x: number, y: number, scale: number, rgb: readonly [number, number, number]): void {
  const { width, height, mask } = rasterizeText(text, scale);
  for (let ty = 0; ty < height; ty++) {
    const py = y + ty;
    if (py < 0 || py >= bufferHeight) continue;
    for (let tx = 0; tx < width; tx++) {
      const px = x + tx;
      if (px < 0 || px >= bufferWidth || !mask[ty * width + tx]) continue;
      const o = (py * bufferWidth + px) * 4;
      rgba[o] = rgb[0];
      rgba[o + 1] = rgb[1];
      rgba[o + 2] = rgb[2];
      rgba[o + 3] = 255;
    }
  }
}

/** Longest side of the image part of the summary (issue #5: "downscaled to ≤ 1024 px"). */
export const SUMMARY_MAX_IMAGE_SIDE = 1024;
/** The panel is at least this wide, so the text lines fit beside a small image. */
const MIN_PANEL_WIDTH = 640;
const PANEL_PADDING = 12;
const LINE_GAP = 6;
const PANEL_BACKGROUND: readonly [number, number, number] = [24, 24, 24];
const TEXT_COLOUR: readonly [number, number, number] = [235, 235, 235];
/** The not-for-diagnosis line is printed in amber so it is never overlooked. */
const NOTICE_COLOUR: readonly [number, number, number] = [255, 200, 40];
/** Heatmap opacity at the map's maximum: the anatomy stays readable under the colours. */
const HEATMAP_OPACITY = 0.5;

/** The line every summary carries. */
export const SUMMARY_NOT_FOR_DIAGNOSIS = 'AI prioritisation only — not for diagnosis';

/** Badge colours per priority; the badge also carries the word (colour is never the only cue). */
const PRIORITY_STYLE: Record<string, { label: string; rgb: readonly [number, number, number] }> = {
  unreliable: { label: 'NEEDS HUMAN TRIAGE (OUT OF DISTRIBUTION)', rgb: [170, 110, 255] },
  high: { label: 'PRIORITY HIGH', rgb: [230, 60, 50] },
  medium: { label: 'PRIORITY MEDIUM', rgb: [245, 165, 35] },
  low: { label: 'PRIORITY LOW', rgb: [60, 170, 90] },
  none: { label: 'NOT TRIAGED', rgb: [130, 130, 130] },
};

/** One class map of a Grad-CAM over the padded model input (see AiResult in the contract). */
export interface SummaryHeatmap {
  map: Float32Array;
  height: number;
  width: number;
  letterbox: Letterbox;
}

export interface SummaryInput {
  frame: DecodedFrame;
  heatmap?: SummaryHeatmap;
  priority: 'high' | 'medium' | 'low' | 'unreliable' | null;
  /** Probabilities by label (covid, normal, pneumonia), in the manifest's order. */
  probabilities: Record<string, number>;
  model?: { name: string; version: string };
  /** Extra identification lines (study date, patient ID), printed as given. */
  details?: string[];
}

export interface SummaryLayout {
  width: number;
  height: number;
  image: { x: number; y: number; width: number; height: number };
  /** Where the not-for-diagnosis line starts and its scale (tests look for its pixels). */
  notice: { x: number; y: number; scale: number; rgb: readonly [number, number, number] };
  background: readonly [number, number, number];
}

/** Colour of a normalised heatmap value: the viewer's colour map and legend. */
export const heatmapColour = camColour;

/**
 * The frame as 8-bit RGB, `width` × `height`, through the default window (first Window
 * Center/Width, else the first VOI LUT, else the frame's range; MONOCHROME1 inverted after
 * the VOI step, PS3.3 C.7.6.3.1.2), downscaled by averaging each output pixel's source box.
 */
export function displayRgb(frame: DecodedFrame, width: number, height: number): Uint8Array {
  const { info, pixels } = frame;
  const { rows, columns } = info;
  const spp = info.samplesPerPixel;
  const lut = spp === 1 ? buildDisplayLut(info, defaultVoi(info)) : undefined;
  const display = (v: number): number => {
    if (!lut) return v;
    const i = Math.round(v) - lut.offset;
    return lut.lut[i < 0 ? 0 : i >= lut.lut.length ? lut.lut.length - 1 : i];
  };
  const out = new Uint8Array(width * height * 3);
  const sx = columns / width;
  const sy = rows / height;
  for (let y = 0; y < height; y++) {
    const r0 = Math.floor(y * sy);
    const r1 = Math.max(r0 + 1, Math.min(rows, Math.floor((y + 1) * sy)));
    for (let x = 0; x < width; x++) {
      const c0 = Math.floor(x * sx);
      const c1 = Math.max(c0 + 1, Math.min(columns, Math.floor((x + 1) * sx)));
      let a = 0;
      let b = 0;
      let c = 0;
      for (let r = r0; r < r1; r++) {
        for (let col = c0; col < c1; col++) {
          const i = r * columns + col;
          if (spp === 1) a += display(pixels[i]);
          else {
            a += pixels[i * 3];
            b += pixels[i * 3 + 1];
            c += pixels[i * 3 + 2];
          }
        }
      }
      const n = (r1 - r0) * (c1 - c0);
      const o = (y * width + x) * 3;
      out[o] = Math.round(a / n);
      out[o + 1] = spp === 1 ? out[o] : Math.round(b / n);
      out[o + 2] = spp === 1 ? out[o] : Math.round(c / n);
    }
  }
  return out;
}

function formatProbability(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

/** The text lines of the panel (the notice first, then the badge line, then the rest). */
function panelLines(input: SummaryInput): string[] {
  const probs = Object.entries(input.probabilities)
    .map(([label, p]) => `${label} ${formatProbability(p)}`)
    .join('   ');
  return [
    probs || 'AI probabilities: not available',
    input.model ? `Model ${input.model.name} version ${input.model.version}` : 'Model: not available',
    input.heatmap ? 'Heatmap: Grad-CAM of the COVID-19 class' : 'Heatmap: not available',
    ...(input.details ?? []),
  ];
}

/**
 * Renders the summary: returns the PNG bytes and where things are. Pure (no I/O); the
 * caller decodes the frame and gets the CAM.
 */
export function renderSummaryPng(input: SummaryInput): { png: Buffer; layout: SummaryLayout } {
  const { rows, columns } = input.frame.info;
  const scale = Math.min(1, SUMMARY_MAX_IMAGE_SIDE / Math.max(rows, columns));
  const imageWidth = Math.max(1, Math.round(columns * scale));
  const imageHeight = Math.max(1, Math.round(rows * scale));
  const width = Math.max(imageWidth, MIN_PANEL_WIDTH);
  const style = PRIORITY_STYLE[input.priority ?? 'none'];
  const lines = panelLines(input);
  const longest = Math.max(textWidth(SUMMARY_NOT_FOR_DIAGNOSIS, 1), textWidth(style.label, 1), ...lines.map((l) => textWidth(l, 1)));
  // Scale 2 when every line fits; else 1 (a long custom detail line must not be cut off).
  const textScale = longest * 2 + 2 * PANEL_PADDING <= width ? 2 : 1;
  const lineHeight = GLYPH_HEIGHT * textScale + LINE_GAP;
  const badgeHeight = GLYPH_HEIGHT * textScale + 2 * textScale * 2;
  const panelHeight = PANEL_PADDING * 2 + lineHeight + badgeHeight + LINE_GAP + lines.length * lineHeight;
  const height = imageHeight + panelHeight;

  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = PANEL_BACKGROUND[0];
    rgba[i * 4 + 1] = PANEL_BACKGROUND[1];
    rgba[i * 4 + 2] = PANEL_BACKGROUND[2];
    rgba[i * 4 + 3] = 255;
  }
  const imageX = Math.floor((width - imageWidth) / 2);
  const rgb = displayRgb(input.frame, imageWidth, imageHeight);
  let heat: Float32Array | undefined;
  let heatMax = 0;
  if (input.heatmap) {
    const h = input.heatmap;
    heat = camToImage(h.map, h.height, h.width, h.letterbox, imageHeight, imageWidth);
    for (const v of heat) if (v > heatMax) heatMax = v;
  }
  for (let y = 0; y < imageHeight; y++) {
    for (let x = 0; x < imageWidth; x++) {
      const i = y * imageWidth + x;
      let r = rgb[i * 3];
      let g = rgb[i * 3 + 1];
      let b = rgb[i * 3 + 2];
      if (heat && heatMax > 0) {
        // Same rule as the viewer's overlay: opacity rises with the value, so regions without evidence stay clear.
        const v = Math.max(0, heat[i] / heatMax);
        const a = HEATMAP_OPACITY * Math.min(1, v * 1.5);
        const [hr, hg, hb] = heatmapColour(v);
        r = r * (1 - a) + hr * a;
        g = g * (1 - a) + hg * a;
        b = b * (1 - a) + hb * a;
      }
      const o = (y * width + imageX + x) * 4;
      rgba[o] = Math.round(r);
      rgba[o + 1] = Math.round(g);
      rgba[o + 2] = Math.round(b);
    }
  }

  let y = imageHeight + PANEL_PADDING;
  const notice = { x: PANEL_PADDING, y, scale: textScale, rgb: NOTICE_COLOUR };
  drawText(rgba, width, height, SUMMARY_NOT_FOR_DIAGNOSIS, notice.x, notice.y, textScale, NOTICE_COLOUR);
  y += lineHeight;
  // Priority badge: a coloured box with the word in black.
  const badgeWidth = textWidth(style.label, textScale) + 4 * textScale * 2;
  for (let by = 0; by < badgeHeight; by++) {
    for (let bx = 0; bx < Math.min(badgeWidth, width - PANEL_PADDING); bx++) {
      const o = ((y + by) * width + PANEL_PADDING + bx) * 4;
      rgba[o] = style.rgb[0];
      rgba[o + 1] = style.rgb[1];
      rgba[o + 2] = style.rgb[2];
    }
  }
  drawText(rgba, width, height, style.label, PANEL_PADDING + 4 * textScale, y + 2 * textScale, textScale, [0, 0, 0]);
  y += badgeHeight + LINE_GAP;
  for (const line of lines) {
    drawText(rgba, width, height, line, PANEL_PADDING, y, textScale, TEXT_COLOUR);
    y += lineHeight;
  }

  const png = new PNG({ width, height, colorType: 6 });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return {
    png: PNG.sync.write(png, { colorType: 2 }),
    layout: { width, height, image: { x: imageX, y: 0, width: imageWidth, height: imageHeight }, notice, background: PANEL_BACKGROUND },
  };
}
