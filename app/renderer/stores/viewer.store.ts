/**
 * Viewer layout and interaction state: 1×1 / 1×2 layout, which instance each viewport
 * shows, the active viewport and mouse tool, overlay/tag/help toggles, and the readouts
 * (W/L, zoom, probe) the overlay text shows. Image rendering state itself lives in
 * cornerstone; this store only mirrors what the UI prints.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError } from '../../shared/result';
import type { PreloadApi } from '../../shared/ipc/contract';
import type { ToolName } from '../viewer/keymap';
import { errorOf, invokeOrThrow } from '../lib/api';
import { firstDisplayableInstance } from './studies.store';

export type Layout = '1x1' | '1x2';
export type SlotIndex = 0 | 1;

/** What one viewport shows. */
export interface ViewportSlot {
  studyKey?: string;
  instanceId?: string;
  frame: number;
}

/** What the overlay prints for one viewport (updated on every render). */
export interface ViewportReadout {
  windowCenter?: number;
  windowWidth?: number;
  /** Displayed pixels per image pixel (1 = 1:1). */
  zoom?: number;
  rotation?: number;
  hflip?: boolean;
  vflip?: boolean;
  inverted?: boolean;
  /** Name of the VOI in use: "Lung", a DICOM explanation, "Auto", "VOI LUT 1", "Manual". */
  voiName?: string;
  probe?: { x: number; y: number; stored: number | number[]; modality?: number; unit?: string };
  /** Names of the image's own VOIs (each Window Center/Width pair, then each VOI LUT). */
  dicomPresets?: string[];
  /** Pixel spacing source, or undefined when measurements are uncalibrated. */
  spacingSource?: string;
  /** Number of measurements drawn on the image. */
  measurementCount?: number;
  status: 'empty' | 'loading' | 'ready' | 'error';
  error?: AppError;
  /** What the decoder ignored to show this image (issue #12), shown under the overlay. */
  warnings?: string[];
}

export interface ViewerState {
  layout: Layout;
  slots: [ViewportSlot, ViewportSlot];
  activeSlot: SlotIndex;
  tool: ToolName;
  overlayVisible: boolean;
  tagsOpen: boolean;
  helpOpen: boolean;
  readouts: [ViewportReadout, ViewportReadout];
  /** Message of the last "compare with prior" attempt that found nothing or failed. */
  notice?: string;
  openInstance(studyKey: string, instanceId: string, slot?: SlotIndex): void;
  /**
   * Takes a study off the screen (it was removed from the list, issue #10): its viewports empty;
   * a comparison whose other side stays becomes 1×1 on that study.
   */
  closeStudy(studyKey: string): void;
  /** Shows another frame of the instance in a viewport (multi-frame objects). */
  setFrame(slot: SlotIndex, frame: number): void;
  setLayout(layout: Layout): void;
  toggleLayout(): void;
  setActiveSlot(slot: SlotIndex): void;
  setTool(tool: ToolName): void;
  toggleOverlay(): void;
  setTagsOpen(open: boolean): void;
  setHelpOpen(open: boolean): void;
  setReadout(slot: SlotIndex, readout: Partial<ViewportReadout>): void;
  /** Opens the newest prior of the study in the active viewport beside it (1×2). */
  comparePrior(): Promise<void>;
  setNotice(notice: string | undefined): void;
}

export type ViewerStore = StoreApi<ViewerState>;

const emptySlot = (): ViewportSlot => ({ frame: 0 });
const emptyReadout = (): ViewportReadout => ({ status: 'empty' });

export function createViewerStore(api: PreloadApi): ViewerStore {
  return createStore<ViewerState>()((set, get) => ({
    layout: '1x1',
    slots: [emptySlot(), emptySlot()],
    activeSlot: 0,
    tool: 'windowLevel',
    overlayVisible: true,
    tagsOpen: false,
    helpOpen: false,
    readouts: [emptyReadout(), emptyReadout()],
    openInstance(studyKey, instanceId, slot) {
      const target = slot ?? get().activeSlot;
      set((s) => {
        const slots = [...s.slots] as ViewerState['slots'];
        slots[target] = { studyKey, instanceId, frame: 0 };
        const readouts = [...s.readouts] as ViewerState['readouts'];
        readouts[target] = { status: 'loading' };
        return { slots, readouts, activeSlot: target, notice: undefined };
      });
    },
    closeStudy(studyKey) {
      const { slots, readouts, layout } = get();
      if (!slots.some((slot) => slot.studyKey === studyKey)) return;
      const visible = layout === '1x2' ? ([0, 1] as const) : ([0] as const);
      const keep = visible.find((i) => slots[i].studyKey !== undefined && slots[i].studyKey !== studyKey);
      set({
        layout: '1x1',
        activeSlot: 0,
        slots: [keep === undefined ? emptySlot() : { ...slots[keep] }, emptySlot()],
        // The kept study moves to the first viewport, which loads it there.
        readouts: [keep === undefined ? emptyReadout() : keep === 0 ? readouts[0] : { status: 'loading' }, emptyReadout()],
      });
    },
    setFrame(slot, frame) {
      set((s) => {
        const slots = [...s.slots] as ViewerState['slots'];
        slots[slot] = { ...slots[slot], frame: Math.max(0, frame) };
        return { slots };
      });
    },
    setLayout(layout) {
      set((s) => ({ layout, activeSlot: layout === '1x1' ? 0 : s.activeSlot }));
    },
    toggleLayout() {
      get().setLayout(get().layout === '1x1' ? '1x2' : '1x1');
    },
    setActiveSlot(slot) {
      set({ activeSlot: slot });
    },
    setTool(tool) {
      set({ tool });
    },
    toggleOverlay() {
      set((s) => ({ overlayVisible: !s.overlayVisible }));
    },
    setTagsOpen(open) {
      set({ tagsOpen: open });
    },
    setHelpOpen(open) {
      set({ helpOpen: open });
    },
    setReadout(slot, readout) {
      set((s) => {
        const readouts = [...s.readouts] as ViewerState['readouts'];
        readouts[slot] = { ...readouts[slot], ...readout };
        return { readouts };
      });
    },
    async comparePrior() {
      const { slots, activeSlot } = get();
      const current = slots[activeSlot].studyKey ?? slots[0].studyKey;
      if (!current) {
        set({ notice: 'Open a study first, then compare with its prior.' });
        return;
      }
      let priors;
      let priorStudyKey: string | null;
      try {
        ({ studies: priors, priorStudyKey } = await invokeOrThrow(api, 'studies:priors', { studyKey: current }));
      } catch (err) {
        set({ notice: `Prior studies could not be listed: ${errorOf(err).message}` });
        return;
      }
      // The patient's other studies come newest first; compare with the newest one dated earlier.
      const prior = priors.find((p) => p.studyKey === priorStudyKey);
      const instance = prior ? firstDisplayableInstance(prior) : undefined;
      if (!prior || !instance) {
        set({ notice: 'No prior study of this patient.' });
        return;
      }
      // Current study left, prior right: the reading convention of most PACS hanging protocols.
      const currentSlot = get().slots[activeSlot].studyKey === current ? get().slots[activeSlot] : get().slots[0];
      set((s) => ({
        layout: '1x2',
        slots: [{ ...currentSlot }, { studyKey: prior.studyKey, instanceId: instance.instanceId, frame: 0 }],
        readouts: [s.readouts[activeSlot], { status: 'loading' }],
        activeSlot: 0,
        notice: undefined,
      }));
    },
    setNotice(notice) {
      set({ notice });
    },
  }));
}
