/**
 * Finds and validates models (issue #4): `models/<name>/model.json` is checked against the
 * manifest schema (app/shared/ai/modelManifest.ts, mirror of models/model.schema.json) and
 * the .onnx against its sha256 before anything loads it (STYLE.md §4). A model that fails
 * is refused with the reason; the viewer keeps working without AI.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { parseModelManifest, type ModelManifest } from '../../../shared/ai/modelManifest';
import { CodedError } from '../../../shared/result';

export interface ModelHandle {
  manifest: ModelManifest;
  /** Absolute path of the verified .onnx file. */
  onnxPath: string;
  manifestPath: string;
}

/** The bundled default model, found from the repository or the packaged app's resources. */
export const DEFAULT_MODEL_NAME = 'cxr-tri-v1';

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
