/**
 * Errors cross process boundaries as data, never as thrown exceptions: a thrown
 * error reaches the renderer as a bare string (Signal Desktop's `wrapResult`).
 */
export interface AppError {
  /** Stable machine-readable code, e.g. `DICOM_TRUNCATED`, `UNSUPPORTED_TRANSFER_SYNTAX`. */
  code: string;
  /** Human-readable message. Names the file by its display name, never by patient data. */
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: string, message: string): Result<never> => ({ ok: false, error: { code, message } });

/** An error that carries a stable code; services throw it, the IPC layer turns it into data. */
export class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

/** Turns anything thrown into an {@link AppError}, keeping the code of a {@link CodedError}. */
export function toAppError(err: unknown, fallbackCode = 'INTERNAL'): AppError {
  if (err instanceof CodedError) return { code: err.code, message: err.message };
  if (err && typeof err === 'object' && 'code' in err && 'message' in err && typeof (err as AppError).code === 'string') {
    return { code: (err as AppError).code, message: String((err as AppError).message) };
  }
  return { code: fallbackCode, message: err instanceof Error ? err.message : String(err) };
}
