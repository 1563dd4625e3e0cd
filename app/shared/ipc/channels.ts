/**
 * The channel and event names of the IPC contract as plain constants, without zod.
 * The sandboxed preload may only `require('electron')` (Electron sandbox: preload
 * scripts get a limited `require`), so it cannot bundle-import zod through
 * contract.ts; it imports these names instead. A unit test keeps them equal to the
 * keys of `contract` and `events` in contract.ts.
 */
import type { Channel, EventName } from './contract';

/**
 * One key per contract channel. Typed as a `Record` over the contract's channel type, so
 * a channel added to contract.ts without being added here fails to compile.
 */
const channelKeys: Record<Channel, true> = {
  'app:info': true,
  'dialog:open': true,
  'studies:import': true,
  'studies:importBytes': true,
  'studies:cancelImport': true,
  'studies:list': true,
  'studies:get': true,
  'studies:priors': true,
  'studies:remove': true,
  'images:load': true,
  'images:thumbnail': true,
  'images:tags': true,
  'ai:status': true,
  'ai:classify': true,
  'ai:configure': true,
  'worklist:list': true,
  'worklist:review': true,
  'worklist:import': true,
  'worklist:cancelImport': true,
  'worklist:open': true,
  'worklist:exportCsv': true,
  'worklist:summaryPng': true,
  'ingest:sources': true,
  'ingest:configure': true,
  'storage:status': true,
  'storage:configure': true,
  'pacs:settings': true,
  'pacs:configure': true,
  'pacs:test': true,
  'pacs:find': true,
  'pacs:retrieve': true,
  'pacs:cancelRetrieve': true,
  'pacs:retrieves': true,
  'pacs:sendResults': true,
};

/** One key per contract event (same compile-time completeness check). */
const eventKeys: Record<EventName, true> = {
  'studies:importProgress': true,
  'studies:changed': true,
  'ai:status': true,
  'worklist:progress': true,
  'worklist:changed': true,
  'ingest:sources': true,
  'pacs:progress': true,
  'pacs:resultsSent': true,
};

/** Every invoke channel, `domain:verb`. */
export const channelNames = Object.keys(channelKeys) as Channel[];

/** Every event main pushes. */
export const eventNameList = Object.keys(eventKeys) as EventName[];

const channelSet: ReadonlySet<string> = new Set(channelNames);
const eventSet: ReadonlySet<string> = new Set(eventNameList);

/** True when `name` is a channel of the contract (guards strings from the other side). */
export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && channelSet.has(name);
}

/** True when `name` is an event of the contract. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventSet.has(name);
}

/** Paths of the browser harness transport (server and client agree on them here). */
export const harnessRoutes = {
  /** POST `${apiPrefix}<channel>` with an envelope body runs one invoke. */
  apiPrefix: '/api/',
  /** WebSocket endpoint; each text message is `{"event": name, "payload": value}`. */
  events: '/events',
} as const;

/**
 * Error code of `dialog:open` in the harness when it was started without
 * `--open-paths`: the harness client then asks for paths with a prompt.
 */
export const DIALOG_UNAVAILABLE = 'DIALOG_UNAVAILABLE';
