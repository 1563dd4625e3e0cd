/**
 * Opens the worklist database (SQLite through better-sqlite3, a native module kept in
 * main-process services only) and brings its schema up to date (issue #5).
 *
 * Schema versions live in `PRAGMA user_version`; {@link MIGRATIONS} is an ordered list of SQL
 * scripts, script i takes the database from version i to i + 1 and runs in its own
 * transaction together with the version bump, so a crash mid-migration leaves the old version.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { CodedError } from '../../../shared/result';
import { patientKeyOf } from './patientKey';

/** The better-sqlite3 connection type. */
export type WorklistDatabase = Database.Database;

/** File name of the database inside the user-data folder. */
export const DATABASE_FILE_NAME = 'worklist.sqlite';

/**
 * Ordered migrations. Never edit a shipped entry: append a new one.
 *
 * Design notes:
 * - `studies` carries a denormalised AI summary (covid, rank_covid, ai_priority,
 *   out_of_distribution, top_instance_id), rewritten in the same transaction as each AI result, so the worklist
 *   query is one indexed scan of one table (10,000 entries in well under 100 ms).
 *   `rank_covid` is the COVID probability used for ranking: NULL for out-of-distribution
 *   studies, which are not ranked by a meaningless probability (issue #5) but kept in their own
 *   group on top in arrival order; `covid` keeps the model's value for display.
 * - Identity follows the standard: a study is its Study Instance UID (0020,000D), a series its
 *   Series Instance UID (0020,000E), an instance its SOP Instance UID (0008,0018), unique
 *   worldwide (PS3.5 9). PNG/JPEG have none: ingest derives UIDs from the content sha256,
 *   so the same picture imported twice is the same instance.
 * - `review_actions` is append-only (triggers RAISE on UPDATE/DELETE): the audit trail.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE studies (
    id INTEGER PRIMARY KEY,
    study_instance_uid TEXT NOT NULL UNIQUE,
    patient_name TEXT,
    patient_id TEXT,
    patient_birth_date TEXT,
    patient_sex TEXT,
    study_date TEXT,
    study_time TEXT,
    study_description TEXT,
    accession_number TEXT,
    modality TEXT,
    first_arrival_ms INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'triaged', 'reviewed', 'escalated', 'failed')),
    failure_reason TEXT,
    reviewer TEXT,
    note TEXT,
    reviewed_at_ms INTEGER,
    covid REAL,
    rank_covid REAL,
    ai_priority TEXT CHECK (ai_priority IS NULL OR ai_priority IN ('high', 'medium', 'low', 'unreliable')),
    out_of_distribution INTEGER NOT NULL DEFAULT 0,
    top_instance_id INTEGER
  );
  CREATE INDEX studies_display ON studies (out_of_distribution DESC, rank_covid DESC, first_arrival_ms ASC, id ASC);
  CREATE INDEX studies_arrival ON studies (first_arrival_ms);
  CREATE INDEX studies_status ON studies (status);
  CREATE INDEX studies_priority ON studies (ai_priority);

  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE RESTRICT,
    series_instance_uid TEXT NOT NULL,
    modality TEXT,
    series_number INTEGER,
    series_description TEXT,
    body_part_examined TEXT,
    view_position TEXT,
    -- Per study, not globally: a Series Instance UID reused by another study (a broken
    -- modality or anonymiser) must never file one patient's image under another's study.
    UNIQUE (study_id, series_instance_uid)
  );
  CREATE INDEX series_study ON series (study_id);

  CREATE TABLE instances (
    id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE RESTRICT,
    sop_instance_uid TEXT NOT NULL UNIQUE,
    sop_class_uid TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('dicom', 'png', 'jpeg')),
    file_path TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    transfer_syntax_uid TEXT,
    rows INTEGER,
    columns INTEGER,
    source TEXT NOT NULL,
    arrival_ms INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'triaged', 'failed')),
    failure_code TEXT,
    failure_reason TEXT
  );
  CREATE INDEX instances_series ON instances (series_id);
  CREATE INDEX instances_sha256 ON instances (content_sha256);
  CREATE INDEX instances_path ON instances (file_path);
  CREATE INDEX instances_pending ON instances (arrival_ms) WHERE status = 'pending';

  CREATE TABLE ai_results (
    id INTEGER PRIMARY KEY,
    instance_id INTEGER NOT NULL REFERENCES instances (id) ON DELETE RESTRICT,
    model_name TEXT NOT NULL,
    model_version TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    covid REAL NOT NULL,
    normal REAL NOT NULL,
    pneumonia REAL NOT NULL,
    label TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low', 'unreliable')),
    out_of_distribution INTEGER NOT NULL,
    ood REAL NOT NULL,
    created_at_ms INTEGER NOT NULL
  );
  CREATE INDEX ai_results_instance ON ai_results (instance_id, id);

  CREATE TABLE ingest_failures (
    id INTEGER PRIMARY KEY,
    file_path TEXT NOT NULL UNIQUE,
    content_sha256 TEXT,
    source TEXT NOT NULL,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    failed_at_ms INTEGER NOT NULL
  );

  CREATE TABLE review_actions (
    id INTEGER PRIMARY KEY,
    study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE RESTRICT,
    action TEXT NOT NULL CHECK (action IN ('reviewed', 'escalated', 'note')),
    actor TEXT NOT NULL,
    note TEXT,
    at_ms INTEGER NOT NULL
  );
  CREATE INDEX review_actions_study ON review_actions (study_id, id);
  CREATE TRIGGER review_actions_no_update BEFORE UPDATE ON review_actions
  BEGIN SELECT RAISE(ABORT, 'review_actions is append-only: UPDATE refused'); END;
  CREATE TRIGGER review_actions_no_delete BEFORE DELETE ON review_actions
  BEGIN SELECT RAISE(ABORT, 'review_actions is append-only: DELETE refused'); END;
  `,
  // 2 (issue #10): the worklist database becomes the one local study archive that the viewer's
  // study browser, the worklist and the CLI all read.
  // - `patient_key` names a patient for the browser and for priors: a hash of Issuer of Patient
  //   ID (0010,0021) and Patient ID (0010,0020), or of the name alone when there is no ID (such a
  //   patient has no priors: a name does not identify a person). Filled for existing rows by the
  //   SQL function cxr_patient_key (registered by openWorklistDb; patientKey.ts).
  // - `removed_at_ms`: "Remove from list" hides a study; rows, results and the audit trail stay,
  //   the user's files are never touched, and opening the study again brings it back.
  // - Non-image objects (SR, PDF) are listed under their study (`is_image = 0`, status failed
  //   with NOT_AN_IMAGE) but never become a study's top image, so they never make a worklist row.
  // - `purged_at_ms`: a received file deleted by the storage retention rule; its row stays.
  `
  ALTER TABLE studies ADD COLUMN issuer_of_patient_id TEXT;
  ALTER TABLE studies ADD COLUMN patient_key TEXT;
  ALTER TABLE studies ADD COLUMN removed_at_ms INTEGER;
  UPDATE studies SET patient_key = cxr_patient_key(issuer_of_patient_id, patient_id, patient_name);
  CREATE INDEX studies_patient ON studies (patient_key, study_date, study_time);
  -- The browser's pages in name order (unnamed last), and its search, read only this index (archiveQueries.ts).
  CREATE INDEX studies_browse ON studies (ifnull(patient_name, char(1114111)) COLLATE NOCASE, patient_key, patient_name, patient_id, accession_number, removed_at_ms);

  ALTER TABLE instances ADD COLUMN instance_number INTEGER;
  ALTER TABLE instances ADD COLUMN number_of_frames INTEGER;
  ALTER TABLE instances ADD COLUMN is_image INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE instances ADD COLUMN purged_at_ms INTEGER;
  CREATE INDEX instances_received ON instances (arrival_ms) WHERE source = 'listener' AND purged_at_ms IS NULL;
  `,
  // 3 (issue #10): the archive keeps each instance's browser thumbnail, so a start no longer
  // decodes every file again. One row per (instance, requested size); `png` is the thumbnail as
  // PNG (greyscale for a radiograph: ~8 KB at 128 px; thumbnailCodec.ts).
  // A thumbnail is only as good as the file it was rendered from: it records the instance's
  // content hash (a row whose hash no longer matches is never served) and the size and mtime of
  // the file it was rendered from (images:thumbnail compares them with the file on disk, so a
  // file replaced in place is rendered again). Instances are never deleted today; should they
  // be, their thumbnails go with them (ON DELETE CASCADE). "Remove from list" keeps them.
  `
  CREATE TABLE thumbnails (
    instance_id INTEGER NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    size INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    file_mtime_ms REAL NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    png BLOB NOT NULL,
    created_at_ms INTEGER NOT NULL,
    -- Not WITHOUT ROWID: SQLite advises that only for rows well under a page, and these hold KBs.
    PRIMARY KEY (instance_id, size)
  );
  `,
];

/** Schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export interface OpenWorklistOptions {
  /** Open without creating or migrating (for read-only tools); default false. */
  readonly?: boolean;
  /** How long a writer waits for another process's lock (the app and `cxr listen` share the file); default 5000 ms. */
  busyTimeoutMs?: number;
}

/**
 * Default database path: `<userData>/worklist.sqlite`. The app injects Electron's
 * `app.getPath('userData')`; the CLI uses {@link defaultUserDataDir}, the same folder.
 */
export function defaultDatabasePath(userDataDir: string = defaultUserDataDir()): string {
  return join(userDataDir, DATABASE_FILE_NAME);
}

/**
 * The folder Electron's `app.getPath('userData')` gives for this app ("cxr-triage", the package
 * name) on each platform, so `cxr listen` and an open app share one database without Electron.
 */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const name = 'cxr-triage';
  if (env.CXR_USER_DATA) return env.CXR_USER_DATA;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name);
}

/**
 * Opens (creating when needed) and migrates the database.
 *
 * Pragmas, and why:
 * - `journal_mode = WAL`: readers (the app's list) never block the writer (`cxr listen`) and a
 *   crash leaves the main file consistent; the WAL is replayed on the next open.
 * - `synchronous = NORMAL` for the connection: in WAL mode a commit is then durable against a
 *   killed process (kill -9: the WAL is in the OS cache and replayed) and the database stays
 *   consistent on power loss, which may only drop the last few ingest commits. Those are
 *   reproducible: the files are still on disk (received instances are fsynced before the SCP
 *   answers Success) and `cxr listen` re-ingests unknown files of its storage folder on start.
 *   FULL would fsync the WAL on every commit: ~6 ms here, twice per image, on the main thread,
 *   which alone cost ~40 % of import throughput (bench/worklist.bench.ts).
 * - `synchronous = FULL` around each review action ({@link WorklistStore.recordReview}): a
 *   nurse's review is not reproducible, and issue #5 asks that nothing done is lost "even if
 *   the PC loses power"; that commit also syncs every earlier one in the WAL.
 * - `foreign_keys = ON`: SQLite leaves them off by default.
 * - `busy_timeout`: two processes may write the same file; wait instead of failing at once.
 */
export function openWorklistDb(path: string, options: OpenWorklistOptions = {}): WorklistDatabase {
  const fileName = path === ':memory:' ? ':memory:' : path.split(/[\\/]/).pop();
  let db: WorklistDatabase;
  try {
    if (!options.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new CodedError('DB_OPEN_FAILED', `cannot open worklist database ${fileName}: ${(err as Error).message}`);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? 5000))}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new CodedError('DB_TOO_NEW', `worklist database ${fileName} has schema version ${version}; this build knows up to ${SCHEMA_VERSION}`);
    }
    if (!options.readonly) migrate(db);
    else if (version < SCHEMA_VERSION) throw new CodedError('DB_OUTDATED', `worklist database ${fileName} needs migrating (version ${version} < ${SCHEMA_VERSION}); open it once read-write`);
    return db;
  } catch (err) {
    db.close();
    throw err instanceof CodedError ? err : new CodedError('DB_OPEN_FAILED', `cannot open worklist database ${fileName}: ${(err as Error).message}`);
  }
}

/**
 * Applies the missing migrations, each in a transaction with its version bump. `BEGIN
 * IMMEDIATE` takes the write lock before reading the version, so two processes opening a
 * new file at once cannot both run migration 1.
 */
export function migrate(db: WorklistDatabase, migrations: readonly string[] = MIGRATIONS): number {
  registerArchiveFunctions(db);
  for (;;) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version >= migrations.length) {
        db.exec('COMMIT');
        return version;
      }
      db.exec(migrations[version]);
      db.pragma(`user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }
}

/** SQL functions the migrations and queries use (deterministic, so SQLite may index their results). */
function registerArchiveFunctions(db: WorklistDatabase): void {
  db.function('cxr_patient_key', { deterministic: true }, (issuer, id, name) =>
    patientKeyOf({ issuerOfPatientId: asText(issuer), patientId: asText(id), patientName: asText(name) }),
  );
}

function asText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
