/**
 * Length and angle measurements in image pixel coordinates, calibrated with the pixel
 * spacing the decoder reports (PS3.3 10.7.1.3: PixelSpacing, else ImagerPixelSpacing).
 * Without spacing, lengths are in pixels and marked "uncalibrated" (issue #2).
 */
import type { ImageDisplayInfo } from '../../shared/imaging/types';

export interface ImagePoint {
  x: number;
  y: number;
}

export type Spacing = ImageDisplayInfo['pixelSpacing'];

export type Measurement =
  | { id: number; kind: 'length'; points: [ImagePoint, ImagePoint] }
  | { id: number; kind: 'angle'; points: [ImagePoint, ImagePoint, ImagePoint] };

/** A length: in mm when calibrated, else in pixels. */
export interface LengthValue {
  value: number;
  unit: 'mm' | 'px';
  calibrated: boolean;
}

/** Distance between two points; x steps scale by column spacing, y steps by row spacing. */
export function measureLength(a: ImagePoint, b: ImagePoint, spacing: Spacing): LengthValue {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  if (spacing && spacing.column > 0 && spacing.row > 0) {
    return { value: Math.hypot(dx * spacing.column, dy * spacing.row), unit: 'mm', calibrated: true };
  }
  return { value: Math.hypot(dx, dy), unit: 'px', calibrated: false };
}

/** Text for a length, e.g. "42.3 mm" or "120.0 px (uncalibrated)". */
export function formatLength(length: LengthValue): string {
  return length.calibrated ? `${length.value.toFixed(1)} mm` : `${length.value.toFixed(1)} px (uncalibrated)`;
}

/** The angle at `vertex` between the rays to `a` and `c`, in degrees (0..180), in physical space. */
export function measureAngle(a: ImagePoint, vertex: ImagePoint, c: ImagePoint, spacing: Spacing): number {
  const sx = spacing && spacing.column > 0 ? spacing.column : 1;
  const sy = spacing && spacing.row > 0 ? spacing.row : 1;
  const ux = (a.x - vertex.x) * sx;
  const uy = (a.y - vertex.y) * sy;
  const vx = (c.x - vertex.x) * sx;
  const vy = (c.y - vertex.y) * sy;
  const nu = Math.hypot(ux, uy);
  const nv = Math.hypot(vx, vy);
  if (nu === 0 || nv === 0) return 0;
  const cos = Math.min(1, Math.max(-1, (ux * vx + uy * vy) / (nu * nv)));
  return (Math.acos(cos) * 180) / Math.PI;
}

/** Text for an angle, e.g. "37.5°". */
export function formatAngle(degrees: number): string {
  return `${degrees.toFixed(1)}°`;
}

/** Label of a measurement as shown next to it. */
export function measurementLabel(m: Measurement, spacing: Spacing): string {
  if (m.kind === 'length') return formatLength(measureLength(m.points[0], m.points[1], spacing));
  return formatAngle(measureAngle(m.points[0], m.points[1], m.points[2], spacing));
}
