/**
 * Synchronised zoom and pan of the two viewports of a 1×2 comparison (issue #10): when the user
 * zooms or pans one, the other shows the same region at the same size relative to its image, so a
 * study and its prior line up even when their pixel matrices differ (2048² beside 3000×2500).
 *
 * A view is carried as a {@link RelativeView}: the zoom relative to fit-to-window, and the pan
 * as a fraction of the displayed image. Controllers report only user changes (wheel, drag, zoom
 * and fit actions), never renders, and applying a view to the follower does not report back; a
 * re-entrancy guard stops a loop should a follower ever report anyway.
 */
import type { SlotIndex } from '../stores/viewer.store';
import { getController } from './controllerRegistry';

/** What the relative view of one viewport depends on. */
export interface ViewGeometry {
  columns: number;
  rows: number;
  /** Degrees (0, 90, 180, 270). */
  rotation: number;
  canvasWidth: number;
  canvasHeight: number;
  rowPixelSpacing?: number;
  columnPixelSpacing?: number;
}

/** Zoom and pan independent of the image's size. */
export interface RelativeView {
  /** Scale divided by the fit-to-window scale (1 = fitted). */
  zoom: number;
  /** Pan as a fraction of the displayed image's width and height (screen axes). */
  panX: number;
  panY: number;
}

/** What a viewport's zoom and pan are in cornerstone terms. */
export interface AbsoluteView {
  scale: number;
  translation: { x: number; y: number };
}

/** The image's width and height on screen axes (swapped at 90° and 270°). */
function displayedSize(g: ViewGeometry): { width: number; height: number } {
  const quarterTurn = Math.abs(Math.round(g.rotation / 90)) % 2 === 1;
  return quarterTurn ? { width: g.rows, height: g.columns } : { width: g.columns, height: g.rows };
}

/**
 * The scale cornerstone's fitToWindow gives (cornerstone-core internal/getImageFitScale.js,
 * non-square pixels included), so a fitted viewport has zoom 1 exactly.
 */
export function fitScale(g: ViewGeometry): number {
  const { width, height } = displayedSize(g);
  if (width <= 0 || height <= 0 || g.canvasWidth <= 0 || g.canvasHeight <= 0) return 1;
  const row = g.rowPixelSpacing || 1;
  const column = g.columnPixelSpacing || 1;
  const horizontalRatio = row < column ? column / row : 1;
  const verticalRatio = row < column ? 1 : row / column;
  return Math.min(g.canvasHeight / height / verticalRatio, g.canvasWidth / width / horizontalRatio);
}

/** A viewport's zoom and pan relative to its image and canvas. */
export function toRelativeView(view: AbsoluteView, g: ViewGeometry): RelativeView {
  const { width, height } = displayedSize(g);
  // Cornerstone pans after scaling, in screen-aligned image pixels: the image moves by
  // translation × scale canvas pixels, i.e. translation / size of its displayed extent.
  return { zoom: view.scale / fitScale(g), panX: width > 0 ? view.translation.x / width : 0, panY: height > 0 ? view.translation.y / height : 0 };
}

/** The cornerstone zoom and pan that show `view` on an image of geometry `g`. */
export function fromRelativeView(view: RelativeView, g: ViewGeometry): AbsoluteView {
  const { width, height } = displayedSize(g);
  return { scale: view.zoom * fitScale(g), translation: { x: view.panX * width, y: view.panY * height } };
}

/** True when two views differ by less than what a screen pixel can show. */
export function sameView(a: RelativeView, b: RelativeView, epsilon = 1e-6): boolean {
  return Math.abs(a.zoom - b.zoom) <= epsilon * Math.max(1, Math.abs(a.zoom)) && Math.abs(a.panX - b.panX) <= epsilon && Math.abs(a.panY - b.panY) <= epsilon;
}

/** What a viewport must offer to lead or follow (ViewportController implements it). */
export interface SyncTarget {
  relativeView(): RelativeView | undefined;
  applyRelativeView(view: RelativeView): void;
}

let applying = false;

/**
 * Makes `follower` show `leader`'s relative view. Re-entrant calls (a follower reporting the
 * change it is being given) are ignored, so two linked viewports can never ping-pong.
 */
export function copyView(leader: SyncTarget | undefined, follower: SyncTarget | undefined): boolean {
  if (applying || !leader || !follower || leader === follower) return false;
  const view = leader.relativeView();
  if (!view) return false;
  const current = follower.relativeView();
  if (!current || sameView(view, current)) return false;
  applying = true;
  try {
    follower.applyRelativeView(view);
  } finally {
    applying = false;
  }
  return true;
}

const other = (slot: SlotIndex): SlotIndex => (slot === 0 ? 1 : 0);

/** The user zoomed or panned viewport `slot`: the other viewport follows. */
export function followView(slot: SlotIndex): boolean {
  return copyView(getController(slot), getController(other(slot)));
}

/** Viewport `slot` has just shown a new image: it takes the other viewport's zoom and pan. */
export function adoptView(slot: SlotIndex): boolean {
  return copyView(getController(other(slot)), getController(slot));
}
