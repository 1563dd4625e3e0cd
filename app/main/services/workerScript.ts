/**
 * Locates a bundled worker script, dist/workers/<name>.js, by walking up from this module's
 * folder to the folder holding package.json. Works from every bundle in dist/ (main,
 * harness, CLI) and from vitest running the sources. Inside a packaged app the workers are
 * unpacked from the asar archive (STYLE.md §4), so the path points into app.asar.unpacked.
 */
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** Absolute path of dist/workers/<name>.js; throws (with a hint) when it is not built. */
export function workerScript(name: string, startDir: string = __dirname): string {
  let dir = startDir;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) break;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`workerScript: no package.json above ${startDir}`);
    dir = parent;
  }
  let path = join(dir, 'dist', 'workers', `${name}.js`);
  const asar = `${sep}app.asar${sep}`;
  if (path.includes(asar)) path = path.replace(asar, `${sep}app.asar.unpacked${sep}`);
  if (!existsSync(path)) throw new Error(`workerScript: ${name}.js is not built (expected at dist/workers/${name}.js; run npm run build)`);
  return path;
}
