/**
 * `npm run harness -- --port P [--db PATH] [--open-paths LIST]`: the browser harness
 * (node only, no Electron). Serves dist/renderer and the same `window.api` over
 * HTTP/WebSocket on 127.0.0.1, backed by the same services as the Electron app.
 * Prints `harness listening on http://127.0.0.1:P` when ready; SIGINT/SIGTERM stop it
 * cleanly (server, imports, decode workers, temp folder).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { version } from '../../../package.json';
import { createConsoleLogger } from '../ipc/log';
import { createDecodePool } from '../services/decoding/decodePool';
import { HARNESS_USAGE, parseHarnessArgs, UsageError } from './args';
import { startHarness } from './harness';
import { findDefaultModel, listBundledModels } from '../services/inference/modelRegistry';

/** dist/harness/server.js → dist/renderer; from sources (tsx) → <cwd>/dist/renderer. */
function defaultRendererDir(): string {
  const besideBundle = resolve(__dirname, '..', 'renderer');
  return existsSync(join(besideBundle, 'index.html')) ? besideBundle : resolve(process.cwd(), 'dist', 'renderer');
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseHarnessArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${HARNESS_USAGE}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createConsoleLogger();
  const rendererDir = args.rendererDir ? resolve(args.rendererDir) : defaultRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) logger.warn('harness: no built renderer (run `npm run build`); only /api is served');
  const harness = await startHarness({
    port: args.port,
    rendererDir,
    decode: createDecodePool({ log: (level, message) => logger[level](message) }),
    logger,
    version,
    databasePath: args.databasePath,
    openPaths: args.openPaths,
    userDataDir: args.userDataDir,
    listener: args.listener,
    watchDir: args.watchDir,
    defaultModelPath: findDefaultModel(__dirname),
    listBundledModels: () => listBundledModels(__dirname),
  });
  process.stdout.write(`harness listening on ${harness.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1); // a second signal: stop waiting
    stopping = true;
    logger.info('harness: stopping', { signal });
    harness.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`harness failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
