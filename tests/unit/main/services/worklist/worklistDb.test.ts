import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { migrate, MIGRATIONS, openWorklistDb, SCHEMA_VERSION } from '../../../../../app/main/services/worklist/worklistDb';
import { WorklistStore } from '../../../../../app/main/services/worklist/worklistStore';
import { makeTempDir } from '../../../../fixtures/tools';
import { sampleInstance } from './storeFixtures';

const tmp = makeTempDir('cxr-worklistdb-');
afterAll(() => tmp.cleanup());

describe('openWorklistDb', () => {
  it('creates every table from an empty file and records the schema version', () => {
    const db = openWorklistDb(join(tmp.dir, 'new', 'w.sqlite'));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['ai_results', 'ingest_failures', 'instances', 'review_actions', 'series', 'studies']));
    db.close();
  });

  it('sets WAL, synchronous NORMAL, foreign keys and a busy timeout', () => {
    const db = openWorklistDb(join(tmp.dir, 'pragmas.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL; review actions commit with FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('re-opens an existing database without migrating again and keeps its rows', () => {
    const path = join(tmp.dir, 'reopen.sqlite');
    const first = openWorklistDb(path);
    new WorklistStore(first).addInstance(sampleInstance(1));
    first.close();
    const again = openWorklistDb(path);
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(new WorklistStore(again).counts().instances).toBe(1);
    again.close();
  });

  it('rolls a failing migration back and leaves the version where it was', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [...MIGRATIONS, 'CREATE TABLE extra (x); THIS IS NOT SQL'])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database written by a newer schema with a clear error', () => {
    const path = join(tmp.dir, 'newer.sqlite');
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openWorklistDb(path)).toThrow(/newer\.sqlite has schema version/);
  });
});
