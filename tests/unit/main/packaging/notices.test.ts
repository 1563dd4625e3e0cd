/**
 * Issue #12: THIRD_PARTY_NOTICES is what `npm run notices` makes of the current dependency tree and
 * models, and covers every runtime component of the CycloneDX SBOM that `npm run sbom` writes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { makeTempDir } from '../../../fixtures/tools';

const root = resolve(__dirname, '../../../..');
const tmp = makeTempDir('cxr-sbom-');
afterAll(() => tmp.cleanup());

interface NoticesModule {
  renderNotices(root?: string): string;
  runtimePackages(root?: string): { name: string; version: string }[];
}
const notices = (await import(join(root, 'scripts', 'notices.mjs'))) as NoticesModule;

interface Component {
  group?: string;
  name: string;
  version: string;
  components?: Component[];
}

/** Every component of a CycloneDX JSON document, nested ones included, as name@version. */
function flatten(components: Component[] = []): string[] {
  return components.flatMap((c) => [`${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`, ...flatten(c.components)]);
}

describe('THIRD_PARTY_NOTICES and the SBOM', () => {
  it('THIRD_PARTY_NOTICES is up to date (else run `npm run notices`)', () => {
    const current = readFileSync(join(root, 'THIRD_PARTY_NOTICES'), 'utf8');
    // A plain equality: a failure prints a diff of the whole file, so say what to do first.
    if (current !== notices.renderNotices(root)) {
      expect.fail('THIRD_PARTY_NOTICES differs from what scripts/notices.mjs makes of the current package-lock.json, node_modules and models: run `npm run notices` and commit the file');
    }
  });

  it('names every bundled model, its data sources and the research-only terms', () => {
    const text = readFileSync(join(root, 'THIRD_PARTY_NOTICES'), 'utf8');
    for (const model of ['cxr-tri-v1', 'cxr-tri-v2']) {
      const manifest = JSON.parse(readFileSync(join(root, 'models', model, 'model.json'), 'utf8')) as { name: string; version: string };
      expect(text).toContain(`${manifest.name} ${manifest.version}`);
    }
    expect(text).not.toContain('not described in scripts/notices.mjs');
    for (const phrase of ['BIMCV-COVID19+', 'CC BY-NC-SA', 'CC BY-NC-ND', 'NIH Clinical Center', 'research use only', 'not for diagnosis']) expect(text).toContain(phrase);
  });

  it('the SBOM lists runtime packages only, and the notices cover every one of them', () => {
    // The same command as `npm run sbom`, written to a temp file; cyclonedx-npm reads the
    // installed tree through `npm ls`, offline.
    const out = join(tmp.dir, 'sbom.cdx.json');
    const bin = join(root, 'node_modules', '@cyclonedx', 'cyclonedx-npm', 'bin', 'cyclonedx-npm-cli.js');
    execFileSync(process.execPath, [bin, '--omit', 'dev', '--output-format', 'JSON', '--output-file', out], { cwd: root, stdio: 'pipe', timeout: 120_000 });
    const sbom = JSON.parse(readFileSync(out, 'utf8')) as { bomFormat: string; specVersion: string; metadata: { component: { name: string } }; components: Component[] };
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.metadata.component.name).toBe('cxr-triage');
    const components = new Set(flatten(sbom.components));
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const names = [...components].map((c) => c.slice(0, c.lastIndexOf('@')));
    for (const dep of Object.keys(pkg.dependencies)) expect(names).toContain(dep);
    for (const dev of ['electron', 'electron-builder', 'vitest', '@doyensec/electronegativity']) expect(names).not.toContain(dev);

    const covered = new Set(notices.runtimePackages(root).map((p) => `${p.name}@${p.version}`));
    const text = readFileSync(join(root, 'THIRD_PARTY_NOTICES'), 'utf8');
    for (const component of components) {
      expect(covered, `${component} is in the SBOM but not in the notices`).toContain(component);
      const at = component.lastIndexOf('@');
      expect(text).toContain(`\n${component.slice(0, at)} ${component.slice(at + 1)}\n`);
    }
    console.info(`SBOM: ${components.size} runtime components (CycloneDX ${sbom.specVersion}); notices: ${covered.size} packages`);
  });
});
