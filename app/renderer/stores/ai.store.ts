/**
 * The AI as the renderer sees it (issue #4): model/provider status (`ai:status` and its
 * event), one result per image with a running / failed / done state (`ai:classify`), and
 * the heatmap overlay settings (visible, class, opacity). Created with its API as an
 * argument so unit tests pass a fake.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError } from '../../shared/result';
import type { AiResult, AiStatus, PreloadApi } from '../../shared/ipc/contract';
import { errorOf, invokeOrThrow } from '../lib/api';

export type AiEntry = { state: 'running' } | { state: 'done'; result: AiResult } | { state: 'failed'; error: AppError };

export interface CamOverlaySettings {
  visible: boolean;
  /** Label whose Grad-CAM is shown; undefined = the predicted label. */
  classLabel?: string;
  /** 0..1 */
  opacity: number;
}

export interface AiState {
  status?: AiStatus;
  /** Results by `${instanceId}:${frame}`. */
  entries: Record<string, AiEntry>;
  overlay: CamOverlaySettings;
  /** Reads the status once and follows `ai:status` events; returns the unsubscribe function. */
  connect(): () => void;
  /** Classifies a frame once (re-running only after a failure). */
  classify(instanceId: string, frame?: number): Promise<void>;
  setOverlay(change: Partial<CamOverlaySettings>): void;
  configure(change: { forceCpu?: boolean; customModelPath?: string | null }): Promise<AppError | undefined>;
}

export type AiStore = StoreApi<AiState>;

export const aiEntryKey = (instanceId: string, frame = 0): string => `${instanceId}:${frame}`;

export function createAiStore(api: PreloadApi): AiStore {
  return createStore<AiState>()((set, get) => ({
    status: undefined,
    entries: {},
    overlay: { visible: false, opacity: 0.45 },
    connect() {
      void invokeOrThrow(api, 'ai:status', {}).then(
        (status) => set({ status }),
        () => undefined,
      );
      return api.on('ai:status', (status) => set({ status }));
    },
    async classify(instanceId, frame = 0) {
      const key = aiEntryKey(instanceId, frame);
      const existing = get().entries[key];
      if (existing && existing.state !== 'failed') return;
      set((s) => ({ entries: { ...s.entries, [key]: { state: 'running' } } }));
      let next: AiEntry;
      try {
        next = { state: 'done', result: await invokeOrThrow(api, 'ai:classify', { instanceId, frame }) };
      } catch (err) {
        next = { state: 'failed', error: errorOf(err) };
      }
      set((s) => ({ entries: { ...s.entries, [key]: next } }));
    },
    setOverlay(change) {
      set((s) => ({ overlay: { ...s.overlay, ...change } }));
    },
    async configure(change) {
      try {
        const status = await invokeOrThrow(api, 'ai:configure', change);
        // A new model or provider: earlier results are for the old one.
        set({ status, entries: {} });
        return undefined;
      } catch (err) {
        return errorOf(err);
      }
    },
  }));
}

/** One side of a side-by-side comparison: what a viewport shows, and its study's date. */
export interface ComparedImage {
  slot: 0 | 1;
  studyKey: string;
  instanceId: string;
  frame: number;
  /** DICOM DA (YYYYMMDD) of the study, when known. */
  studyDate?: string;
}

/**
 * The two sides of a 1×2 comparison of two different studies, the newer study as `current` (the
 * later date; left viewport when dates are equal or unknown), or undefined when the viewports do not
 * show two studies.
 */
export function comparedImages(
  layout: '1x1' | '1x2',
  slots: readonly { studyKey?: string; instanceId?: string; frame: number }[],
  studyDate: (studyKey: string) => string | undefined,
): { current: ComparedImage; prior: ComparedImage } | undefined {
  if (layout !== '1x2') return undefined;
  const sides: ComparedImage[] = [];
  for (const slot of [0, 1] as const) {
    const s = slots[slot];
    if (!s?.studyKey || !s.instanceId) return undefined;
    sides.push({ slot, studyKey: s.studyKey, instanceId: s.instanceId, frame: s.frame, studyDate: studyDate(s.studyKey) });
  }
  const [left, right] = sides;
  if (left.studyKey === right.studyKey) return undefined;
  const rightIsNewer = Boolean(left.studyDate && right.studyDate && right.studyDate > left.studyDate);
  return rightIsNewer ? { current: right, prior: left } : { current: left, prior: right };
}

/** The label whose probability the change is reported for. */
export const COVID_LABEL = 'covid';

/**
 * The change in P(COVID) from the prior to the current image, or why it is not given: a result
 * still missing or failed, or results of different models, which are not comparable. `unreliable`
 * when the out-of-distribution guard fired for either image: the change is shown with that
 * warning, as the panel shows such a result's probabilities with its warning.
 */
export function covidChange(current: AiEntry | undefined, prior: AiEntry | undefined): { delta: number; unreliable: boolean } | { reason: string } {
  if (current?.state !== 'done' || prior?.state !== 'done') {
    if (current?.state === 'failed' || prior?.state === 'failed') return { reason: 'an AI result failed' };
    return { reason: 'waiting for both AI results' };
  }
  const a = current.result;
  const b = prior.result;
  if (a.model.sha256 !== b.model.sha256) return { reason: 'the results come from different models' };
  const pa = a.probabilities[COVID_LABEL];
  const pb = b.probabilities[COVID_LABEL];
  if (typeof pa !== 'number' || typeof pb !== 'number') return { reason: 'the model gives no COVID-19 probability' };
  return { delta: pa - pb, unreliable: a.outOfDistribution || b.outOfDistribution };
}

/** "+0.23", "−0.05" (a true minus sign), "±0.00". */
export function formatDelta(delta: number): string {
  const rounded = Math.round(delta * 100) / 100;
  if (rounded === 0) return '±0.00';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(2)}`;
}
