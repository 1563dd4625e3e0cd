/**
 * Storage of the study catalog behind an interface: in memory for now; a later issue
 * adds a SQLite store implementing the same methods. The interface is synchronous
 * because the planned SQLite drivers for Node (better-sqlite3, node:sqlite) are.
 */
import type { AppError } from '../../../shared/result';
import type { InstanceHeader } from '../decoding/decodeService';

/** One imported file as the catalog keeps it. Never leaves main: `path` is private to main. */
export interface InstanceRecord {
  /** Hash-based id (no path, no patient data); the renderer's handle on this file. */
  instanceId: string;
  /** Absolute path, resolved at import. Only main reads it (images:load, thumbnails, tags). */
  path: string;
  /** Base name for messages and the study list. */
  fileName: string;
  header: InstanceHeader;
  patientKey: string;
  studyKey: string;
  seriesKey: string;
  /** Set when the file was recognised but cannot be displayed (SR, PDF, …). */
  error?: AppError;
  /** Monotonic import order, used as a stable tiebreak when sorting. */
  sequence: number;
}

/** What the catalog needs from storage. */
export interface CatalogStore {
  add(record: InstanceRecord): void;
  get(instanceId: string): InstanceRecord | undefined;
  findBySopInstanceUid(sopInstanceUid: string): InstanceRecord | undefined;
  findByPath(path: string): InstanceRecord | undefined;
  all(): InstanceRecord[];
  size(): number;
}

/** The in-memory store: three maps, lost when the process exits. */
export class InMemoryCatalogStore implements CatalogStore {
  private readonly byId = new Map<string, InstanceRecord>();
  private readonly bySop = new Map<string, InstanceRecord>();
  private readonly byPath = new Map<string, InstanceRecord>();

  add(record: InstanceRecord): void {
    this.byId.set(record.instanceId, record);
    if (record.header.sopInstanceUid) this.bySop.set(record.header.sopInstanceUid, record);
    this.byPath.set(record.path, record);
  }
  get(instanceId: string): InstanceRecord | undefined {
    return this.byId.get(instanceId);
  }
  findBySopInstanceUid(sopInstanceUid: string): InstanceRecord | undefined {
    return this.bySop.get(sopInstanceUid);
  }
  findByPath(path: string): InstanceRecord | undefined {
    return this.byPath.get(path);
  }
  all(): InstanceRecord[] {
    return [...this.byId.values()];
  }
  size(): number {
    return this.byId.size;
  }
}
