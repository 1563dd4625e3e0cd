/**
 * The worklist's ingest sources as the renderer sees them (issue #5): the DICOM listener's and
 * the watched folder's state from `ingest:sources` and its event, whether the Sources dialog is
 * open (the worklist's keys stay off meanwhile), and saving a change through `ingest:configure`,
 * whose validation problems come back as data. Created with its API so unit tests pass a fake.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { IngestSourcesStatus, PreloadApi, RequestOf } from '../../shared/ipc/contract';
import { errorOf, invokeOrThrow } from '../lib/api';

export type SourcesChange = RequestOf<'ingest:configure'>;

export interface SourcesState {
  status?: IngestSourcesStatus;
  dialogOpen: boolean;
  saving: boolean;
  /** Why the last change was refused (main's validation, or the call failing). */
  problems: string[];
  /** Reads the status once and follows `ingest:sources` events; returns the unsubscribe. */
  connect(): () => void;
  openDialog(): void;
  closeDialog(): void;
  /** Applies a change; true when main accepted it (the listener may still fail, see `status`). */
  save(change: SourcesChange): Promise<boolean>;
  /** The native folder dialog (or the harness's prompt); undefined when cancelled or unavailable. */
  browseFolder(): Promise<string | undefined>;
}

export type SourcesStore = StoreApi<SourcesState>;

export function createSourcesStore(api: PreloadApi): SourcesStore {
  return createStore<SourcesState>()((set) => ({
    status: undefined,
    dialogOpen: false,
    saving: false,
    problems: [],
    connect() {
      void invokeOrThrow(api, 'ingest:sources', {}).then(
        (status) => set({ status }),
        () => undefined,
      );
      return api.on('ingest:sources', (status) => set({ status }));
    },
    openDialog() {
      set({ dialogOpen: true, problems: [] });
    },
    closeDialog() {
      set({ dialogOpen: false, problems: [] });
    },
    async save(change) {
      set({ saving: true, problems: [] });
      try {
        const { status, problems } = await invokeOrThrow(api, 'ingest:configure', change);
        set({ status, problems, saving: false });
        return problems.length === 0;
      } catch (err) {
        set({ problems: [`The settings could not be applied: ${errorOf(err).message}`], saving: false });
        return false;
      }
    },
    async browseFolder() {
      try {
        const { paths } = await invokeOrThrow(api, 'dialog:open', { kind: 'folder' });
        return paths[0];
      } catch {
        return undefined;
      }
    },
  }));
}
