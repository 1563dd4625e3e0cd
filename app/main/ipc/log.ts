/**
 * The main-process logger interface. Services take a {@link Logger} as a dependency;
 * log lines name files by `fileRef` (security/redact.ts) (a short hash of the path) and never carry
 * patient data or paths.
 */
export { fileRef } from '../security/redact';

export interface Logger {
  info(message: string, fields?: Record<string, string | number | boolean>): void;
  warn(message: string, fields?: Record<string, string | number | boolean>): void;
  error(message: string, fields?: Record<string, string | number | boolean>): void;
}

function format(level: string, message: string, fields?: Record<string, string | number | boolean>): string {
  const extra = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${String(v)}`).join('') : '';
  return `${new Date().toISOString()} ${level} ${message}${extra}`;
}

/** Writes lines to stderr (stdout stays free for the CLI's JSON and the harness banner). */
export function createConsoleLogger(): Logger {
  return {
    info: (m, f) => process.stderr.write(format('info', m, f) + '\n'),
    warn: (m, f) => process.stderr.write(format('warn', m, f) + '\n'),
    error: (m, f) => process.stderr.write(format('error', m, f) + '\n'),
  };
}

/** Discards everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
