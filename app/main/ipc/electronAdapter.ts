/**
 * The Electron transport of the {@link IpcRouter}: one `ipcMain.handle` per contract
 * channel, each checking that the sender is the app's own top frame first (VS Code
 * `validatedIpcMain`), and events forwarded to the windows. Structural types stand in
 * for Electron's so unit tests drive it with fakes.
 */
import { channelNames } from '../../shared/ipc/channels';
import type { Result } from '../../shared/result';
import { isTrustedSender, type SenderFrameLike } from '../security/electronHardening';
import type { EventHub } from './events';
import { IpcErrorCode, type IpcRouter } from './handle';

/** What the adapter uses of Electron's IpcMainInvokeEvent. */
export interface InvokeEventLike {
  senderFrame: SenderFrameLike | null;
}

/** What the adapter uses of Electron's ipcMain. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Registers every contract channel on ipcMain; returns a function that removes them. */
export function registerIpcMain(ipcMain: IpcMainLike, router: IpcRouter, trusted: (frame: SenderFrameLike | null) => boolean = isTrustedSender): () => void {
  for (const channel of channelNames) {
    ipcMain.handle(channel, async (event, request): Promise<Result<unknown>> => {
      if (!trusted(event.senderFrame)) {
        return { ok: false, error: { code: IpcErrorCode.untrustedSender, message: 'IPC is only accepted from the app window' } };
      }
      return router.dispatch(channel, request, { shell: 'electron' });
    });
  }
  return () => {
    for (const channel of channelNames) ipcMain.removeHandler(channel);
  };
}

/** What event forwarding uses of a window's webContents. */
export interface EventTargetLike {
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
}

/** Sends every hub event to the current windows; returns the unsubscribe function. */
export function forwardEventsToWindows(events: EventHub, targets: () => EventTargetLike[]): () => void {
  return events.subscribe((event, payload) => {
    for (const target of targets()) if (!target.isDestroyed()) target.send(event, payload);
  });
}
