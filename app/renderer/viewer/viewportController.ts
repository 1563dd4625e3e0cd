/**
 * One cornerstone-core viewport and its tools, written directly on the cornerstone
 * canvas (pixelToCanvas / canvasToPixel) instead of cornerstone-tools: window/level,
 * pan, zoom, magnifier, length, angle, pixel probe, presets, invert, rotate, flip,
 * fit, 1:1 and reset. Annotations are drawn into an SVG laid over the canvas.
 *
 * Mouse: left = active tool, middle = pan, right = zoom, wheel = zoom at the cursor.
 */
import * as cornerstone from 'cornerstone-core';
import type { EnabledElement, Viewport } from 'cornerstone-core';
import type { ViewportReadout } from '../stores/viewer.store';
import type { ToolName, ViewerAction } from './keymap';
import { displayInverted, type CxrImage } from './imageObject';
import { loadFrame, ImageLoadError } from './imageLoader';
import { drawMagnifiedGrayscale } from './grayscaleRenderer';
import { measurementLabel, type ImagePoint, type Measurement } from './measurements';
import { modalityValue } from '../../shared/imaging/voi';
import { autoWindow, chestPreset, fileVoiDisplayLut, initialVoi, sigmoidDisplayLut, type VoiWindow } from './voi';
import { fromRelativeView, toRelativeView, type RelativeView, type ViewGeometry } from './viewportSync';

/** What the controller tells its React host. */
export interface ControllerHooks {
  onReadout(readout: Partial<ViewportReadout>): void;
  /**
   * Draws extra layers (the AI heatmap) on the canvas after each render. `transform`
   * maps image pixels to canvas pixels (a, b, c, d, e, f), rotation and flips included.
   */
  drawLayers?(context: CanvasRenderingContext2D, transform: [number, number, number, number, number, number], image: CxrImage): void;
  /** The user zoomed or panned (wheel, drag, zoom/fit/1:1/reset): a linked viewport may follow (viewportSync). */
  onViewChange?(): void;
  /** A new image is on display. */
  onImageShown?(): void;
  /**
   * The S key reached this viewport (the window-level dispatcher passes actions it does not
   * know to the active viewport): the host flips zoom/pan synchronisation.
   */
  onToggleSync?(): void;
}

/** Elements the host renders around the cornerstone element. */
export interface ControllerElements {
  /** The element cornerstone enables (gets its canvas). */
  element: HTMLDivElement;
  /** SVG over the canvas for measurements. */
  annotations: SVGSVGElement;
  /** Canvas shown while the magnifier is held. */
  magnifier: HTMLCanvasElement;
}

type VoiState = { mode: 'window'; name: string } | { mode: 'fileLut'; index: number; name: string };

type Draft =
  | { kind: 'length'; points: [ImagePoint, ImagePoint] }
  | { kind: 'angle'; points: [ImagePoint, ImagePoint, ImagePoint]; stage: 'arm' | 'third' };

interface Drag {
  tool: ToolName;
  pointerId: number;
  lastX: number;
  lastY: number;
  /** Canvas point the zoom tool zooms about. */
  anchor: { x: number; y: number };
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const ZOOM_STEP = 1.25;
const MIN_SCALE = 0.02;
const MAX_SCALE = 40;
const MAGNIFIER_SIZE = 220;
const MAGNIFIER_FACTOR = 3;
/** Above this many modality values a non-linear VOI LUT is not built (cornerstone
 * spreads the table into Math.max arguments); the linear window is used instead. */
const MAX_LUT_DOMAIN = 1 << 17;

/** Deep-enough copy of a cornerstone viewport (it mutates nested objects in place). */
function cloneViewport(vp: Viewport): Viewport {
  return { ...vp, translation: { ...vp.translation }, voi: { ...vp.voi } };
}

export class ViewportController {
  private image?: CxrImage;
  private initialViewport?: Viewport;
  private initialVoiState: VoiState = { mode: 'window', name: '' };
  private voi: VoiState = { mode: 'window', name: '' };
  private tool: ToolName = 'windowLevel';
  private measurements: Measurement[] = [];
  private draft?: Draft;
  private drag?: Drag;
  private nextMeasurementId = 1;
  private loadSeq = 0;
  private resizeObserver?: ResizeObserver;
  private enabled = false;

  constructor(
    private readonly els: ControllerElements,
    private readonly hooks: ControllerHooks,
  ) {}

  /** Enables cornerstone on the element and starts listening to input. */
  enable(): void {
    if (this.enabled) return;
    this.enabled = true;
    const { element } = this.els;
    cornerstone.enable(element);
    element.addEventListener(cornerstone.EVENTS.IMAGE_RENDERED, this.onRendered);
    element.addEventListener('pointerdown', this.onPointerDown);
    element.addEventListener('pointermove', this.onPointerMove);
    element.addEventListener('pointerup', this.onPointerUp);
    element.addEventListener('pointercancel', this.onPointerUp);
    element.addEventListener('wheel', this.onWheel, { passive: false });
    element.addEventListener('contextmenu', this.onContextMenu);
    this.resizeObserver = new ResizeObserver(() => {
      try {
        cornerstone.resize(element);
      } catch {
        // Resize before the first image: nothing to fit yet.
      }
      this.drawAnnotations();
    });
    this.resizeObserver.observe(element);
  }

  /** Stops listening and disables cornerstone (the cached images stay cached). */
  destroy(): void {
    if (!this.enabled) return;
    this.enabled = false;
    this.loadSeq++;
    const { element } = this.els;
    this.resizeObserver?.disconnect();
    element.removeEventListener(cornerstone.EVENTS.IMAGE_RENDERED, this.onRendered);
    element.removeEventListener('pointerdown', this.onPointerDown);
    element.removeEventListener('pointermove', this.onPointerMove);
    element.removeEventListener('pointerup', this.onPointerUp);
    element.removeEventListener('pointercancel', this.onPointerUp);
    element.removeEventListener('wheel', this.onWheel);
    element.removeEventListener('contextmenu', this.onContextMenu);
    cornerstone.disable(element);
  }

  /** The image on display (for tests and the probe). */
  get currentImage(): CxrImage | undefined {
    return this.image;
  }

  /** Loads and displays one frame; errors become a readout with status 'error'. */
  async show(imageId: string): Promise<void> {
    const seq = ++this.loadSeq;
    this.hooks.onReadout({ status: 'loading', error: undefined, probe: undefined, warnings: undefined });
    let image: CxrImage;
    try {
      image = await loadFrame(imageId);
    } catch (err) {
      if (seq !== this.loadSeq) return;
      const error = err instanceof ImageLoadError ? err.error : { code: 'LOAD_FAILED', message: String(err) };
      this.image = undefined;
      this.clearCanvas();
      this.hooks.onReadout({ status: 'error', error });
      return;
    }
    if (seq !== this.loadSeq || !this.enabled) return;
    this.image = image;
    this.measurements = [];
    this.draft = undefined;
    const { element } = this.els;
    const viewport = cornerstone.getDefaultViewportForImage(element, image);
    this.voi = this.applyInitialVoi(viewport);
    this.initialVoiState = { ...this.voi };
    this.initialViewport = cloneViewport(viewport);
    try {
      cornerstone.displayImage(element, image, viewport);
    } catch (err) {
      this.hooks.onReadout({ status: 'error', error: { code: 'RENDER_FAILED', message: err instanceof Error ? err.message : String(err) } });
      return;
    }
    const info = image.cxrInfo;
    this.hooks.onImageShown?.();
    this.hooks.onReadout({
      status: 'ready',
      error: undefined,
      probe: undefined,
      dicomPresets: this.dicomPresetNames(),
      spacingSource: info.pixelSpacing?.source,
      measurementCount: 0,
      warnings: image.cxrWarnings.length > 0 ? image.cxrWarnings : undefined,
    });
  }

  /** Shows nothing (the study on display left the screen); a load still running is ignored when it ends. */
  clear(): void {
    this.loadSeq++;
    this.image = undefined;
    this.clearCanvas();
  }

  /** Sets the left-button tool. */
  setTool(tool: ToolName): void {
    this.tool = tool;
    this.draft = undefined;
    this.hideMagnifier();
    this.drawAnnotations();
    this.els.element.dataset.tool = tool;
  }

  /** Runs a viewport action (toolbar button or shortcut). Returns false when it does not apply. */
  run(action: ViewerAction): boolean {
    if (action.type === 'toggleSync') {
      if (!this.hooks.onToggleSync) return false;
      this.hooks.onToggleSync();
      return true;
    }
    const image = this.image;
    const { element } = this.els;
    if (!image) return false;
    const vp = cornerstone.getViewport(element);
    if (!vp) return false;
    switch (action.type) {
      case 'chestPreset': {
        if (image.color) return false;
        const name = action.preset[0].toUpperCase() + action.preset.slice(1);
        this.setWindow(chestPreset(action.preset, image.cxrStored, image.cxrInfo), name);
        return true;
      }
      case 'dicomPreset':
        return this.applyDicomPreset(action.index);
      case 'autoWindow':
        if (image.color) return false;
        this.setWindow(autoWindow(image.cxrStored, image.cxrInfo), 'Auto');
        return true;
      case 'invert':
        vp.invert = !vp.invert;
        break;
      case 'zoomIn':
        this.zoomAbout(vp, ZOOM_STEP, this.canvasCenter());
        this.viewChanged();
        return true;
      case 'zoomOut':
        this.zoomAbout(vp, 1 / ZOOM_STEP, this.canvasCenter());
        this.viewChanged();
        return true;
      case 'fit':
        cornerstone.fitToWindow(element);
        this.viewChanged();
        return true;
      case 'actualSize':
        vp.scale = 1;
        vp.translation = { x: 0, y: 0 };
        cornerstone.setViewport(element, vp);
        this.viewChanged();
        return true;
      case 'rotateCw':
        vp.rotation = (((vp.rotation + 90) % 360) + 360) % 360;
        break;
      case 'rotateCcw':
        vp.rotation = (((vp.rotation - 90) % 360) + 360) % 360;
        break;
      case 'flipH':
        vp.hflip = !vp.hflip;
        break;
      case 'flipV':
        vp.vflip = !vp.vflip;
        break;
      case 'reset':
        if (!this.initialViewport) return false;
        this.voi = { ...this.initialVoiState };
        cornerstone.setViewport(element, cloneViewport(this.initialViewport));
        cornerstone.fitToWindow(element);
        this.viewChanged();
        return true;
      case 'clearMeasurements':
        this.measurements = [];
        this.draft = undefined;
        this.drawAnnotations();
        this.hooks.onReadout({ measurementCount: 0 });
        return true;
      case 'escape':
        if (!this.draft) return false;
        this.draft = undefined;
        this.drawAnnotations();
        return true;
      default:
        return false;
    }
    cornerstone.setViewport(element, vp);
    return true;
  }

  /**
   * Zoom relative to fit-to-window and pan relative to the displayed image (viewportSync), or
   * undefined when no image is on display.
   */
  relativeView(): RelativeView | undefined {
    const geometry = this.viewGeometry();
    const vp = geometry ? cornerstone.getViewport(this.els.element) : undefined;
    return geometry && vp ? toRelativeView(vp, geometry) : undefined;
  }

  /** Shows `view` (from the linked viewport); does not report a view change back. */
  applyRelativeView(view: RelativeView): void {
    const geometry = this.viewGeometry();
    const vp = geometry ? cornerstone.getViewport(this.els.element) : undefined;
    if (!geometry || !vp) return;
    const next = fromRelativeView(view, geometry);
    vp.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, next.scale));
    vp.translation = next.translation;
    cornerstone.setViewport(this.els.element, vp);
  }

  private viewGeometry(): ViewGeometry | undefined {
    const image = this.image;
    if (!image || !this.enabled) return undefined;
    let enabled: EnabledElement;
    try {
      enabled = cornerstone.getEnabledElement(this.els.element);
    } catch {
      return undefined;
    }
    const vp = enabled.viewport;
    const shown = enabled.image ?? image;
    if (!vp) return undefined;
    return {
      columns: shown.width,
      rows: shown.height,
      rotation: vp.rotation,
      canvasWidth: enabled.canvas.width,
      canvasHeight: enabled.canvas.height,
      rowPixelSpacing: shown.rowPixelSpacing,
      columnPixelSpacing: shown.columnPixelSpacing,
    };
  }

  private viewChanged(): void {
    this.hooks.onViewChange?.();
  }

  /** Renders again (after a layer drawn by `hooks.drawLayers` changed). */
  redraw(): void {
    if (!this.image || !this.enabled) return;
    try {
      cornerstone.updateImage(this.els.element);
    } catch {
      // Disabled between the check and the call: nothing to draw.
    }
  }

  /** Current measurements (image pixel coordinates). */
  getMeasurements(): readonly Measurement[] {
    return this.measurements;
  }

  // ----- VOI -----------------------------------------------------------------------

  private dicomPresetNames(): string[] {
    const info = this.image?.cxrInfo;
    if (!info || this.image?.color) return [];
    return [
      ...info.windowPresets.map((p, i) => p.explanation?.trim() || `DICOM ${i + 1}`),
      ...info.voiLuts.map((l, i) => l.explanation?.trim() || `VOI LUT ${i + 1}`),
    ];
  }

  private lutDomainOk(): boolean {
    const r = this.image!.cxrModalityRange;
    return r.max - r.min <= MAX_LUT_DOMAIN;
  }

  /** Puts a linear window (or the SIGMOID function of it, PS3.3 C.11.2.1.3.1) on a viewport object. */
  private windowOnViewport(vp: Viewport, window: VoiWindow): void {
    const image = this.image!;
    vp.voi = { windowCenter: window.windowCenter, windowWidth: Math.max(window.windowWidth, 1) };
    if (image.cxrInfo.voiLutFunction === 'SIGMOID' && this.lutDomainOk()) {
      vp.voiLUT = sigmoidDisplayLut(vp.voi, image.cxrModalityRange.min, image.cxrModalityRange.max);
    } else {
      vp.voiLUT = undefined;
    }
  }

  private applyInitialVoi(vp: Viewport): VoiState {
    const image = this.image!;
    if (image.color) return { mode: 'window', name: 'RGB' };
    const info = image.cxrInfo;
    const initial = initialVoi(info);
    if (initial.kind === 'window') {
      this.windowOnViewport(vp, initial.window);
      const first = info.windowPresets.find((p) => p.center === initial.window.windowCenter && p.width === initial.window.windowWidth);
      return { mode: 'window', name: first?.explanation?.trim() || 'DICOM 1' };
    }
    if (initial.kind === 'voiLut' && this.lutDomainOk()) {
      const table = info.voiLuts[initial.index];
      vp.voiLUT = fileVoiDisplayLut(table, image.cxrModalityRange.min, image.cxrModalityRange.max);
      return { mode: 'fileLut', index: initial.index, name: table.explanation?.trim() || `VOI LUT ${initial.index + 1}` };
    }
    this.windowOnViewport(vp, autoWindow(image.cxrStored, info));
    return { mode: 'window', name: 'Auto' };
  }

  private setWindow(window: VoiWindow, name: string): void {
    const { element } = this.els;
    const vp = cornerstone.getViewport(element);
    if (!vp) return;
    this.windowOnViewport(vp, window);
    this.voi = { mode: 'window', name };
    cornerstone.setViewport(element, vp);
  }

  private applyDicomPreset(index: number): boolean {
    const image = this.image!;
    const info = image.cxrInfo;
    if (image.color) return false;
    const names = this.dicomPresetNames();
    if (index < 0 || index >= names.length) return false;
    if (index < info.windowPresets.length) {
      const p = info.windowPresets[index];
      this.setWindow({ windowCenter: p.center, windowWidth: p.width }, names[index]);
      return true;
    }
    if (!this.lutDomainOk()) return false;
    const lutIndex = index - info.windowPresets.length;
    const { element } = this.els;
    const vp = cornerstone.getViewport(element);
    if (!vp) return false;
    vp.voiLUT = fileVoiDisplayLut(info.voiLuts[lutIndex], image.cxrModalityRange.min, image.cxrModalityRange.max);
    this.voi = { mode: 'fileLut', index: lutIndex, name: names[index] };
    cornerstone.setViewport(element, vp);
    return true;
  }

  // ----- rendering -------------------------------------------------------------------

  private onRendered = (): void => {
    const image = this.image;
    if (!image) return;
    const vp = cornerstone.getViewport(this.els.element);
    if (!vp) return;
    if (this.hooks.drawLayers) {
      const enabled = cornerstone.getEnabledElement(this.els.element);
      const context = enabled.canvas.getContext('2d');
      const m = cornerstone.internal.getTransform(enabled).m;
      if (context) this.hooks.drawLayers(context, [m[0], m[1], m[2], m[3], m[4], m[5]], image);
    }
    const fileLut = this.voi.mode === 'fileLut';
    this.hooks.onReadout({
      windowCenter: fileLut ? undefined : vp.voi.windowCenter,
      windowWidth: fileLut ? undefined : vp.voi.windowWidth,
      zoom: vp.scale,
      rotation: vp.rotation,
      hflip: vp.hflip,
      vflip: vp.vflip,
      inverted: vp.invert !== displayInverted(image.cxrInfo),
      voiName: this.voi.name,
    });
    this.drawAnnotations();
  };

  private clearCanvas(): void {
    const canvas = this.els.element.querySelector('canvas');
    const ctx = canvas?.getContext('2d');
    if (canvas && ctx) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
    }
    this.measurements = [];
    this.draft = undefined;
    this.drawAnnotations();
  }

  private canvasCenter(): { x: number; y: number } {
    const { element } = this.els;
    return { x: element.clientWidth / 2, y: element.clientHeight / 2 };
  }

  private canvasPoint(e: { clientX: number; clientY: number }): { x: number; y: number } {
    const rect = this.els.element.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  private imagePoint(e: { clientX: number; clientY: number }): ImagePoint {
    return cornerstone.canvasToPixel(this.els.element, this.canvasPoint(e));
  }

  /** Scales by `factor` keeping the image point under `anchor` (canvas px) in place. */
  private zoomAbout(vp: Viewport, factor: number, anchor: { x: number; y: number }): void {
    const { element } = this.els;
    const before = cornerstone.canvasToPixel(element, anchor);
    vp.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, vp.scale * factor));
    cornerstone.setViewport(element, vp);
    // cornerstone applies the pan after the scale, in screen-aligned axes: one unit of
    // translation moves the image by `scale` canvas pixels whatever the rotation.
    const after = cornerstone.pixelToCanvas(element, before);
    const next = cornerstone.getViewport(element)!;
    next.translation = { x: next.translation.x + (anchor.x - after.x) / next.scale, y: next.translation.y + (anchor.y - after.y) / next.scale };
    cornerstone.setViewport(element, next);
  }

  // ----- input -----------------------------------------------------------------------

  private onContextMenu = (e: Event): void => {
    e.preventDefault();
  };

  private onWheel = (e: WheelEvent): void => {
    if (!this.image) return;
    e.preventDefault();
    const vp = cornerstone.getViewport(this.els.element);
    if (!vp) return;
    const factor = Math.pow(1.0015, -e.deltaY);
    this.zoomAbout(vp, factor, this.canvasPoint(e));
    this.viewChanged();
  };

  private onPointerDown = (e: PointerEvent): void => {
    if (!this.image || e.button > 2) return;
    e.preventDefault();
    const tool: ToolName = e.button === 1 ? 'pan' : e.button === 2 ? 'zoom' : this.tool;
    const { element } = this.els;
    try {
      element.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic events (tests) have no capturable pointer.
    }
    const point = this.imagePoint(e);
    if (tool === 'length') {
      this.draft = { kind: 'length', points: [point, point] };
    } else if (tool === 'angle') {
      if (this.draft?.kind === 'angle' && this.draft.stage === 'third') {
        this.draft.points[2] = point;
        this.commitDraft();
        return;
      }
      this.draft = { kind: 'angle', points: [point, point, point], stage: 'arm' };
    } else if (tool === 'probe') {
      this.probeAt(point);
    } else if (tool === 'magnify') {
      this.drawMagnifier(e);
    }
    this.drag = { tool, pointerId: e.pointerId, lastX: e.clientX, lastY: e.clientY, anchor: this.canvasPoint(e) };
    this.drawAnnotations();
  };

  private onPointerMove = (e: PointerEvent): void => {
    if (!this.image) return;
    const drag = this.drag;
    if (!drag) {
      if (this.draft?.kind === 'angle' && this.draft.stage === 'third') {
        this.draft.points[2] = this.imagePoint(e);
        this.drawAnnotations();
      }
      return;
    }
    if (e.pointerId !== drag.pointerId) return;
    const dx = e.clientX - drag.lastX;
    const dy = e.clientY - drag.lastY;
    drag.lastX = e.clientX;
    drag.lastY = e.clientY;
    const { element } = this.els;
    const vp = cornerstone.getViewport(element);
    if (!vp) return;
    switch (drag.tool) {
      case 'windowLevel': {
        if (this.image.color) return;
        // One screen pixel moves the window by ~1/600 of the value range, whatever
        // the bit depth, so 8-bit and 16-bit images feel the same.
        const range = this.image.cxrModalityRange;
        const step = Math.max((range.max - range.min) / 600, 0.01);
        this.windowOnViewport(vp, { windowWidth: Math.max(vp.voi.windowWidth + dx * step, 1), windowCenter: vp.voi.windowCenter + dy * step });
        this.voi = { mode: 'window', name: 'Manual' };
        cornerstone.setViewport(element, vp);
        break;
      }
      case 'pan':
        vp.translation = { x: vp.translation.x + dx / vp.scale, y: vp.translation.y + dy / vp.scale };
        cornerstone.setViewport(element, vp);
        this.viewChanged();
        break;
      case 'zoom':
        this.zoomAbout(vp, Math.pow(1.01, -dy), drag.anchor);
        this.viewChanged();
        break;
      case 'length':
        if (this.draft?.kind === 'length') {
          this.draft.points[1] = this.imagePoint(e);
          this.drawAnnotations();
        }
        break;
      case 'angle':
        if (this.draft?.kind === 'angle') {
          this.draft.points[1] = this.imagePoint(e);
          this.draft.points[2] = this.draft.points[1];
          this.drawAnnotations();
        }
        break;
      case 'probe':
        this.probeAt(this.imagePoint(e));
        break;
      case 'magnify':
        this.drawMagnifier(e);
        break;
    }
  };

  private onPointerUp = (e: PointerEvent): void => {
    const drag = this.drag;
    if (!drag || e.pointerId !== drag.pointerId) return;
    this.drag = undefined;
    try {
      this.els.element.releasePointerCapture(e.pointerId);
    } catch {
      // Not captured (synthetic events).
    }
    if (drag.tool === 'magnify') this.hideMagnifier();
    if (drag.tool === 'length' && this.draft?.kind === 'length') {
      const [a, b] = this.draft.points;
      if (this.canvasDistance(a, b) >= 3) this.commitDraft();
      else this.draft = undefined;
    }
    if (drag.tool === 'angle' && this.draft?.kind === 'angle' && this.draft.stage === 'arm') {
      const [a, b] = this.draft.points;
      if (this.canvasDistance(a, b) >= 3) this.draft.stage = 'third';
      else this.draft = undefined;
    }
    this.drawAnnotations();
  };

  private canvasDistance(a: ImagePoint, b: ImagePoint): number {
    const { element } = this.els;
    const ca = cornerstone.pixelToCanvas(element, a);
    const cb = cornerstone.pixelToCanvas(element, b);
    return Math.hypot(ca.x - cb.x, ca.y - cb.y);
  }

  private commitDraft(): void {
    const draft = this.draft;
    if (!draft) return;
    const id = this.nextMeasurementId++;
    this.measurements.push(
      draft.kind === 'length'
        ? { id, kind: 'length', points: [{ ...draft.points[0] }, { ...draft.points[1] }] }
        : { id, kind: 'angle', points: [{ ...draft.points[0] }, { ...draft.points[1] }, { ...draft.points[2] }] },
    );
    this.draft = undefined;
    this.drawAnnotations();
    this.hooks.onReadout({ measurementCount: this.measurements.length });
  }

  private probeAt(point: ImagePoint): void {
    const image = this.image;
    if (!image) return;
    const x = Math.floor(point.x);
    const y = Math.floor(point.y);
    if (x < 0 || y < 0 || x >= image.columns || y >= image.rows) {
      this.hooks.onReadout({ probe: undefined });
      return;
    }
    const info = image.cxrInfo;
    const index = y * image.columns + x;
    if (image.color) {
      const s = image.cxrStored;
      this.hooks.onReadout({ probe: { x, y, stored: [s[index * 3], s[index * 3 + 1], s[index * 3 + 2]] } });
      return;
    }
    const stored = image.cxrStored[index];
    // PS3.3 C.11.1: modality value = Modality LUT(stored) or slope × stored + intercept.
    const modality = modalityValue(stored, info);
    this.hooks.onReadout({ probe: { x, y, stored, modality, unit: info.rescaleType } });
  }

  // ----- magnifier ---------------------------------------------------------------------

  private drawMagnifier(e: PointerEvent): void {
    const { element, magnifier } = this.els;
    const enabled = cornerstone.getEnabledElement(element);
    const p = this.canvasPoint(e);
    magnifier.width = MAGNIFIER_SIZE;
    magnifier.height = MAGNIFIER_SIZE;
    magnifier.style.left = `${p.x - MAGNIFIER_SIZE / 2}px`;
    magnifier.style.top = `${p.y - MAGNIFIER_SIZE / 2}px`;
    magnifier.style.display = 'block';
    const ctx = magnifier.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, MAGNIFIER_SIZE, MAGNIFIER_SIZE);
    // Grayscale: a full-resolution windowed patch (the viewport may show a pyramid level).
    if (drawMagnifiedGrayscale(enabled, ctx, p, MAGNIFIER_SIZE, MAGNIFIER_FACTOR)) return;
    // Colour: cornerstone's full-resolution render canvas through the viewport's own
    // transform, magnified about the cursor, so rotation and flips match.
    const source = enabled.renderingTools?.renderCanvas;
    if (!source) return;
    const m = cornerstone.internal.getTransform(enabled).m;
    ctx.translate(MAGNIFIER_SIZE / 2, MAGNIFIER_SIZE / 2);
    ctx.scale(MAGNIFIER_FACTOR, MAGNIFIER_FACTOR);
    ctx.translate(-p.x, -p.y);
    ctx.transform(m[0], m[1], m[2], m[3], m[4], m[5]);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(source, 0, 0);
  }

  private hideMagnifier(): void {
    this.els.magnifier.style.display = 'none';
  }

  // ----- annotations -------------------------------------------------------------------

  private drawAnnotations(): void {
    const svg = this.els.annotations;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const image = this.image;
    if (!image || !this.enabled) return;
    const { element } = this.els;
    let toCanvas: (p: ImagePoint) => { x: number; y: number };
    try {
      toCanvas = (p) => cornerstone.pixelToCanvas(element, p);
      toCanvas({ x: 0, y: 0 });
    } catch {
      return;
    }
    const spacing = image.cxrInfo.pixelSpacing;
    const all: { m: Measurement | Draft; draft: boolean }[] = [
      ...this.measurements.map((m) => ({ m, draft: false })),
      ...(this.draft ? [{ m: this.draft, draft: true }] : []),
    ];
    for (const { m, draft } of all) {
      const pts = m.points.map(toCanvas);
      const group = document.createElementNS(SVG_NS, 'g');
      group.setAttribute('class', draft ? 'measurement draft' : 'measurement');
      const path = document.createElementNS(SVG_NS, 'polyline');
      const used = m.kind === 'angle' && 'stage' in m && m.stage === 'arm' ? pts.slice(0, 2) : pts;
      path.setAttribute('points', used.map((p) => `${p.x},${p.y}`).join(' '));
      group.appendChild(path);
      for (const p of used) {
        const dot = document.createElementNS(SVG_NS, 'circle');
        dot.setAttribute('cx', String(p.x));
        dot.setAttribute('cy', String(p.y));
        dot.setAttribute('r', '3');
        group.appendChild(dot);
      }
      const showLabel = m.kind === 'length' || ('stage' in m ? m.stage === 'third' : true);
      if (showLabel) {
        const label = measurementLabel({ id: 0, kind: m.kind, points: m.points } as Measurement, spacing);
        const anchor = m.kind === 'angle' ? pts[1] : pts[1];
        const text = document.createElementNS(SVG_NS, 'text');
        text.setAttribute('x', String(anchor.x + 8));
        text.setAttribute('y', String(anchor.y - 8));
        text.setAttribute('data-testid', 'measurement-label');
        text.textContent = label;
        group.appendChild(text);
      }
      svg.appendChild(group);
    }
  }
}
