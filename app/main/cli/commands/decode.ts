/**
 * `cxr decode <file> [--frame N] [--raw OUT]` (issue #2): decodes one frame in-process and
 * prints exactly one JSON object (see {@link DecodeSummary}); `--raw OUT` writes the hashed
 * bytes. On failure: exit code 2, nothing on stdout, `{"error":{"code","message"}}` on stderr.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { buildDecodeSummary, canonicalFrameBytes } from '../../../shared/imaging/summary';
import { CodedError } from '../../../shared/result';
import { decodeFile } from '../../services/decoding/decodeFile';
import { baseName, DecodeErrorCode } from '../../services/decoding/decodeErrors';
import type { CliIo } from '../cliIo';

const USAGE = 'usage: cxr decode <file> [--frame N] [--raw OUT]';

/** Parsed arguments of `cxr decode`. */
export interface DecodeArgs {
  file: string;
  frame: number;
  raw?: string;
}

/** Parses argv (after the subcommand); throws CodedError('USAGE') on bad arguments. */
export function parseDecodeArgs(argv: string[]): DecodeArgs {
  let file: string | undefined;
  let frame = 0;
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--frame' || a.startsWith('--frame=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) throw new CodedError('USAGE', `--frame needs a non-negative integer. ${USAGE}`);
      frame = Number(v);
    } else if (a === '--raw' || a.startsWith('--raw=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) throw new CodedError('USAGE', `--raw needs an output path. ${USAGE}`);
      raw = v;
    } else if (a.startsWith('--')) {
      throw new CodedError('USAGE', `unknown option ${a}. ${USAGE}`);
    } else if (file === undefined) {
      file = a;
    } else {
      throw new CodedError('USAGE', `unexpected argument ${a}. ${USAGE}`);
    }
  }
  if (!file) throw new CodedError('USAGE', USAGE);
  return { file, frame, raw };
}

/** Runs `cxr decode`; returns the exit code. */
export async function runDecode(argv: string[], io: CliIo): Promise<number> {
  const args = parseDecodeArgs(argv);
  const fileName = baseName(args.file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(args.file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CodedError(DecodeErrorCode.FILE_READ_FAILED, `${fileName}: cannot read the file (${code ?? 'error'})`);
  }
  // The CLI hashes PALETTE COLOR as stored indices: one sample per pixel (issue #2 contract).
  const frame = await decodeFile(bytes, { fileName, frame: args.frame, applyPalette: false });
  const canonical = canonicalFrameBytes(frame);
  const sha256 = createHash('sha256').update(canonical).digest('hex');
  if (args.raw) {
    try {
      await writeFile(args.raw, canonical);
    } catch (err) {
      throw new CodedError('RAW_WRITE_FAILED', `cannot write ${baseName(args.raw)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  // A decode that worked around a problem still succeeds (exit 0); the warnings say what was ignored (issue #12).
  io.stdout(JSON.stringify({ ...buildDecodeSummary(frame, sha256), ...(frame.warnings?.length ? { warnings: frame.warnings } : {}) }) + '\n');
  return 0;
}
