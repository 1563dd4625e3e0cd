/**
 * Sending AI results to the PACS (issue #11, "per study and optionally automatic after triage").
 *
 * {@link sendStudyResults} is what "Send results to PACS" does: the AI result of the study's top
 * image as an SR and a Secondary Capture, to the chosen node or the results destination.
 *
 * {@link AutoSendResults} does the same by itself when `autoSendResults` is on, fed by the ingest
 * queue's `triaged` events. What a hospital expects of it:
 * - only a study whose triage succeeded (a `triaged` event; failed triage sends nothing);
 * - never for an object we created ourselves (our SR/SC coming back with a retrieve): that would
 *   send results about our own results, and loop between us and the PACS;
 * - once per study while the app runs: a study seen again (another instance, a re-import) is not
 *   sent again; only the explicit "Send results to PACS" click sends again;
 * - off the ingest path: the event handler only queues; sends run one at a time in the
 *   background, after a short settle so instances arriving together are triaged first;
 * - a failure is logged without patient data (the study by a hash, like the ingest logs) and
 *   published as a `pacs:resultsSent` event with the reason; nothing is retried by itself.
 */
import { describeNode, type PacsSettings } from '../../../shared/pacs/settings';
import { CodedError, toAppError } from '../../../shared/result';
import type { DecodeService } from '../decoding/decodeService';
import type { AiService } from '../inference/aiService';
import type { IngestEvent } from '../ingest/ingestQueue';
import { logName } from '../ingest/fileIdentity';
import type { WorklistStoreLike } from '../worklist/worklistProtocol';
import type { PacsResultsSent } from '../../../shared/ipc/contract';
import { resultsNode, sendImageResults, type SendResultsOutcome } from './pacsService';
import { isOwnResultObject } from './resultFiles';

/** What sending a study's results needs from the app. */
export interface StudyResultsDeps {
  store: WorklistStoreLike<'studySummary'>;
  decode: Pick<DecodeService, 'decodeFrame'>;
  /** The AI, for the result and the Grad-CAM of the study's top image (cached per pixel hash). */
  ai: Pick<AiService, 'classify' | 'status'>;
}

/**
 * Sends the AI result of a study's top image (SR + SC) to `nodeId` or the results destination.
 * Rejects with a coded error (NOT_FOUND, NO_IMAGE, AI_UNAVAILABLE, NOT_SENDABLE, a PacsError).
 */
export async function sendStudyResults(
  deps: StudyResultsDeps,
  settings: PacsSettings,
  studyInstanceUid: string,
  options: { nodeId?: string; priority?: 'interactive' | 'background' } = {},
): Promise<SendResultsOutcome & { node: string }> {
  const node = resultsNode(settings, options.nodeId);
  const row = await deps.store.studySummary(studyInstanceUid);
  if (!row) throw new CodedError('NOT_FOUND', 'study not in the worklist');
  if (!row.path) throw new CodedError('NO_IMAGE', 'the study has no image');
  // A study retrieved back with our own SC in it could rank that SC as its top image.
  if ((await isOwnResultObject(row.path, settings.uidRoot).catch(() => ({ own: false }))).own) {
    throw new CodedError('NOT_SENDABLE', "the study's top image is an AI result this app created, not an acquired image");
  }
  if (deps.ai.status().state !== 'ready') throw new CodedError('AI_UNAVAILABLE', 'The AI is not ready, so there is no result to send.');
  // The AI caches results per pixel hash: for a triaged study this is a lookup, not a new inference.
  const [triage, frame] = await Promise.all([deps.ai.classify(row.path, 0, options.priority ?? 'interactive'), deps.decode.decodeFrame(row.path, 0)]);
  const sent = await sendImageResults(node, { sourcePath: row.path, frame, triage, labels: deps.ai.status().model?.labels, uidRoot: settings.uidRoot });
  return { ...sent, node: describeNode(node) };
}

export interface AutoSendResultsOptions extends StudyResultsDeps {
  /** The current PACS settings (read for every study: turning the setting off stops further sends). */
  settings: () => Promise<PacsSettings>;
  /** Publishes each outcome (the app: the `pacs:resultsSent` event). */
  onOutcome?: (outcome: PacsResultsSent) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Wait after a study's last triaged instance before sending (default 2000 ms). */
  settleMs?: number;
  clock?: () => number;
}

/** Outcomes kept for {@link AutoSendResults.outcomes}. */
const KEPT_OUTCOMES = 100;

/** Automatic sending of results after triage (see the file comment). */
export class AutoSendResults {
  /** Studies handled (sent, failed or refused) in this run: never sent automatically again. */
  private readonly handled = new Set<string>();
  /** Studies waiting for their settle time: the triaged file to check, per study. */
  private readonly settling = new Map<string, { timer: NodeJS.Timeout; paths: string[] }>();
  private readonly waiting: { studyInstanceUid?: string; paths: string[] }[] = [];
  private running: Promise<void> | undefined;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly recent: PacsResultsSent[] = [];
  private closed = false;

  constructor(private readonly options: AutoSendResultsOptions) {}

  /** Feed of the ingest queue's events; only `triaged` matters. Never throws, never waits. */
  readonly onIngestEvent = (event: IngestEvent): void => {
    if (event.type !== 'triaged' || this.closed) return;
    const study = event.studyInstanceUid;
    if (study === undefined) {
      // Resumed triage does not know its study: the job reads it from the file.
      this.waiting.push({ paths: [event.path] });
      this.pump();
      return;
    }
    if (this.handled.has(study)) return;
    const pending = this.settling.get(study);
    if (pending) clearTimeout(pending.timer);
    const paths = [...(pending?.paths ?? []), event.path];
    const timer = setTimeout(() => {
      this.settling.delete(study);
      this.waiting.push({ studyInstanceUid: study, paths });
      this.pump();
    }, this.options.settleMs ?? 2000);
    timer.unref?.();
    this.settling.set(study, { timer, paths });
  };

  /** The last outcomes of this run, oldest first. */
  outcomes(): PacsResultsSent[] {
    return [...this.recent];
  }

  /** Resolves when nothing is settling, queued or being sent (tests, shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops what has not started and waits for a send in progress. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { timer } of this.settling.values()) clearTimeout(timer);
    this.settling.clear();
    this.waiting.length = 0;
    await this.running;
    this.settle();
  }

  private isIdle(): boolean {
    return this.settling.size === 0 && this.waiting.length === 0 && this.running === undefined;
  }

  private settle(): void {
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** One send at a time: a PACS is not flooded, and the AI's background queue stays free for triage. */
  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.waiting.shift();
    if (!job) {
      this.settle();
      return;
    }
    this.running = this.run(job)
      .catch((err: unknown) => this.log('error', `automatic results sending failed unexpectedly: ${toAppError(err).code}`))
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
  }

  private async run(job: { studyInstanceUid?: string; paths: string[] }): Promise<void> {
    const settings = await this.options.settings();
    if (!settings.autoSendResults || settings.resultsNodeId === undefined) return;
    let study = job.studyInstanceUid;
    let acquired = false;
    for (const path of job.paths) {
      let own = false;
      try {
        const checked = await isOwnResultObject(path, settings.uidRoot);
        own = checked.own;
        study ??= checked.studyInstanceUid;
      } catch {
        // Not DICOM (PNG/JPEG) or unreadable now: not ours; sending says why it cannot go.
      }
      if (own) this.log('info', `automatic results: ${logName(path)} is a result we created: not sent`);
      else acquired = true;
    }
    if (!acquired || study === undefined || this.handled.has(study)) return;
    this.handled.add(study);
    const nodeId = settings.resultsNodeId;
    let node = nodeId;
    try {
      const sent = await sendStudyResults(this.options, settings, study, { priority: 'background' });
      node = sent.node;
      this.log('info', `results of study ${logName(study)} sent to node ${nodeId} (${sent.method}, ${sent.sent.length} objects)`);
      this.record({ studyInstanceUid: study, nodeId, node, ok: true, message: `results sent to ${sent.node}` });
    } catch (err) {
      const error = toAppError(err);
      // The code only: messages may carry a file name, which may carry a patient's name.
      this.log('warn', `results of study ${logName(study)} not sent to node ${nodeId}: ${error.code}`);
      const named = settings.nodes.find((n) => n.id === nodeId);
      if (named) node = describeNode(named);
      this.record({ studyInstanceUid: study, nodeId, node, ok: false, code: error.code, message: `results not sent: ${error.message}` });
    }
  }

  private record(outcome: Omit<PacsResultsSent, 'atMs'>): void {
    const full = { ...outcome, atMs: (this.options.clock ?? Date.now)() };
    this.recent.push(full);
    if (this.recent.length > KEPT_OUTCOMES) this.recent.shift();
    try {
      this.options.onOutcome?.(full);
    } catch {
      // A listener's bug must not stop the sending of the next study.
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}
