/**
 * The one Grad-CAM colour map (blue → cyan → green → yellow → red), shared by the viewer's
 * overlay and legend (renderer) and the exported summary PNG (main), so both show the same
 * colours for the same evidence (issues #4, #5).
 */

/** Colour stops: [position 0..1, r, g, b]. */
export const CAM_COLOUR_STOPS: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 0, 0, 255],
  [0.25, 0, 255, 255],
  [0.5, 0, 255, 0],
  [0.75, 255, 255, 0],
  [1, 255, 0, 0],
];

/** RGB of a normalised value v in [0,1] (clamped), linearly between the stops. */
export function camColour(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, v));
  for (let i = 1; i < CAM_COLOUR_STOPS.length; i++) {
    const [x1, r1, g1, b1] = CAM_COLOUR_STOPS[i];
    if (x <= x1) {
      const [x0, r0, g0, b0] = CAM_COLOUR_STOPS[i - 1];
      const t = (x - x0) / (x1 - x0);
      return [Math.round(r0 + (r1 - r0) * t), Math.round(g0 + (g1 - g0) * t), Math.round(b0 + (b1 - b0) * t)];
    }
  }
  return [255, 0, 0];
}
