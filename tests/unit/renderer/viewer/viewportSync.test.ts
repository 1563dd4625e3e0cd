import { describe, expect, it } from 'vitest';

import { copyView, fitScale, fromRelativeView, sameView, toRelativeView, type RelativeView, type SyncTarget, type ViewGeometry } from '../../../../app/renderer/viewer/viewportSync';

const canvas = { canvasWidth: 800, canvasHeight: 600 };
const square: ViewGeometry = { columns: 2048, rows: 2048, rotation: 0, ...canvas };
const wide: ViewGeometry = { columns: 3000, rows: 2500, rotation: 0, ...canvas };

describe('fitScale', () => {
  it('matches cornerstone’s fit-to-window (the smaller of the two ratios)', () => {
    expect(fitScale(square)).toBeCloseTo(600 / 2048, 12);
    expect(fitScale(wide)).toBeCloseTo(Math.min(800 / 3000, 600 / 2500), 12);
  });

  it('swaps width and height at 90° and 270°', () => {
    const tall: ViewGeometry = { columns: 1000, rows: 3000, rotation: 0, ...canvas };
    expect(fitScale({ ...tall, rotation: 90 })).toBeCloseTo(Math.min(800 / 3000, 600 / 1000), 12);
    expect(fitScale({ ...tall, rotation: 270 })).toBeCloseTo(fitScale({ ...tall, rotation: 90 }), 12);
  });

  it('accounts for non-square pixels like cornerstone', () => {
    const g: ViewGeometry = { ...square, rowPixelSpacing: 0.2, columnPixelSpacing: 0.1 };
    expect(fitScale(g)).toBeCloseTo(Math.min(600 / 2048 / 2, 800 / 2048), 12);
  });
});

describe('relative views', () => {
  it('a fitted, centred viewport is zoom 1 and no pan', () => {
    expect(toRelativeView({ scale: fitScale(wide), translation: { x: 0, y: 0 } }, wide)).toEqual({ zoom: 1, panX: 0, panY: 0 });
  });

  it('carries the same zoom and pan across images of different sizes', () => {
    // Zoomed 2× on the 2048² image and panned a quarter of its width to the right.
    const view = toRelativeView({ scale: 2 * fitScale(square), translation: { x: 512, y: -256 } }, square);
    expect(view).toEqual({ zoom: 2, panX: 0.25, panY: -0.125 });
    const follower = fromRelativeView(view, wide);
    expect(follower.scale).toBeCloseTo(2 * fitScale(wide), 12);
    expect(follower.translation).toEqual({ x: 750, y: -312.5 });
    // And back again.
    const back = toRelativeView(follower, wide);
    expect(sameView(back, view)).toBe(true);
  });

  it('pans along the displayed axes of a rotated image', () => {
    const g: ViewGeometry = { columns: 1000, rows: 2000, rotation: 90, ...canvas };
    expect(toRelativeView({ scale: fitScale(g), translation: { x: 500, y: 250 } }, g)).toEqual({ zoom: 1, panX: 0.25, panY: 0.25 });
  });
});

class FakeViewport implements SyncTarget {
  applied = 0;
  constructor(
    public view: RelativeView | undefined,
    private readonly onApply?: () => void,
  ) {}
  relativeView() {
    return this.view;
  }
  applyRelativeView(view: RelativeView) {
    this.applied++;
    this.view = { ...view };
    this.onApply?.();
  }
}

describe('copyView', () => {
  it('makes the follower show the leader’s view', () => {
    const leader = new FakeViewport({ zoom: 3, panX: 0.1, panY: 0 });
    const follower = new FakeViewport({ zoom: 1, panX: 0, panY: 0 });
    expect(copyView(leader, follower)).toBe(true);
    expect(follower.view).toEqual({ zoom: 3, panX: 0.1, panY: 0 });
    // Nothing to do the second time.
    expect(copyView(leader, follower)).toBe(false);
    expect(follower.applied).toBe(1);
  });

  it('does nothing without two images', () => {
    const leader = new FakeViewport({ zoom: 3, panX: 0, panY: 0 });
    expect(copyView(leader, new FakeViewport(undefined))).toBe(false);
    expect(copyView(new FakeViewport(undefined), leader)).toBe(false);
    expect(copyView(leader, undefined)).toBe(false);
    expect(copyView(leader, leader)).toBe(false);
  });

  it('ignores a follower that reports back while it is being changed (no ping-pong)', () => {
    let echoes = 0;
    const a: FakeViewport = new FakeViewport({ zoom: 2, panX: 0, panY: 0 });
    const b: FakeViewport = new FakeViewport({ zoom: 1, panX: 0, panY: 0 }, () => {
      // A follower that (wrongly) reports the change it is given, with a rounding difference.
      a.view = { zoom: 2.5, panX: 0, panY: 0 };
      if (copyView(b, a)) echoes++;
    });
    expect(copyView(a, b)).toBe(true);
    expect(echoes).toBe(0);
    expect(a.applied).toBe(0);
  });
});
