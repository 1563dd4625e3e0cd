/**
 * Finds and validates models (issue #4): `models/<name>/model.json` is checked against the
 * manifest schema (app/shared/ai/modelManifest.ts, mirror of models/model.schema.json) and
 * the .onnx against its sha256 before anything loads it (STYLE.md §4). A model that fails
 * is refused with the reason; the viewer keeps working without AI.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { parseModelManifest, type ModelManifest } from '../../../shared/ai/modelManifest';
import type { BundledModel } from '../../../shared/ipc/contract';
import { CodedError } from '../../../shared/result';

export interface ModelHandle {
  manifest: ModelManifest;
  /** Absolute path of the verified .onnx file. */
  onnxPath: string;
  manifestPath: string;
}

/** The bundled default model, found from the repository or the packaged app's resources. */
export const DEFAULT_MODEL_NAME = 'cxr-tri-v2';

export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Reads, validates and verifies one model; throws a CodedError naming what is wrong. */
export async function loadModelManifest(manifestPath: string): Promise<ModelHandle> {
  const shown = join(basename(dirname(manifestPath)), basename(manifestPath));
  let json: unknown;
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : `not valid JSON (${(err as Error).message})`;
    throw new CodedError('MODEL_MANIFEST_INVALID', `${shown}: ${why}`);
  }
  const parsed = parseModelManifest(json);
  if (!parsed.ok) throw new CodedError(parsed.error.code, `${shown}: ${parsed.error.message}`);
  const manifest = parsed.value;
  const onnxPath = join(dirname(manifestPath), manifest.file);
  try {
    await stat(onnxPath);
  } catch {
    throw new CodedError('MODEL_FILE_MISSING', `${shown}: the model file ${manifest.file} is missing`);
  }
  const actual = await sha256OfFile(onnxPath);
  if (actual !== manifest.sha256) {
    throw new CodedError('MODEL_CHECKSUM_MISMATCH', `${shown}: ${manifest.file} does not match the sha256 in the manifest (corrupt or replaced file)`);
  }
  return { manifest, onnxPath, manifestPath };
}

/** Folders to look for `models/` in: next to the packaged app's resources, then the repo. */
export function modelSearchRoots(fromDir: string, resourcesPath?: string): string[] {
  const roots: string[] = [];
  if (resourcesPath) roots.push(join(resourcesPath, 'models'));
  let dir = fromDir;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) {
      roots.push(join(dir, 'models'));
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return roots;
}

/** The manifest path of the bundled default model, or undefined if none is installed. */
export function findDefaultModel(fromDir: string, resourcesPath?: string): string | undefined {
  for (const root of modelSearchRoots(fromDir, resourcesPath)) {
    const candidate = join(root, DEFAULT_MODEL_NAME, 'model.json');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const byNameDescending = new Intl.Collator('en', { numeric: true }).compare;

/**
 * Every bundled model, `models/<dir>/model.json` under the same search roots as
 * {@link findDefaultModel}: the default first (`isDefault`, the one findDefaultModel returns
 * and the AI loads when no custom model is set), then by name descending, numbers compared as
 * numbers (cxr-tri-v10 before cxr-tri-v2: the newest first). A folder name found in two roots
 * counts once, the first root winning as it does for the default. A manifest that is not JSON
 * or fails the schema is skipped, so one bad folder does not hide the others. The sha256 is not
 * checked here (that reads the whole .onnx): loading the chosen model verifies it.
 */
export async function listBundledModels(fromDir: string, resourcesPath?: string, defaultName: string = DEFAULT_MODEL_NAME): Promise<BundledModel[]> {
  const seen = new Set<string>();
  const found: BundledModel[] = [];
  for (const root of modelSearchRoots(fromDir, resourcesPath)) {
    let dirs: string[];
    try {
      dirs = await readdir(root); // plain files too: their `model.json` is simply not found
    } catch {
      continue; // an unreadable root: the other root may still hold models
    }
    for (const dir of dirs.sort()) {
      if (seen.has(dir)) continue;
      const manifestPath = join(root, dir, 'model.json');
      let text: string;
      try {
        text = await readFile(manifestPath, 'utf8');
      } catch {
        continue; // no model.json (training/, a model still being trained, a file)
      }
      // Present, valid or not, it shadows later roots, as it does in findDefaultModel.
      seen.add(dir);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        continue;
      }
      const parsed = parseModelManifest(json);
      if (!parsed.ok) continue;
      found.push({ name: parsed.value.name, version: parsed.value.version, manifestPath, isDefault: dir === defaultName });
    }
  }
  return found.sort(
    (a, b) => Number(b.isDefault) - Number(a.isDefault) || byNameDescending(b.name, a.name) || byNameDescending(b.version, a.version),
  );
}
