/**
 * `npm run bench`: runs every bench/*.bench.ts one after the other (never in parallel: this
 * machine has two shared cores) and prints their output. Each benchmark reports medians over
 * several runs side by side with a reference (dcmtk, GDCM, PyTorch…) measured in the same run,
 * because absolute times on a shared machine are noisy (DEVELOPERS.md "Performance").
 * `npm run bench -- decode` runs only the benchmarks whose file name contains "decode".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const benchDir = __dirname;
const filter = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filter.length === 0 || filter.some((word) => f.includes(word)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, file)], { stdio: 'inherit' });
  console.log(`=== ${file}: exit ${run.status} after ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
