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
