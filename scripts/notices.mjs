// `npm run notices` (issue #12): writes THIRD_PARTY_NOTICES — the licence text of every runtime
// dependency the app bundles (read from node_modules), the open-source code compiled into the
// native and WASM modules, and the licences of the data the bundled models were trained on,
// with what they mean for using the app (research only).
// `node scripts/notices.mjs --check` exits 1 when the file is not what the current dependency
// tree and models give (tests/unit/release/notices.test.ts runs the same comparison).
//
// Runtime dependencies are the package-lock.json entries not marked dev (the same set as
// `npm ls --omit dev` and the CycloneDX SBOM of `npm run sbom`).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const defaultRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const LICENCE_FILE = /^(licen[cs]e|copying|unlicense|notice)([-._].*)?$/i;

/** Standard texts for packages that ship no licence file (the SPDX templates). */
const STANDARD_TEXT = {
  MIT: (holder) =>
    `MIT License

Copyright (c) ${holder}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`,
  ISC: (holder) =>
    `ISC License

Copyright (c) ${holder}

Permission to use, copy, modify, and/or distribute this software for any purpose with or without
fee is hereby granted, provided that the above copyright notice and this permission notice appear
in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS
SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE
AUTHOR BE LIABLE FOR ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT,
NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF
THIS SOFTWARE.`,
};

/** Code compiled into native or WASM modules, whose licences the npm packages do not all carry. */
const EMBEDDED = [
  ['onnxruntime-node', 'ONNX Runtime (Microsoft), MIT. Its native library also contains third-party code (protobuf, Eigen, abseil, flatbuffers, re2 and others) whose licences are listed in ONNX Runtime\'s ThirdPartyNotices.txt (github.com/microsoft/onnxruntime), which the npm package does not ship.'],
  ['better-sqlite3', 'SQLite (D. Richard Hipp and others), public domain, compiled into the native module.'],
  ['@cornerstonejs/codec-libjpeg-turbo-8bit', 'libjpeg-turbo, WASM build: IJG License, BSD-3-Clause and Zlib (libjpeg-turbo LICENSE.md). This software is based in part on the work of the Independent JPEG Group.'],
  ['@cornerstonejs/codec-openjpeg', 'OpenJPEG, WASM build: BSD-2-Clause (Université catholique de Louvain, CS Systèmes d\'Information and the OpenJPEG contributors).'],
  ['@cornerstonejs/codec-charls', 'CharLS (JPEG-LS), WASM build: BSD-3-Clause (Team CharLS).'],
  ['codec-openjpeg-threaded', 'OpenJPEG 2.5.0 (Debian\'s openjpeg2 2.5.0-2+deb12u3 sources), our WASM build with threads (vendor/codec-openjpeg-threaded, scripts/build-openjpeg-wasm.sh): BSD-2-Clause (Université catholique de Louvain, CS Systèmes d\'Information and the OpenJPEG contributors); emscripten\'s runtime compiled into it: MIT / University of Illinois/NCSA (the Emscripten authors).'],
  ['@cornerstonejs/codec-openjph', 'OpenJPH (HTJ2K), WASM build: BSD-2-Clause (Aous Naman, Kakadu Software, University of New South Wales).'],
];

/**
 * The data sources behind the bundled models: where they come from, their licence terms, and
 * what those terms mean here. From models/<model>/MODEL_CARD.md and the datasets' READMEs
 * (../shared/datasets/cxr-v1, cxr-v2), which are not part of the repository.
 */
const DATA_SOURCES = [
  {
    key: 'ozturk',
    name: 'Ozturk et al. 2020 (github.com/muhammedtalo/COVID-19)',
    terms:
      'No licence stated by the repository. Its normal ("No_findings") and pneumonia films are NIH ChestX-ray8 images (Wang et al. 2017): NIH Clinical Center terms — free use with acknowledgement of the NIH Clinical Center and citation of the paper. Its COVID-19 folder holds copies of Cohen images (the Cohen terms apply).',
  },
  {
    key: 'cohen',
    name: 'Cohen et al. 2020, COVID-19 image data collection (github.com/ieee8023/covid-chestxray-dataset)',
    terms:
      'Figures from papers and case-report websites, each under its own licence: Apache-2.0, CC BY, CC BY-SA, CC BY-NC-SA, CC BY-NC-ND, or none stated.',
  },
  {
    key: 'rdb',
    name: 'COVID-19 Radiography Database (Chowdhury et al., IEEE Access 2020; Rahman et al., Comput Biol Med 2021), via github.com/rtchanon/Machine-Learning-for-COVID-19-detection-from-chest-X-RAYS',
    terms:
      'Research use, citing the papers. Its COVID-19 films come from BIMCV-COVID19+ (Vayá et al. 2020), shared for research under the BIMCV data-use agreement; its normal films are NIH ChestX-ray14 images from the RSNA Pneumonia Detection Challenge (NIH Clinical Center terms).',
  },
];

const MEANING = `What these terms mean for this app
- NC (non-commercial, CC BY-NC-*): the images may not be used or shared for commercial advantage.
- SA (share-alike): adapted versions may only be shared under the same licence.
- ND (no derivatives): modified versions may not be shared at all.
- The BIMCV-COVID19+ agreement and the COVID-19 Radiography Database allow research use only.
- Images with no stated licence carry no permission beyond what the law allows.
Consequences: no training image, crop, thumbnail or Grad-CAM overlay of one is in the repository or
in the installers. Whether model weights trained on non-commercial data may be used commercially is
legally unsettled, so the bundled models are for research and worklist prioritisation only: not
for diagnosis, not a medical device, and not for commercial use. Cite the papers above in any work
that uses the models' outputs.`;

/** Runtime packages from package-lock.json: name, version and folder, sorted and unique. */
export function runtimePackages(root = defaultRoot) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const seen = new Map();
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (!path || entry.dev || entry.link) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const key = `${name}@${entry.version}`;
    if (!seen.has(key)) seen.set(key, { name, version: entry.version, path, license: entry.license ?? null, optional: Boolean(entry.optional || entry.devOptional) });
  }
  return [...seen.values()].sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name.localeCompare(b.name)));
}

function holderOf(pkg) {
  const author = pkg.author;
  const name = typeof author === 'string' ? author.replace(/\s*[<(].*$/, '') : author?.name;
  return name || `the ${pkg.name} authors`;
}

/** The licence section of one package. */
function packageSection(root, dep) {
  const dir = join(root, dep.path);
  const lines = [`${dep.name} ${dep.version}`];
  if (!existsSync(join(dir, 'package.json'))) {
    lines.push(`Licence: ${dep.license ?? 'not stated'} (optional, not installed on this platform: no licence text read)`);
    return lines.join('\n');
  }
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const license = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? dep.license ?? 'not stated');
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  lines.push(`Licence: ${license}`);
  if (repo) lines.push(`Source: ${repo.replace(/^git\+/, '')}`);
  const files = readdirSync(dir)
    .filter((f) => LICENCE_FILE.test(f))
    .sort();
  if (files.length === 0) {
    const standard = STANDARD_TEXT[license];
    lines.push(standard ? `(No licence file in the package: the standard ${license} text, holder from package.json.)\n\n${standard(holderOf(pkg))}` : '(No licence file in the package and no standard text for this licence: see the source.)');
  }
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n').trim();
    lines.push(files.length > 1 ? `\n--- ${file} ---\n${text}` : `\n${text}`);
  }
  return lines.join('\n');
}

/** The bundled models (every models/<name>/model.json) and their training data. */
function modelSection(root) {
  const modelsDir = join(root, 'models');
  const models = readdirSync(modelsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(modelsDir, d.name, 'model.json')))
    .map((d) => JSON.parse(readFileSync(join(modelsDir, d.name, 'model.json'), 'utf8')))
    .sort((a, b) => a.name.localeCompare(b.name));
  const out = [];
  for (const m of models) {
    const data = m.training?.data ?? {};
    out.push(`${m.name} ${m.version} (models/${m.name}, shipped outside app.asar)`);
    if (data.dataset) out.push(`Training data: ${data.dataset}`);
    if (data.licences) out.push(`Licences (model manifest): ${data.licences}`);
    const sources = new Set();
    for (const [split, byLabel] of Object.entries(data.counts ?? {})) {
      const parts = [];
      for (const [label, bySource] of Object.entries(byLabel)) {
        const cells = Object.entries(bySource).map(([source, n]) => (sources.add(source), `${source} ${n}`));
        parts.push(`${label}: ${cells.join(', ')}`);
      }
      out.push(`Images, ${split} split: ${parts.join('; ')}`);
    }
    for (const source of [...sources].sort()) {
      const known = DATA_SOURCES.find((s) => s.key === source);
      out.push(known ? `- ${source}: ${known.name}. ${known.terms}` : `- ${source}: not described in scripts/notices.mjs (add it to DATA_SOURCES)`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The whole THIRD_PARTY_NOTICES text. */
export function renderNotices(root = defaultRoot) {
  const deps = runtimePackages(root);
  const rule = '='.repeat(100);
  const head = `THIRD-PARTY NOTICES — CXR Triage
Generated by \`npm run notices\` (scripts/notices.mjs) from package-lock.json, node_modules and
models/*/model.json. Do not edit by hand.

CXR Triage is for research and prioritisation only — not for diagnosis.

Contents
1. Training data of the bundled AI models (research use only)
2. Code compiled into native and WASM modules
3. Runtime npm packages (${deps.length}), with their licence texts
`;
  const sections = [
    head,
    `${rule}\n1. Training data of the bundled AI models (research use only)\n${rule}\n\n${modelSection(root)}\n${MEANING}\n`,
    `${rule}\n2. Code compiled into native and WASM modules\n${rule}\n\n${EMBEDDED.filter(([name]) => deps.some((d) => d.name === name))
      .map(([name, text]) => `${name}: ${text}`)
      .join('\n\n')}\n`,
    `${rule}\n3. Runtime npm packages (${deps.length})\n${rule}\n\n${deps.map((d) => `${d.name} ${d.version}`).join('\n')}\n`,
    ...deps.map((d) => `${'-'.repeat(100)}\n${packageSection(root, d)}\n`),
  ];
  return sections.join('\n');
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const target = join(defaultRoot, 'THIRD_PARTY_NOTICES');
  const text = renderNotices();
  if (process.argv.includes('--check')) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (current !== text) {
      console.error('THIRD_PARTY_NOTICES is out of date with the dependency tree or the models: run `npm run notices`');
      process.exitCode = 1;
    } else console.log(`THIRD_PARTY_NOTICES is up to date (${runtimePackages().length} runtime packages)`);
  } else {
    writeFileSync(target, text);
    console.log(`wrote THIRD_PARTY_NOTICES (${runtimePackages().length} runtime packages, ${text.length} characters)`);
  }
}
