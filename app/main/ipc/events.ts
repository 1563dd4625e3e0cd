/**
 * Events main pushes to the renderer (contract.ts `events`). Services get an
 * {@link EventSink} and never know the transport; the Electron shell forwards events
 * to its windows' webContents, the harness to its WebSocket clients.
 */
import type { EventName, EventPayload } from '../../shared/ipc/contract';

/** What a service needs to publish an event. */
export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** A listener on the hub receives every event. */
export type EventListener = (event: EventName, payload: unknown) => void;

/** Fan-out of main-process events to the transports' listeners. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  /** Publishes an event; a failing listener never stops the others or the service. */
  readonly emit: EventSink = (event, payload) => {
    for (const listener of [...this.listeners]) {
      try {
        listener(event, payload);
      } catch {
        // A closed window or socket must not break an import; the transport drops it.
      }
    }
  };

  /** Adds a listener; returns its unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
