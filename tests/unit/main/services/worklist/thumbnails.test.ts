/**
 * Thumbnails kept by the study archive (issue #10): stored as PNG per (instance, size), served
 * only for the content they were rendered from, and the migration that adds them to a database
 * written by the previous release (schema 2).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { instanceKeyOf } from '../../../../../app/main/services/worklist/archiveQueries';
import { migrate, MIGRATIONS, openWorklistDb, SCHEMA_VERSION } from '../../../../../app/main/services/worklist/worklistDb';
import { WorklistStore, type ArchivedThumbnail } from '../../../../../app/main/services/worklist/worklistStore';
import { makeChestImage } from '../../../../fixtures/syntheticImages';
import { makeTempDir } from '../../../../fixtures/tools';
import { sampleInstance } from './storeFixtures';

const tmp = makeTempDir('cxr-thumbnails-');
afterAll(() => tmp.cleanup());

function newStore(): WorklistStore {
  return new WorklistStore(openWorklistDb(':memory:'), () => 1_000);
}

/** A 128-px greyscale radiograph thumbnail as the decode pool renders it (RGBA, R = G = B, opaque). */
function chestThumbnail(width = 110, height = 128): ArchivedThumbnail {
  const grey = makeChestImage({ rows: height, columns: width, bitsStored: 8 });
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba.fill(grey[i], i * 4, i * 4 + 3);
    rgba[i * 4 + 3] = 255;
  }
  return { width, height, rgba, fileSize: 5_000_000, fileMtimeMs: 1_700_000_000_123.456 };
}

function addImage(store: WorklistStore, n = 1): string {
  const added = store.addInstance(sampleInstance(n));
  return instanceKeyOf(added.instanceId);
}

describe('archived thumbnails', () => {
  it('stores a radiograph thumbnail as a small greyscale PNG and gives back the same pixels and file stamp', () => {
    const store = newStore();
    const id = addImage(store);
    const thumb = chestThumbnail();
    expect(store.thumbnail(id, 128)).toBeUndefined();
    expect(store.putThumbnail(id, 128, thumb)).toBe(true);
    const back = store.thumbnail(id, 128)!;
    expect(back).toMatchObject({ width: 110, height: 128, fileSize: 5_000_000, fileMtimeMs: 1_700_000_000_123.456 });
    expect(Buffer.from(back.rgba).equals(Buffer.from(thumb.rgba))).toBe(true);
    const { bytes, colorType } = store.db.prepare('SELECT length(png) AS bytes, hex(substr(png, 26, 1)) AS colorType FROM thumbnails').get() as { bytes: number; colorType: string };
    expect(colorType).toBe('00'); // PNG greyscale (IHDR colour type 0)
    expect(bytes).toBeLessThan(10_000);
    // Another size is another row; an unknown key stores nothing.
    expect(store.thumbnail(id, 64)).toBeUndefined();
    expect(store.putThumbnail('i999', 128, thumb)).toBe(false);
    expect(store.putThumbnail('../x', 128, thumb)).toBe(false);
  });

  it('keeps colour and transparency when the thumbnail has them', () => {
    const store = newStore();
    const id = addImage(store);
    const rgba = Uint8Array.from({ length: 4 * 4 * 4 }, (_, i) => (i * 53) % 256);
    store.putThumbnail(id, 32, { width: 4, height: 4, rgba, fileSize: 1, fileMtimeMs: 1 });
    expect(Array.from(store.thumbnail(id, 32)!.rgba)).toEqual(Array.from(rgba));
  });

  it('replaces a thumbnail stored again, and never serves one rendered from other content than the recorded hash', () => {
    const store = newStore();
    const id = addImage(store);
    store.putThumbnail(id, 128, chestThumbnail());
    store.putThumbnail(id, 128, { ...chestThumbnail(64, 64), fileMtimeMs: 2 });
    expect(store.thumbnail(id, 128)).toMatchObject({ width: 64, height: 64, fileMtimeMs: 2 });
    store.db.prepare("UPDATE instances SET content_sha256 = 'f'").run();
    expect(store.thumbnail(id, 128)).toBeUndefined();
  });

  it('goes with its instance; "Remove from list" keeps it', () => {
    const store = newStore();
    const id = addImage(store);
    store.putThumbnail(id, 128, chestThumbnail());
    expect(store.removeStudy(store.studyKeyOfUid('1.2.3.1')!)).toBe(true);
    expect(store.thumbnail(id, 128)).toBeDefined();
    store.db.prepare('UPDATE studies SET top_instance_id = NULL').run();
    store.db.prepare('DELETE FROM instances').run();
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM thumbnails').get()).toEqual({ n: 0 });
  });
});

describe('migration of a database written by the previous release (schema 2)', () => {
  it('keeps every row and adds the thumbnails table', () => {
    const path = join(tmp.dir, 'release-2.sqlite');
    // What the previous release wrote: schema 2, and rows inserted with its own SQL.
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    expect(migrate(old, MIGRATIONS.slice(0, 2))).toBe(2);
    const studyId = Number(
      old.prepare("INSERT INTO studies (study_instance_uid, patient_name, patient_id, patient_key, first_arrival_ms, status) VALUES ('9.1', 'OLD^P', 'OLD-1', 'k', 1, 'triaged')").run().lastInsertRowid,
    );
    const seriesId = Number(old.prepare("INSERT INTO series (study_id, series_instance_uid) VALUES (?, '9.1.1')").run(studyId).lastInsertRowid);
    const instanceId = Number(
      old
        .prepare("INSERT INTO instances (series_id, sop_instance_uid, kind, file_path, content_sha256, source, arrival_ms, status, instance_number) VALUES (?, '9.1.1.1', 'dicom', '/old/1.dcm', 'ab', 'import', 1, 'triaged', 1)")
        .run(seriesId).lastInsertRowid,
    );
    old.prepare('UPDATE studies SET top_instance_id = ?, removed_at_ms = 5 WHERE id = ?').run(instanceId, studyId);
    old
      .prepare("INSERT INTO ai_results (instance_id, model_name, model_version, model_sha256, covid, normal, pneumonia, label, priority, out_of_distribution, ood, created_at_ms) VALUES (?, 'm', '1', 'ab', 0.7, 0.2, 0.1, 'covid', 'high', 0, 0.1, 1)")
      .run(instanceId);
    old.prepare("INSERT INTO review_actions (study_id, action, actor, note, at_ms) VALUES (?, 'note', 'nurse', 'seen', 2)").run(studyId);
    old.prepare("INSERT INTO ingest_failures (file_path, source, code, reason, failed_at_ms) VALUES ('/old/bad.dcm', 'import', 'UNREADABLE', 'bad', 1)").run();
    const dump = (db: Database.Database) =>
      Object.fromEntries(['studies', 'series', 'instances', 'ai_results', 'review_actions', 'ingest_failures'].map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY id`).all()]));
    const before = dump(old);
    old.close();

    const db = openWorklistDb(path);
    expect(SCHEMA_VERSION).toBe(3);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(dump(db)).toEqual(before);
    const store = new WorklistStore(db);
    const key = instanceKeyOf(instanceId);
    expect(store.thumbnail(key, 128)).toBeUndefined();
    expect(store.putThumbnail(key, 128, chestThumbnail())).toBe(true);
    expect(store.thumbnail(key, 128)?.width).toBe(110);
    db.close();
  });
});
