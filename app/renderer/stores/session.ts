/**
 * Where the user left off (issue #10): the screen (worklist or viewer), the worklist row, and the
 * viewer's layout, studies, images and frames. Saved as the user works, restored when the window
 * opens or reloads, so a reload never lands on an empty viewer and a restart returns to the study
 * being read. Only archive keys and UIDs are kept (no paths, no names), in the window's own
 * storage (localStorage of the app's origin; Electron keeps it in the user-data folder).
 */
import type { AppMode } from './worklist.store';
import type { Layout, SlotIndex } from './viewer.store';
import { studyInstances, type StudiesStore } from './studies.store';
import type { ViewerStore } from './viewer.store';
import type { WorklistStore } from './worklist.store';
import { errorOf } from '../lib/api';

export interface SavedSlot {
  studyKey: string;
  /** Guards against a key from another database (keys are row ids): must match on restore. */
  studyInstanceUid?: string;
  instanceId?: string;
  frame: number;
}

export interface SavedSession {
  version: 1;
  mode: AppMode;
  layout: Layout;
  activeSlot: SlotIndex;
  slots: (SavedSlot | null)[];
  worklistStudyUid?: string;
  /** The study on screen was opened from the worklist: Esc goes back to it after a reload too. */
  openedFromWorklist?: boolean;
}

/** Where sessions are kept; tests pass an in-memory one. */
export interface SessionStorage {
  load(): SavedSession | undefined;
  save(session: SavedSession): void;
}

const STORAGE_KEY = 'cxr.session.v1';

/** The window's localStorage; a full or blocked storage only loses the restore, never the app. */
export function localSessionStorage(storage: Storage | undefined = globalThis.localStorage): SessionStorage {
  return {
    load() {
      try {
        const text = storage?.getItem(STORAGE_KEY);
        const parsed = text ? (JSON.parse(text) as SavedSession) : undefined;
        return parsed?.version === 1 && Array.isArray(parsed.slots) ? parsed : undefined;
      } catch {
        return undefined;
      }
    },
    save(session) {
      try {
        storage?.setItem(STORAGE_KEY, JSON.stringify(session));
      } catch {
        // Quota or privacy mode: the session is simply not restored next time.
      }
    },
  };
}

export function memorySessionStorage(initial?: SavedSession): SessionStorage & { saved?: SavedSession } {
  const store: SessionStorage & { saved?: SavedSession } = {
    saved: initial,
    load: () => store.saved,
    save: (s) => {
      store.saved = s;
    },
  };
  return store;
}

interface SessionStores {
  studies: StudiesStore;
  viewer: ViewerStore;
  worklist: WorklistStore;
}

/** The session as it is now. */
export function currentSession({ studies, viewer, worklist }: SessionStores): SavedSession {
  const v = viewer.getState();
  const w = worklist.getState();
  const uidOf = (studyKey: string): string | undefined => {
    for (const p of studies.getState().patients) for (const s of p.studies) if (s.studyKey === studyKey) return s.studyInstanceUid;
    return undefined;
  };
  return {
    version: 1,
    mode: w.mode,
    layout: v.layout,
    activeSlot: v.activeSlot,
    slots: v.slots.map((slot) =>
      slot.studyKey ? { studyKey: slot.studyKey, studyInstanceUid: uidOf(slot.studyKey), instanceId: slot.instanceId, frame: slot.frame } : null,
    ),
    worklistStudyUid: w.selectedUid,
    ...(w.mode === 'viewer' && w.openedFromWorklist ? { openedFromWorklist: true } : {}),
  };
}

/**
 * Restores a saved session. Studies are fetched from the archive; one that is gone (removed from
 * the database, or a key of another database) is skipped with a message, and when no study of the
 * viewer is left the worklist shows instead: never an empty viewer. A file that moved or vanished
 * still opens its study: the viewport says which file is missing and where it was.
 * A screen the user chose while this ran is kept.
 */
export async function restoreSession(stores: SessionStores, saved: SavedSession | undefined): Promise<void> {
  const { studies, viewer, worklist } = stores;
  if (!saved) return;
  if (saved.worklistStudyUid && !worklist.getState().selectedUid) worklist.setState({ selectedUid: saved.worklistStudyUid });
  // The PACS screen (issue #11) reopens as it was left; its search results are not kept.
  if (saved.mode === 'pacs' && !worklist.getState().modeChosen) worklist.getState().setMode('pacs');
  if (saved.mode !== 'viewer') return;
  const opened: { slot: SlotIndex; studyKey: string; instanceId: string; frame: number }[] = [];
  let problem: string | undefined;
  for (const [index, slot] of saved.slots.entries()) {
    if (!slot || index > 1) continue;
    try {
      const study = await studies.getState().openStudy(slot.studyKey);
      if (slot.studyInstanceUid && study.studyInstanceUid !== slot.studyInstanceUid) throw new Error('the study is not in this archive');
      const instances = studyInstances(study);
      const instance = instances.find((i) => i.instanceId === slot.instanceId) ?? instances.find((i) => !i.error) ?? instances[0];
      if (instance) opened.push({ slot: index as SlotIndex, studyKey: study.studyKey, instanceId: instance.instanceId, frame: instance.instanceId === slot.instanceId ? slot.frame : 0 });
    } catch (err) {
      problem = `The study you were reading could not be reopened: ${errorOf(err).message}`;
    }
  }
  if (worklist.getState().modeChosen) return;
  if (opened.length === 0) {
    worklist.getState().setMode('worklist');
    if (problem) worklist.getState().setMessage(problem);
    return;
  }
  const v = viewer.getState();
  v.setLayout(opened.length > 1 ? saved.layout : '1x1');
  for (const o of opened) {
    v.openInstance(o.studyKey, o.instanceId, opened.length > 1 ? o.slot : 0);
    if (o.frame > 0) v.setFrame(opened.length > 1 ? o.slot : 0, o.frame);
  }
  v.setActiveSlot(opened.length > 1 ? saved.activeSlot : 0);
  worklist.getState().setMode('viewer');
  if (saved.openedFromWorklist) worklist.setState({ openedFromWorklist: true });
  if (problem) viewer.getState().setNotice(problem);
}

/** Saves the session whenever the screen, the worklist row or what the viewer shows changes. */
export function persistSession(stores: SessionStores, storage: SessionStorage, delayMs = 200): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (): void => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      storage.save(currentSession(stores));
    }, delayMs);
  };
  const stops = [
    stores.viewer.subscribe((now, before) => {
      if (now.slots !== before.slots || now.layout !== before.layout || now.activeSlot !== before.activeSlot) schedule();
    }),
    stores.worklist.subscribe((now, before) => {
      if (now.mode !== before.mode || now.selectedUid !== before.selectedUid || now.openedFromWorklist !== before.openedFromWorklist) schedule();
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    if (timer) clearTimeout(timer);
  };
}
