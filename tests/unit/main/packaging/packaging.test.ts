/**
 * Issue #12: the installers are built from electron-builder.yml without an Electron binary here,
 * so this test reads the configuration and the built dist/ the way electron-builder would and
 * fails when
 * - a native file (.node, .so, .dll, .dylib) or WASM codec of a runtime package, a worker bundle, or
 *   any file a worker loads (followed through require() from dist/workers/*.js) would stay inside
 *   app.asar, where dlopen and worker_threads cannot reach it;
 * - a model would be packed into app.asar instead of shipping as extraResources;
 * - a bundle in dist/ requires a package that is not in package.json "dependencies" (electron-builder
 *   ships only those; node built-ins and electron excepted);
 * - the installers stop being per-user (no admin) or lose a platform target.
 * Patterns are matched with minimatch ({ dot: true }), as electron-builder does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { minimatch } from 'minimatch';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../../..');
const posix = (p: string) => p.split(sep).join('/');

interface ExtraResource {
  from: string;
  to: string;
  filter?: string[];
}
interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  extraResources: (string | ExtraResource)[];
  publish: unknown;
  win: { target: { target: string }[] };
  nsis: Record<string, unknown>;
  linux: { target: { target: string }[]; maintainer?: string };
  mac: { target: { target: string }[] };
}
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

const match = (path: string, pattern: string) => minimatch(path, pattern, { dot: true });
/** Positive patterns include, `!` patterns then exclude (electron-builder's `files` and `filter`). */
function matchesFileSet(path: string, patterns: string[]): boolean {
  const positive = patterns.filter((p) => !p.startsWith('!'));
  const negative = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return positive.some((p) => match(path, p)) && !negative.some((p) => match(path, p));
}
const isUnpacked = (path: string) => config.asarUnpack.some((p) => match(path, p));

/** Files under `dir` (relative to the repo, POSIX separators). */
function walk(dir: string): string[] {
  const out: string[] = [];
  const abs = join(root, dir);
  if (!existsSync(abs)) return out;
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...walk(rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Folders of the runtime packages (package-lock entries not marked dev) that electron-builder copies. */
function runtimePackageDirs(): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional)
    .map(([path]) => path)
    .filter((path) => existsSync(join(root, path)));
}

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`. */
const packageOf = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
const isBare = (spec: string) => !spec.startsWith('.') && !spec.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(spec);

/** Static module specifiers in a JS file: require('x'), import('x'), import … from 'x'. */
function specifiers(source: string): string[] {
  const found = new Set<string>();
  for (const re of [/\brequire\(\s*(['"])([^'"\n]+)\1\s*\)/g, /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g, /^\s*(?:import|export)\s[^'"]*?\sfrom\s*(['"])([^'"\n]+)\1/gm]) {
    for (const m of source.matchAll(re)) found.add(m[2]);
  }
  return [...found];
}

/** The package folder (relative, POSIX) holding a file under node_modules. */
function packageDirOf(file: string): string {
  const parts = file.split('/');
  const i = parts.lastIndexOf('node_modules');
  return parts.slice(0, i + (parts[i + 1].startsWith('@') ? 3 : 2)).join('/');
}

/** Every node_modules file a bundle loads, following require() through the packages. */
function loadedPackageFiles(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [join(root, entry)];
  while (queue.length) {
    const file = queue.pop()!;
    const source = readFileSync(file, 'utf8');
    const req = createRequire(file);
    for (const spec of specifiers(source)) {
      if (builtins.has(spec) || spec === 'electron' || spec.includes('${')) continue;
      let resolved: string;
      try {
        resolved = req.resolve(spec);
      } catch {
        continue; // an optional require inside try/catch (a platform's module, a missing peer)
      }
      if (builtins.has(resolved) || !resolved.includes(`${sep}node_modules${sep}`)) continue;
      const rel = posix(relative(root, resolved));
      if (seen.has(rel)) continue;
      seen.add(rel);
      seen.add(`${packageDirOf(rel)}/package.json`);
      if (/\.(c|m)?js$/.test(rel)) queue.push(resolved);
    }
  }
  return seen;
}

const distPresent = existsSync(join(root, 'dist', 'main', 'index.js')) && existsSync(join(root, 'dist', 'workers'));
if (!distPresent) console.warn('packaging: dist/ is not built (run `npm run build`): the checks against the built bundles are skipped');

describe('electron-builder.yml (issue #12)', () => {
  it('builds per-user installers that need no administrator: NSIS, AppImage, deb, dmg; no publishing', () => {
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: false });
    expect(config.linux.target.map((t) => t.target).sort()).toEqual(['AppImage', 'deb']);
    expect(config.linux.maintainer).toBeTruthy(); // deb refuses to build without one
    expect(config.mac.target.map((t) => t.target)).toEqual(['dmg']);
    expect(config.publish).toBeNull();
  });

  it('keeps every model out of app.asar and ships it as an extra resource', () => {
    const modelFiles = walk('models').filter((f) => !f.startsWith('models/training/'));
    expect(modelFiles.filter((f) => f.endsWith('.onnx')).length).toBeGreaterThanOrEqual(2);
    const resources = config.extraResources.filter((r): r is ExtraResource => typeof r === 'object');
    for (const file of modelFiles) {
      expect(matchesFileSet(file, config.files), `${file} would be packed into app.asar`).toBe(false);
      const shipped = resources.some((r) => file.startsWith(`${r.from}/`) && matchesFileSet(file.slice(r.from.length + 1), r.filter ?? ['**/*']));
      expect(shipped, `${file} is not in extraResources`).toBe(true);
    }
    // The training code and its runs are not shipped.
    for (const r of resources.filter((r) => r.from === 'models')) expect(matchesFileSet('training/train.py', r.filter ?? ['**/*'])).toBe(false);
    expect(resources.some((r) => r.from === 'THIRD_PARTY_NOTICES')).toBe(true);
  });

  it('unpacks every native library and WASM codec of the runtime packages', () => {
    const native = runtimePackageDirs()
      .flatMap((dir) => walk(dir))
      .filter((f) => /\.(node|wasm|dll|dylib|so)$|\.so\.\d/.test(f));
    // onnxruntime-node's binding and libraries, better-sqlite3's addon, the codecs' .wasm files.
    expect(native.some((f) => f.startsWith('node_modules/onnxruntime-node/') && f.endsWith('.node'))).toBe(true);
    expect(native.some((f) => f.startsWith('node_modules/better-sqlite3/') && f.endsWith('.node'))).toBe(true);
    expect(native.some((f) => /libonnxruntime\.so/.test(f))).toBe(true);
    for (const file of native) {
      expect(matchesFileSet(file, config.files), `${file} is not packaged`).toBe(true);
      expect(isUnpacked(file), `${file} would stay inside app.asar`).toBe(true);
    }
  });

  it.skipIf(!distPresent)('unpacks the worker bundles and every file they load from node_modules', () => {
    const workers = walk('dist/workers').filter((f) => f.endsWith('.js'));
    expect(workers.map((f) => f.split('/').pop()).sort()).toEqual(['decode.worker.js', 'inference.worker.js', 'worklist.worker.js']);
    const loaded = new Set<string>();
    for (const worker of workers) {
      expect(isUnpacked(worker), `${worker} would stay inside app.asar`).toBe(true);
      for (const file of loadedPackageFiles(worker)) loaded.add(file);
    }
    // The walk reaches what each worker needs (a sanity check of the walk itself).
    for (const dir of ['onnxruntime-node', 'onnxruntime-common', 'better-sqlite3', 'bindings', 'dicom-parser', 'pngjs']) {
      expect([...loaded].some((f) => f.startsWith(`node_modules/${dir}/`)), `no file of ${dir} reached`).toBe(true);
    }
    const packed = [...loaded].filter((f) => !isUnpacked(f));
    expect(packed, 'files the workers load that would stay inside app.asar (add their package to asarUnpack)').toEqual([]);
  });

  it.skipIf(!distPresent)('bundles require only node built-ins, electron and packages in "dependencies"', () => {
    const bundles = ['main', 'preload', 'workers', 'cli', 'harness'].flatMap((d) => walk(`dist/${d}`)).filter((f) => f.endsWith('.js'));
    expect(bundles).toContain('dist/main/index.js');
    expect(bundles).toContain('dist/preload/index.js');
    const dependencies = new Set(Object.keys(pkg.dependencies));
    const wrong: string[] = [];
    for (const bundle of bundles) {
      for (const spec of specifiers(readFileSync(join(root, bundle), 'utf8'))) {
        if (!isBare(spec) || builtins.has(spec) || spec === 'electron') continue;
        if (!dependencies.has(packageOf(spec))) wrong.push(`${bundle}: ${spec}`);
      }
      expect(matchesFileSet(bundle, config.files), `${bundle} is not packaged`).toBe(true);
    }
    expect(wrong, 'runtime requires of packages that are not in package.json "dependencies"').toEqual([]);
    // The preload runs sandboxed: electron only.
    const preload = specifiers(readFileSync(join(root, 'dist/preload/index.js'), 'utf8')).filter((s) => !builtins.has(s));
    expect(preload).toEqual(['electron']);
  });
});
