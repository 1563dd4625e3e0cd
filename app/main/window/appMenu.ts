/**
 * The native menu: Open file(s) / Open folder start an import in main directly (the
 * renderer follows through `studies:importProgress` and `studies:changed` events).
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuActions {
  open(kind: 'files' | 'folder'): void;
  /** Developer tools entry only in unpackaged (development) builds. */
  devTools: boolean;
  isMac: boolean;
}

/** The menu template (pure data; the composition root builds the Menu from it). */
export function appMenuTemplate(actions: AppMenuActions): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open File…', accelerator: 'CmdOrCtrl+O', click: () => actions.open('files') },
      { label: 'Open Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.open('folder') },
      { type: 'separator' },
      actions.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(actions.devTools ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
    ],
  };
  const edit: MenuItemConstructorOptions = { role: 'editMenu' };
  return actions.isMac ? [{ role: 'appMenu' }, file, edit, view, { role: 'windowMenu' }] : [file, edit, view];
}
