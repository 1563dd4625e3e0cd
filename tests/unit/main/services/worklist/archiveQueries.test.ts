/**
 * The study archive over the worklist database (issue #10): the browser's patient pages, one
 * study with its files checked on disk, priors by Patient ID + Issuer, "Remove from list", and
 * the migration of a database written by the previous release.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { MIGRATIONS, openWorklistDb, SCHEMA_VERSION } from '../../../../../app/main/services/worklist/worklistDb';
import { WorklistStore, type NewInstance } from '../../../../../app/main/services/worklist/worklistStore';
import { makeTempDir } from '../../../../fixtures/tools';
import { aiResult, sampleInstance } from './storeFixtures';

const tmp = makeTempDir('cxr-archive-');
afterAll(() => tmp.cleanup());

function newStore(): WorklistStore {
  let clock = 1_000;
  return new WorklistStore(openWorklistDb(':memory:'), () => ++clock);
}

/** A study of patient `id` (issuer optional) dated `date`, one image. */
function study(n: number, patientId: string, date: string, over: Partial<NewInstance> = {}): NewInstance {
  return sampleInstance(n, { patientId, patientName: `NAME^${patientId}`, studyDate: date, studyTime: '101500', ...over });
}

function keyOf(store: WorklistStore, uid: string): string {
  const key = store.studyKeyOfUid(uid);
  if (!key) throw new Error(`no study ${uid}`);
  return key;
}

describe('archive queries', () => {
  it('lists patients by name with their studies newest first, series and instances in order', () => {
    const store = newStore();
    store.addInstance(study(1, 'B', '20230101'));
    store.addInstance(study(2, 'A', '20220101'));
    store.addInstance(study(3, 'A', '20240101'));
    store.addInstance(study(4, 'A', '20240101', { studyInstanceUid: '1.2.3.3', seriesInstanceUid: '1.2.3.3.1', instanceNumber: 1 }));
    store.addInstance(study(5, 'A', '20240101', { studyInstanceUid: '1.2.3.3', seriesInstanceUid: '1.2.3.3.1', sopInstanceUid: '1.2.3.3.1.0', instanceNumber: 0 }));
    const { patients, truncated } = store.archivePatients();
    expect(truncated).toBe(false);
    expect(patients.map((p) => p.patientId)).toEqual(['A', 'B']);
    expect(patients[0].studies.map((s) => s.studyDate)).toEqual(['20240101', '20220101']);
    const latest = patients[0].studies[0];
    expect(latest.numberOfImages).toBe(3);
    expect(latest.series[0].instances.map((i) => i.instanceNumber)).toEqual([0, 1, undefined]);
    expect(latest.thumbnailInstanceId).toBe(latest.series[0].instances[0].instanceId);
    expect(JSON.stringify(patients)).not.toContain('/data/in');
  });

  it('pages and searches by name, Patient ID or accession number', () => {
    const store = newStore();
    for (let i = 0; i < 5; i++) store.addInstance(study(i, `P${i}`, '20240101', { accessionNumber: `ACC${i}` }));
    expect(store.archivePatients({ limit: 2 })).toMatchObject({ truncated: true, patients: [{ patientId: 'P0' }, { patientId: 'P1' }] });
    expect(store.archivePatients({ search: 'p3' }).patients.map((p) => p.patientId)).toEqual(['P3']);
    expect(store.archivePatients({ search: 'ACC4' }).patients.map((p) => p.patientId)).toEqual(['P4']);
    expect(store.archivePatients({ search: '%' }).patients).toEqual([]);
    const key = store.archivePatients({ search: 'P2' }).patients[0].patientKey;
    expect(store.archivePatients({ patientKey: key }).patients.map((p) => p.patientId)).toEqual(['P2']);
  });

  it('finds priors by Patient ID and Issuer, newest first; the prior is the newest earlier study', () => {
    const store = newStore();
    store.addInstance(study(1, 'X', '20200101', { issuerOfPatientId: 'HOSP-A' }));
    store.addInstance(study(2, 'X', '20220101', { issuerOfPatientId: 'HOSP-A' }));
    store.addInstance(study(3, 'X', '20230101', { issuerOfPatientId: 'HOSP-A' }));
    store.addInstance(study(4, 'X', '20250101', { issuerOfPatientId: 'HOSP-A' }));
    // Same ID from another issuer: another person.
    store.addInstance(study(5, 'X', '20221231', { issuerOfPatientId: 'HOSP-B' }));
    const priors = store.archivePriors(keyOf(store, '1.2.3.3'))!;
    expect(priors.studies.map((s) => s.studyDate)).toEqual(['20250101', '20220101', '20200101']);
    expect(priors.priorStudyKey).toBe(keyOf(store, '1.2.3.2'));
    expect(store.archivePriors(keyOf(store, '1.2.3.1'))!.priorStudyKey).toBeNull();
    expect(store.archivePriors(keyOf(store, '1.2.3.5'))).toEqual({ studies: [], priorStudyKey: null });
    expect(store.archivePriors('s999')).toBeUndefined();
  });

  it('gives no priors to a patient without a Patient ID (a name does not identify a person)', () => {
    const store = newStore();
    store.addInstance(study(1, '', '20200101', { patientName: 'SAME^NAME' }));
    store.addInstance(study(2, '', '20220101', { patientName: 'SAME^NAME' }));
    expect(store.archivePriors(keyOf(store, '1.2.3.2'))).toEqual({ studies: [], priorStudyKey: null });
    // …but the browser still groups them under one name.
    expect(store.archivePatients().patients).toHaveLength(1);
  });

  it('gives each worklist study its previous study and COVID probability (cxr worklist prior)', () => {
    const store = newStore();
    const a = store.addInstance(study(1, 'X', '20200101'));
    store.addInstance(study(2, 'X', '20220101'));
    if (!a.added) throw new Error('not added');
    store.recordAiResult(a.instanceId, aiResult(0.8));
    expect(store.previousStudies(['1.2.3.2', '1.2.3.1', 'nope'])).toEqual({
      '1.2.3.2': { studyInstanceUid: '1.2.3.1', studyDate: '20200101', covid: 0.8 },
      '1.2.3.1': null,
      nope: null,
    });
  });

  it('lists a file that moved or vanished as missing with its path, and the rest of the study opens', () => {
    const store = newStore();
    const present = join(tmp.dir, 'present.dcm');
    writeFileSync(present, 'x');
    store.addInstance(study(1, 'X', '20200101', { filePath: present }));
    store.addInstance(study(2, 'X', '20200101', { filePath: join(tmp.dir, 'gone.dcm'), studyInstanceUid: '1.2.3.1', seriesInstanceUid: '1.2.3.1.1' }));
    const found = store.archiveStudy(keyOf(store, '1.2.3.1'))!;
    const [ok, gone] = found.patient.studies[0].series[0].instances;
    expect(ok.error).toBeUndefined();
    expect(gone.error).toEqual({ code: 'FILE_MISSING', message: `gone.dcm is missing: it is no longer at ${join(tmp.dir, 'gone.dcm')}` });
    expect(store.resolveInstance(ok.instanceId)).toMatchObject({ path: present, fileName: 'present.dcm', numberOfFrames: 1 });
    expect(store.resolveInstance('i999')).toBeUndefined();
    expect(store.resolveInstance('../etc')).toBeUndefined();
  });

  it('"Remove from list" hides the study from browser and worklist, keeps rows and audit trail, and opening it again restores it', () => {
    const store = newStore();
    const added = store.addInstance(study(1, 'X', '20200101'));
    if (!added.added) throw new Error('not added');
    store.recordAiResult(added.instanceId, aiResult(0.9));
    store.recordReview('1.2.3.1', { action: 'reviewed', actor: 'nurse' });
    const key = keyOf(store, '1.2.3.1');
    expect(store.removeStudy(key)).toBe(true);
    expect(store.removeStudy(key)).toBe(false);
    expect(store.archivePatients().patients).toEqual([]);
    expect(store.worklist()).toEqual([]);
    expect(store.archiveStudy(key)?.removed).toBe(true);
    expect(store.auditTrail('1.2.3.1')).toHaveLength(1);
    expect(store.counts()).toMatchObject({ studies: 1, instances: 1, aiResults: 1 });
    // The same file opened again: a duplicate, and the study is back.
    expect(store.addInstance(study(1, 'X', '20200101'))).toMatchObject({ added: false });
    expect(store.worklist().map((e) => e.studyInstanceUid)).toEqual(['1.2.3.1']);
  });

  it('lists a non-image object under its study but never as a worklist row', () => {
    const store = newStore();
    store.addInstance(study(1, 'X', '20200101', { isImage: false, sopClassUid: '1.2.840.10008.5.1.4.1.1.88.22' }));
    expect(store.worklist()).toEqual([]);
    expect(store.pendingInstances()).toEqual([]);
    const instance = store.archivePatients().patients[0].studies[0].series[0].instances[0];
    expect(instance.error?.code).toBe('NOT_AN_IMAGE');
    // An image arriving later in the same study makes it a worklist row.
    store.addInstance(study(2, 'X', '20200101', { studyInstanceUid: '1.2.3.1', seriesInstanceUid: '1.2.3.1.2' }));
    expect(store.worklist()).toHaveLength(1);
  });
});

describe('migration of a database written by the previous release (schema 1)', () => {
  it('keeps every row and the audit trail, fills the patient keys, and priors work on old rows', () => {
    const path = join(tmp.dir, 'release-1.sqlite');
    // Exactly what the previous release wrote: schema 1 and its rows, with its own SQL.
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec(MIGRATIONS[0]);
    old.pragma('user_version = 1');
    const insertStudy = old.prepare(
      `INSERT INTO studies (study_instance_uid, patient_name, patient_id, study_date, study_time, modality, first_arrival_ms, status, covid, rank_covid, ai_priority, top_instance_id)
       VALUES (?, 'OLD^PATIENT', 'OLD-1', ?, '120000', 'DX', ?, 'triaged', ?, ?, 'high', NULL)`,
    );
    for (const [n, date] of [[1, '20190101'], [2, '20210101']] as const) {
      const studyId = Number(insertStudy.run(`9.${n}`, date, n, 0.5 + n / 10, 0.5 + n / 10).lastInsertRowid);
      const seriesId = Number(old.prepare("INSERT INTO series (study_id, series_instance_uid, modality) VALUES (?, ?, 'DX')").run(studyId, `9.${n}.1`).lastInsertRowid);
      const instanceId = Number(
        old
          .prepare("INSERT INTO instances (series_id, sop_instance_uid, kind, file_path, content_sha256, source, arrival_ms, status) VALUES (?, ?, 'dicom', ?, ?, 'import', ?, 'triaged')")
          .run(seriesId, `9.${n}.1.1`, `/old/${n}.dcm`, String(n).repeat(64), n).lastInsertRowid,
      );
      old.prepare('UPDATE studies SET top_instance_id = ? WHERE id = ?').run(instanceId, studyId);
      old
        .prepare("INSERT INTO ai_results (instance_id, model_name, model_version, model_sha256, covid, normal, pneumonia, label, priority, out_of_distribution, ood, created_at_ms) VALUES (?, 'cxr-tri-v1', '1.0.0', 'ab', ?, 0.2, 0.1, 'covid', 'high', 0, 0.1, ?)")
        .run(instanceId, 0.5 + n / 10, n);
      old.prepare("INSERT INTO review_actions (study_id, action, actor, note, at_ms) VALUES (?, 'escalated', 'nurse', 'call', ?)").run(studyId, n);
    }
    old.prepare("INSERT INTO ingest_failures (file_path, source, code, reason, failed_at_ms) VALUES ('/old/bad.dcm', 'import', 'UNREADABLE', 'bad.dcm: not DICOM', 1)").run();
    const before = old.prepare('SELECT (SELECT COUNT(*) FROM studies) s, (SELECT COUNT(*) FROM instances) i, (SELECT COUNT(*) FROM ai_results) r, (SELECT COUNT(*) FROM review_actions) a, (SELECT COUNT(*) FROM ingest_failures) f').get();
    old.close();

    const db = openWorklistDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const after = db.prepare('SELECT (SELECT COUNT(*) FROM studies) s, (SELECT COUNT(*) FROM instances) i, (SELECT COUNT(*) FROM ai_results) r, (SELECT COUNT(*) FROM review_actions) a, (SELECT COUNT(*) FROM ingest_failures) f').get();
    expect(after).toEqual(before);
    const store = new WorklistStore(db);
    expect(store.auditTrail('9.2')).toEqual([{ action: 'escalated', actor: 'nurse', note: 'call', atMs: 2 }]);
    expect(store.worklist().map((e) => e.studyInstanceUid)).toEqual(['9.2', '9.1']);
    const priors = store.archivePriors(keyOf(store, '9.2'))!;
    expect(priors.priorStudyKey).toBe(keyOf(store, '9.1'));
    expect(store.previousStudies(['9.2'])['9.2']).toMatchObject({ studyInstanceUid: '9.1', covid: 0.6 });
    expect(store.archivePatients().patients).toHaveLength(1);
    // The audit trail is still append-only after the migration.
    expect(() => db.prepare('DELETE FROM review_actions').run()).toThrow(/append-only/);
    db.close();
  });
});
