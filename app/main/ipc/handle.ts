/**
 * The one place where IPC requests enter main (STYLE.md §2). A transport-independent
 * {@link IpcRouter} maps each contract channel to a handler; the Electron adapter
 * (electronAdapter.ts) and the browser harness (harness/httpTransport.ts) both call
 * {@link IpcRouter.dispatch}, so both shells run exactly the same validation and
 * handlers. Errors are returned as data (Signal Desktop's `wrapResult`): a thrown
 * error would reach the renderer as a bare string.
 */
import { contract, type Channel, type ParsedRequestOf, type ResponseOf } from '../../shared/ipc/contract';
import { isChannel } from '../../shared/ipc/channels';
import { CodedError, type AppError, type Result } from '../../shared/result';
import { redactPaths } from '../security/redact';

/** Who sent a request. Handlers rarely need it; the adapters fill it in. */
export interface IpcContext {
  shell: 'electron' | 'harness';
}

/** A channel's implementation: gets the parsed (defaults applied) request. */
export type HandlerImpl<C extends Channel> = (
  request: ParsedRequestOf<C>,
  context: IpcContext,
) => Promise<ResponseOf<C>> | ResponseOf<C>;

/** Error codes produced by the IPC layer itself (handlers add their own). */
export const IpcErrorCode = {
  invalidRequest: 'INVALID_REQUEST',
  unknownChannel: 'UNKNOWN_CHANNEL',
  untrustedSender: 'UNTRUSTED_SENDER',
  internal: 'INTERNAL',
  invalidResponse: 'INVALID_RESPONSE',
} as const;

/**
 * Turns anything a handler threw into an {@link AppError}: a {@link CodedError} keeps
 * its code and message; anything else becomes INTERNAL with only its message (never a
 * stack), paths redacted.
 */
export function errorToData(err: unknown): AppError {
  if (err instanceof CodedError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'unexpected error';
  return { code: IpcErrorCode.internal, message: redactPaths(message) || 'unexpected error' };
}

function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(request)'}: ${i.message}`)
    .join('; ');
}

/**
 * Wraps one channel's implementation: parses the request with the contract's schema
 * (invalid → INVALID_REQUEST), runs it, and returns a {@link Result} that never throws.
 * With `validateResponse`, the response is checked against the contract too (tests and
 * development; off in production because pixel responses are large).
 */
export function handle<C extends Channel>(
  channel: C,
  impl: HandlerImpl<C>,
  options: { validateResponse?: boolean } = {},
): (request: unknown, context: IpcContext) => Promise<Result<ResponseOf<C>>> {
  const schema = contract[channel];
  return async (request, context) => {
    const parsed = schema.request.safeParse(request ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: IpcErrorCode.invalidRequest, message: `${channel}: ${describeIssues(parsed.error.issues)}` } };
    }
    let value: ResponseOf<C>;
    try {
      value = await impl(parsed.data as ParsedRequestOf<C>, context);
    } catch (err) {
      return { ok: false, error: errorToData(err) };
    }
    if (options.validateResponse) {
      const checked = schema.response.safeParse(value);
      if (!checked.success) {
        return { ok: false, error: { code: IpcErrorCode.invalidResponse, message: `${channel}: ${describeIssues(checked.error.issues)}` } };
      }
    }
    return { ok: true, value };
  };
}

/** Maps contract channels to wrapped handlers; transports call {@link dispatch}. */
export class IpcRouter {
  private readonly handlers = new Map<Channel, (request: unknown, context: IpcContext) => Promise<Result<unknown>>>();

  constructor(private readonly options: { validateResponses?: boolean } = {}) {}

  /** Registers `impl` for `channel` through {@link handle}. A channel is registered once. */
  handle<C extends Channel>(channel: C, impl: HandlerImpl<C>): this {
    if (this.handlers.has(channel)) throw new Error(`IPC channel ${channel} is already registered`);
    this.handlers.set(channel, handle(channel, impl, { validateResponse: this.options.validateResponses }));
    return this;
  }

  /** The channels that have a handler. */
  registeredChannels(): Channel[] {
    return [...this.handlers.keys()];
  }

  /** Runs one request. Unknown or unregistered channels give UNKNOWN_CHANNEL; never throws. */
  async dispatch(channel: string, request: unknown, context: IpcContext): Promise<Result<unknown>> {
    const handler = isChannel(channel) ? this.handlers.get(channel) : undefined;
    if (!handler) {
      return { ok: false, error: { code: IpcErrorCode.unknownChannel, message: `no handler for channel "${String(channel).slice(0, 64)}"` } };
    }
    return handler(request, context);
  }
}
