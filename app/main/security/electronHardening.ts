/**
 * Electron security defaults (issue #2, STYLE.md §4; Electron's security checklist):
 * no new windows, no navigation off app://, no webviews, every permission request
 * denied, no remote content. Only `import type` from electron here, so the module loads
 * (and is type-checked) without the Electron binary; the composition root passes the
 * real objects in.
 */
import type { Session, WebContents } from 'electron';
import { isAppUrl } from './appProtocol';

/** Locks down one webContents (call from `app.on('web-contents-created')`). */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** URL prefixes the renderer must never load: anything remote, and local files. */
export const BLOCKED_URL_PATTERNS = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*', 'file:///*'];

/** Denies permissions (camera, notifications, …) and blocks every request off app://. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest({ urls: BLOCKED_URL_PATTERNS }, (_details, callback) => callback({ cancel: true }));
}

/** The part of an IPC sender frame the check reads (Electron's WebFrameMain). */
export interface SenderFrameLike {
  url: string;
  parent: unknown;
}

/**
 * True when an IPC message comes from the app's own top frame (VS Code's
 * `validatedIpcMain`): a sub-frame or any page that is not app://renderer is refused.
 */
export function isTrustedSender(frame: SenderFrameLike | null | undefined): boolean {
  return Boolean(frame) && frame!.parent === null && isAppUrl(frame!.url);
}
