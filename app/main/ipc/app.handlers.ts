/** Handlers of the `app:` and `dialog:` channels. */
import type { IpcRouter } from './handle';

/** Shows an open dialog (Electron) or answers from the harness's configured list; cancel gives []. */
export type OpenDialog = (kind: 'files' | 'folder') => Promise<string[]>;

export interface AppHandlerDeps {
  version: string;
  platform: string;
  shell: 'electron' | 'harness';
  openDialog: OpenDialog;
}

/** Registers `app:info` and `dialog:open`. */
export function registerAppHandlers(router: IpcRouter, deps: AppHandlerDeps): void {
  router.handle('app:info', () => ({ version: deps.version, platform: deps.platform, shell: deps.shell }));
  router.handle('dialog:open', async ({ kind }) => ({ paths: await deps.openDialog(kind) }));
}
