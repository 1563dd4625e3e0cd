/**
 * The `cxr` command (bin/cxr.js requires the bundle of this file): a subcommand dispatcher.
 * Every command shares the main-process services. Errors: exit code 2, nothing on stdout,
 * one JSON object `{"error":{"code","message"}}` on stderr (issue #2).
 * Later issues add subcommands (triage, import, listen, worklist) to {@link commands}.
 */
import { toAppError } from '../../shared/result';
import { processIo, type CliIo } from './cliIo';
import { runDecode } from './commands/decode';
import { runTriage } from './commands/triage';
import { runImport } from './commands/import';
import { runListen } from './commands/listen';
import { runWorklist } from './commands/worklist';
import { runPacs } from './commands/pacs';
import { runSendResults } from './commands/sendResults';

/** A subcommand: receives the arguments after its name, returns the exit code. */
export type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Registered subcommands. */
export const commands: Record<string, { run: Command; summary: string }> = {
  decode: { run: runDecode, summary: 'decode <file> [--frame N] [--raw OUT]   decode one frame, print a JSON summary' },
  triage: {
    run: runTriage,
    summary: 'triage <file-or-folder>... [--model model.json] [--cam-dir DIR] [--cam-class covid|normal|pneumonia] [--cpu]   AI triage, one JSON line per image',
  },
  import: { run: runImport, summary: 'import <folder> [--db PATH] [--model model.json] [--cpu] [--progress]   import + triage a folder into the worklist, print a JSON summary' },
  listen: { run: runListen, summary: 'listen [--port 11112] [--aet CXR_TRIAGE] [--db PATH] [--storage DIR] [--watch DIR]   DICOM C-ECHO/C-STORE listener until SIGINT/SIGTERM' },
  worklist: { run: runWorklist, summary: 'worklist [--db PATH] [--priority ..] [--status ..] [--search TEXT] [--sort COL[:asc|desc]]   one JSON line per study, display order' },
  pacs: { run: runPacs, summary: 'pacs echo|find|get <node> …   test a PACS node, query studies, retrieve + import a study (nodes from pacs-settings.json)' },
  'send-results': { run: runSendResults, summary: 'send-results <study-uid|file> [--to NODE]   send the AI result (SR + heatmap SC) back to the PACS' },
};

function usage(): string {
  return ['usage: cxr <command> [options]', '', 'commands:', ...Object.values(commands).map((c) => `  ${c.summary}`)].join('\n') + '\n';
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(JSON.stringify({ error: { code: 'USAGE', message: `unknown command "${name}"` } }) + '\n');
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    io.stderr(JSON.stringify({ error: toAppError(err) }) + '\n');
    return 2;
  }
}

// Run when loaded as the program (bin/cxr.js requires the bundle), not when imported by tests.
const isEntry = typeof require !== 'undefined' && typeof module !== 'undefined' && (require.main === module || /[\\/]bin[\\/]cxr(\.js)?$/.test(require.main?.filename ?? ''));
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(JSON.stringify({ error: toAppError(err) }) + '\n');
      process.exitCode = 2;
    },
  );
}
