/**
 * The AI as the app sees it (issue #4): which model is loaded (the bundled default or a
 * user's custom one), on which execution provider, the triage service over it, and the
 * settings that change them. A model that fails validation or loading leaves the AI
 * "unavailable" with the reason; the viewer keeps working without it.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

import type { ModelManifest } from '../../../shared/ai/modelManifest';
import type { AiStatus, BundledModel } from '../../../shared/ipc/contract';
import { CodedError, toAppError } from '../../../shared/result';
import type { DecodeService } from '../decoding/decodeService';
import { PROVIDER_LABELS, currentProviderEnvironment, selectExecutionProviders, type ProviderEnvironment } from './executionProviders';
import { InferenceHost } from './inferenceHost';
import { loadModelManifest, type ModelHandle } from './modelRegistry';
import { TriageService, type TriageOutcome } from './triageService';
import type { JobPriority } from './jobQueue';
import { workerScript } from '../workerScript';

export interface AiSettings {
  forceCpu: boolean;
  /** model.json of a custom model; the bundled default when absent. */
  customModelPath?: string;
}

export interface AiServiceOptions {
  decode: DecodeService;
  /** The bundled model's manifest (undefined when none is installed). */
  defaultModelPath?: string;
  /** Lists the bundled models offered in the AI settings (`listBundledModels`); none when absent. */
  listBundledModels?: () => Promise<BundledModel[]>;
  /** dist/workers/inference.worker.js; resolved when the model loads if not given. */
  workerPath?: string;
  /** JSON file the settings persist to (in the user-data folder). */
  settingsPath?: string;
  providerEnvironment?: ProviderEnvironment;
  onStatus?: (status: AiStatus) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface Loaded {
  model: ModelHandle;
  host: InferenceHost;
  triage: TriageService;
  fallbackReasons: string[];
}

/**
 * The headline figures of the manifest's free-form `metrics` (written by models/training's
 * evaluation), only where they have the expected type: the panel shows them, the model card
 * explains them.
 */
function metricsSummary(manifest: ModelManifest): NonNullable<AiStatus['model']>['metrics'] {
  const metrics = manifest.metrics ?? {};
  const covidAuc = typeof metrics.covidAuc === 'number' && Number.isFinite(metrics.covidAuc) ? metrics.covidAuc : undefined;
  const split = typeof metrics.split === 'string' && metrics.split ? metrics.split : undefined;
  return covidAuc === undefined && split === undefined ? undefined : { covidAuc, split };
}

export class AiService {
  private settings: AiSettings = { forceCpu: false };
  private loaded: Loaded | null = null;
  private state: AiStatus['state'] = 'loading';
  private reason: string | undefined;
  private loading: Promise<void> | null = null;
  private starting: Promise<AiStatus> | null = null;
  private closed = false;
  private bundledModels: BundledModel[] = [];

  constructor(private readonly options: AiServiceOptions) {}

  /** Reads the settings and loads the model; never throws (failures become the status). */
  start(): Promise<AiStatus> {
    this.starting = this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<AiStatus> {
    if (this.options.settingsPath) {
      try {
        const saved = JSON.parse(await readFile(this.options.settingsPath, 'utf8')) as Partial<AiSettings>;
        this.settings = { forceCpu: saved.forceCpu === true, customModelPath: typeof saved.customModelPath === 'string' ? saved.customModelPath : undefined };
      } catch {
        // No settings yet (first start) or an unreadable file: defaults.
      }
    }
    try {
      this.bundledModels = (await this.options.listBundledModels?.()) ?? [];
    } catch (err) {
      // Only the choice in the settings is lost; the default model still loads.
      this.options.log?.('warn', `bundled models not listed: ${toAppError(err).message}`);
    }
    await this.reload();
    return this.status();
  }

  status(): AiStatus {
    const queue = this.loaded?.triage.progress();
    const provider = this.loaded?.host.provider ?? undefined;
    const manifest = this.loaded?.model.manifest;
    return {
      state: this.state,
      reason: this.reason,
      model: manifest
        ? { name: manifest.name, version: manifest.version, sha256: manifest.sha256, labels: manifest.labels, intendedUse: manifest.intendedUse, metrics: metricsSummary(manifest) }
        : undefined,
      bundledModels: this.bundledModels.map((m) => ({ ...m })),
      provider,
      providerLabel: provider ? PROVIDER_LABELS[provider] : undefined,
      fallbackReasons: this.loaded?.fallbackReasons ?? [],
      settings: { ...this.settings },
      queue: { queued: queue?.queued ?? 0, running: queue?.running ?? 0, done: queue?.done ?? 0, failed: queue?.failed ?? 0 },
    };
  }

  /** Changes settings. A custom model is validated first: an invalid one is refused and the current model stays. */
  async configure(change: { forceCpu?: boolean; customModelPath?: string | null }): Promise<AiStatus> {
    const next: AiSettings = { ...this.settings };
    if (change.forceCpu !== undefined) next.forceCpu = change.forceCpu;
    if (change.customModelPath !== undefined) next.customModelPath = change.customModelPath ?? undefined;
    if (next.customModelPath && next.customModelPath !== this.settings.customModelPath) {
      await loadModelManifest(next.customModelPath); // throws a CodedError with the reason
    }
    this.settings = next;
    if (this.options.settingsPath) {
      await mkdir(dirname(this.options.settingsPath), { recursive: true });
      await writeFile(this.options.settingsPath, JSON.stringify(this.settings, null, 2));
    }
    await this.reload();
    return this.status();
  }

  /** Classifies one frame; throws AI_UNAVAILABLE when no model is loaded. */
  async classify(path: string, frame: number, priority: JobPriority): Promise<TriageOutcome & { provider: string }> {
    if (this.loading) await this.loading;
    if (!this.loaded || this.state !== 'ready') throw new CodedError('AI_UNAVAILABLE', `AI is unavailable: ${this.reason ?? 'no model loaded'}`);
    const outcome = await this.loaded.triage.classifyFile(path, { frame, priority });
    this.emit();
    return { ...outcome, provider: this.loaded.host.provider ?? 'cpu' };
  }

  /**
   * Waits for a model load in progress before stopping the worker: ending the process while
   * onnxruntime creates a session aborts it (uncaught Napi::Error), e.g. on SIGTERM at start-up.
   */
  async close(): Promise<void> {
    // A close before start() reached its load (it first reads settings and lists the bundled
    // models) must stop that load from beginning at all, not only wait for one already running.
    this.closed = true;
    await this.starting;
    if (this.loading) await this.loading;
    await this.loaded?.host.close();
    this.loaded = null;
  }

  private reload(): Promise<void> {
    if (this.closed) {
      this.state = 'unavailable';
      this.reason = 'the AI service was shut down';
      return Promise.resolve();
    }
    const run = async (): Promise<void> => {
      this.state = 'loading';
      this.emit();
      await this.loaded?.host.close();
      this.loaded = null;
      const manifestPath = this.settings.customModelPath ?? this.options.defaultModelPath;
      try {
        if (!manifestPath) throw new CodedError('MODEL_NOT_FOUND', 'no model is installed');
        const model = await loadModelManifest(manifestPath);
        const host = new InferenceHost({
          workerPath: this.options.workerPath ?? workerScript('inference.worker'),
          modelPath: model.onnxPath,
          manifest: model.manifest,
          executionProviders: selectExecutionProviders(this.options.providerEnvironment ?? currentProviderEnvironment(), { forceCpu: this.settings.forceCpu }),
          log: this.options.log,
          // One intra-op thread: the model runs in ~2 ms, and the second core stays free for the
          // UI while hundreds of studies are triaged in the background (W/L at 60 fps, issue #4).
          intraOpThreads: 1,
        });
        let fallbackReasons: string[];
        try {
          fallbackReasons = (await host.start()).fallbackReasons;
        } catch (err) {
          await host.close();
          throw err;
        }
        // One image in flight: decoding and inference then never hold both cores at once, so the
        // UI keeps one for window/level while a batch is triaged (issue #4); ~20 images/s remain.
        const triage = new TriageService({ decode: this.options.decode, host, model, concurrency: 1, onProgress: () => this.emit() });
        this.loaded = { model, host, triage, fallbackReasons };
        this.state = 'ready';
        this.reason = undefined;
      } catch (err) {
        this.state = 'unavailable';
        this.reason = toAppError(err).message;
        this.options.log?.('warn', `AI unavailable: ${this.reason}`);
      }
      this.emit();
    };
    this.loading = run().finally(() => (this.loading = null));
    return this.loading;
  }

  private emit(): void {
    this.options.onStatus?.(this.status());
  }
}
