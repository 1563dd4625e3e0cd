/**
 * Minimal typings for cornerstone-core 2.x (the package ships none): only the
 * parts this viewer uses. Field names follow cornerstone's Image/Viewport objects.
 */
declare module 'cornerstone-core' {
  export interface CornerstoneLut {
    id?: string;
    firstValueMapped: number;
    numBitsPerEntry: number;
    lut: number[];
  }

  export interface CornerstoneImage {
    imageId: string;
    minPixelValue: number;
    maxPixelValue: number;
    slope: number;
    intercept: number;
    windowCenter: number;
    windowWidth: number;
    getPixelData: () => ArrayLike<number>;
    getCanvas?: () => HTMLCanvasElement;
    rows: number;
    columns: number;
    height: number;
    width: number;
    color: boolean;
    rgba?: boolean;
    columnPixelSpacing?: number;
    rowPixelSpacing?: number;
    invert: boolean;
    sizeInBytes: number;
    modalityLUT?: CornerstoneLut;
    voiLUT?: CornerstoneLut;
    render?: (enabledElement: EnabledElement, invalidated?: boolean) => void;
    cachedLut?: unknown;
    stats?: Record<string, number>;
    [key: string]: unknown;
  }

  export interface Viewport {
    scale: number;
    translation: { x: number; y: number };
    voi: { windowWidth: number; windowCenter: number };
    invert: boolean;
    pixelReplication: boolean;
    rotation: number;
    hflip: boolean;
    vflip: boolean;
    modalityLUT?: CornerstoneLut;
    voiLUT?: CornerstoneLut;
    labelmap?: boolean;
    displayedArea?: unknown;
  }

  export interface EnabledElement {
    element: HTMLElement;
    image?: CornerstoneImage;
    viewport?: Viewport;
    canvas: HTMLCanvasElement;
    invalid: boolean;
    needsRedraw: boolean;
    renderingTools?: { renderCanvas?: HTMLCanvasElement };
  }

  export interface Point {
    x: number;
    y: number;
  }

  export interface ImageLoadObject {
    promise: Promise<CornerstoneImage>;
    cancelFn?: () => void;
  }

  export type ImageLoader = (imageId: string, options?: unknown) => ImageLoadObject;

  export const EVENTS: {
    IMAGE_RENDERED: string;
    NEW_IMAGE: string;
    ELEMENT_RESIZED: string;
    IMAGE_LOADED: string;
    IMAGE_CACHE_FULL: string;
    [key: string]: string;
  };

  export function enable(element: HTMLElement, options?: { renderer?: 'webgl' }): void;
  export function disable(element: HTMLElement): void;
  export function displayImage(element: HTMLElement, image: CornerstoneImage, viewport?: Partial<Viewport>): void;
  export function loadImage(imageId: string, options?: unknown): Promise<CornerstoneImage>;
  export function loadAndCacheImage(imageId: string, options?: unknown): Promise<CornerstoneImage>;
  export function registerImageLoader(scheme: string, loader: ImageLoader): void;
  export function getViewport(element: HTMLElement): Viewport | undefined;
  export function setViewport(element: HTMLElement, viewport: Partial<Viewport>): void;
  export function getDefaultViewportForImage(element: HTMLElement, image: CornerstoneImage): Viewport;
  export function getEnabledElement(element: HTMLElement): EnabledElement;
  export function getImage(element: HTMLElement): CornerstoneImage | undefined;
  export function fitToWindow(element: HTMLElement): void;
  export function resize(element: HTMLElement, forceFitToWindow?: boolean): void;
  export function reset(element: HTMLElement): void;
  export function updateImage(element: HTMLElement, invalidated?: boolean): void;
  export function draw(element: HTMLElement): void;
  export function invalidate(element: HTMLElement): void;
  export function setToPixelCoordinateSystem(enabledElement: EnabledElement, context: CanvasRenderingContext2D, scale?: number): void;
  export function pageToPixel(element: HTMLElement, pageX: number, pageY: number): Point;
  export function pixelToCanvas(element: HTMLElement, pt: Point): Point;
  export function canvasToPixel(element: HTMLElement, pt: Point): Point;
  export function getStoredPixels(element: HTMLElement, x: number, y: number, width: number, height: number): number[];
  export const imageCache: {
    setMaximumSizeBytes(bytes: number): void;
    getCacheInfo(): { maximumSizeInBytes: number; cacheSizeInBytes: number; numberOfImagesCached: number };
    purgeCache(): void;
    removeImageLoadObject(imageId: string): void;
  };
  export const events: EventTarget;
  export const internal: {
    /** Canvas-from-image-pixel transform of an enabled element; `m` is [a, b, c, d, e, f]. */
    getTransform(enabledElement: EnabledElement): { m: number[] };
  };
}
