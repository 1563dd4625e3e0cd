/**
 * Command line of the browser harness:
 * `npm run harness -- --port P [--db PATH] [--open-paths LIST] [--renderer DIR] [--user-data DIR] [--listen PORT] [--aet AET] [--watch DIR]`.
 */
import { delimiter } from 'node:path';

export interface HarnessArgs {
  /** TCP port on 127.0.0.1 (0 = any free port). Default 4173. */
  port: number;
  /** `--db PATH`: the catalog database (issue 5); stored, unused by the in-memory catalog. */
  databasePath?: string;
  /**
   * `--open-paths LIST` or the CXR_HARNESS_OPEN_PATHS environment variable: paths
   * separated by the OS path delimiter (`:` on Linux/macOS, `;` on Windows) that
   * `dialog:open` returns. Without it the harness client prompts for paths.
   */
  openPaths?: string[];
  /** `--renderer DIR`: built renderer folder; default dist/renderer. */
  rendererDir?: string;
  /** `--user-data DIR`: where dropped files are stored; default a temp folder removed on exit. */
  userDataDir?: string;
  /** `--listen PORT [--aet AET]`: start the DICOM C-STORE/C-ECHO listener (issue #5). */
  listener?: { port: number; aeTitle: string };
  /** `--watch DIR`: import and triage files that appear in DIR (issue #5). */
  watchDir?: string;
}

/** Thrown for a bad command line; the entry prints the message and exits 2. */
export class UsageError extends Error {}

/** Parses argv (without node and script) and the environment. */
export function parseHarnessArgs(argv: string[], env: Record<string, string | undefined> = {}): HarnessArgs {
  const args: HarnessArgs = { port: 4173 };
  const openPaths = env.CXR_HARNESS_OPEN_PATHS;
  if (openPaths !== undefined) args.openPaths = openPaths.split(delimiter).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be an integer 0–65535');
        args.port = port;
        break;
      }
      case '--db':
        args.databasePath = value();
        break;
      case '--open-paths':
        args.openPaths = value().split(delimiter).filter(Boolean);
        break;
      case '--renderer':
        args.rendererDir = value();
        break;
      case '--user-data':
        args.userDataDir = value();
        break;
      case '--listen': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--listen must be a port 0–65535');
        args.listener = { port, aeTitle: args.listener?.aeTitle ?? 'CXR_TRIAGE' };
        break;
      }
      case '--aet': {
        const aeTitle = value();
        // PS3.5 6.2: AE titles are at most 16 characters, no backslash or control characters.
        if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(aeTitle)) throw new UsageError('--aet must be 1–16 printable characters without a backslash');
        args.listener = { port: args.listener?.port ?? 11112, aeTitle };
        break;
      }
      case '--watch':
        args.watchDir = value();
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  return args;
}

/** Usage text printed on a bad command line. */
export const HARNESS_USAGE =
  'usage: npm run harness -- --port P [--db PATH] [--open-paths P1' + delimiter + 'P2…] [--renderer DIR] [--user-data DIR] [--listen PORT] [--aet AET] [--watch DIR]';
