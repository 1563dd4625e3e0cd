/**
 * Failure messages for PACS connections (issue #11), written so a nurse can read them to IT:
 * each says what happened, at which node (AE title, host and port, or the URL without
 * credentials), and what to check. Codes are stable for the UI and the CLI.
 */
import { CodedError } from '../../../shared/result';
import { describeNode, redactUrl, type DicomWebNode, type DimseNode, type PacsNode } from '../../../shared/pacs/settings';

/** Stable error codes of the PACS service. */
export type PacsErrorCode =
  | 'CONNECTION_REFUSED'
  | 'HOST_NOT_FOUND'
  | 'HOST_UNREACHABLE'
  | 'TIMEOUT'
  | 'CONNECTION_LOST'
  | 'TLS_ERROR'
  | 'ASSOCIATION_REJECTED'
  | 'CALLED_AE_NOT_RECOGNIZED'
  | 'CALLING_AE_NOT_RECOGNIZED'
  | 'ASSOCIATION_ABORTED'
  | 'NOT_SUPPORTED'
  | 'DIMSE_FAILURE'
  | 'HTTP_ERROR'
  | 'HTTP_UNAUTHORIZED'
  | 'BAD_RESPONSE'
  | 'CANCELLED'
  | 'NODE_NOT_FOUND'
  | 'NO_RESULTS_NODE'
  | 'LISTENER_FAILED';

/** An error of the PACS service: a {@link CodedError} with a {@link PacsErrorCode}. */
export class PacsError extends CodedError {
  constructor(
    readonly pacsCode: PacsErrorCode,
    message: string,
  ) {
    super(pacsCode, message);
    this.name = 'PacsError';
  }
}

function where(node: PacsNode): string {
  return node.kind === 'dimse' ? `${node.host}:${node.port}` : redactUrl(node.baseUrl);
}

/** A socket or TLS failure (Node error code, or the text of one), as a PacsError. */
export function connectionError(node: PacsNode, err: unknown): PacsError {
  const text = err instanceof Error ? err.message : String(err);
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? /\b(E[A-Z]{3,}|ERR_[A-Z_]+|[A-Z_]*CERT[A-Z_]*)\b/.exec(text)?.[1] ?? '';
  const name = describeNode(node);
  const target = where(node);
  if (code === 'ECONNREFUSED') return new PacsError('CONNECTION_REFUSED', `Connection refused by ${target}: nothing accepts connections there. Check the host and port of ${node.name}, and that the PACS is running.`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new PacsError('HOST_NOT_FOUND', `Host name of ${name} was not found (DNS). Check the host name with IT.`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new PacsError('HOST_UNREACHABLE', `${target} cannot be reached from this computer (no route). Check the network or firewall with IT.`);
  if (code === 'ETIMEDOUT' || /timeout/i.test(text)) return new PacsError('TIMEOUT', `No answer from ${name} in time. The PACS may be busy or a firewall may drop the connection; ask IT to check.`);
  if (/CERT|SSL|TLS|self[- ]signed|unable to verify|certificate/i.test(`${code} ${text}`)) {
    return new PacsError('TLS_ERROR', `Secure (TLS) connection to ${name} failed: ${tlsReason(code, text)}. Ask IT to check the PACS certificate.`);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return new PacsError('CONNECTION_LOST', `${name} closed the connection unexpectedly. Try again; if it persists, ask IT to check the PACS log.`);
  return new PacsError('CONNECTION_LOST', `Connection to ${name} failed (${code || text.replace(/^.*Connection error: /, '')}).`);
}

function tlsReason(code: string, text: string): string {
  if (/SELF_SIGNED|self[- ]signed/i.test(`${code} ${text}`)) return 'the certificate is self-signed and not trusted by this computer';
  if (/EXPIRED/i.test(code)) return 'the certificate has expired';
  if (/ALTNAME|HOSTNAME/i.test(code)) return 'the certificate is for another host name';
  if (/UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/i.test(code)) return 'the certificate is not signed by an authority this computer trusts';
  return code || 'handshake failed';
}

/**
 * A-ASSOCIATE-RJ (PS3.8 9.3.4, Table 9-21): result 1 permanent / 2 transient; source 1 service
 * user, 2 service provider (ACSE), 3 service provider (presentation).
 */
export function associationRejectedError(node: DimseNode, reject: { result: number; source: number; reason: number }): PacsError {
  const kind = reject.result === 2 ? 'temporarily' : 'permanently';
  const detail = `(result ${reject.result}, source ${reject.source}, reason ${reject.reason})`;
  if (reject.source === 1 && reject.reason === 7) {
    return new PacsError('CALLED_AE_NOT_RECOGNIZED', `${node.host}:${node.port} rejected the association: it does not answer to AE title "${node.aeTitle}" ${detail}. Check the PACS's AE title with IT.`);
  }
  if (reject.source === 1 && reject.reason === 3) {
    return new PacsError(
      'CALLING_AE_NOT_RECOGNIZED',
      `${describeNode(node)} rejected the association: it does not know our AE title "${node.callingAeTitle}" ${detail}. Ask IT to register "${node.callingAeTitle}" at the PACS.`,
    );
  }
  const reasons: Record<string, string> = {
    '1-1': 'no reason given',
    '1-2': 'application context not supported',
    '2-1': 'no reason given (ACSE)',
    '2-2': 'protocol version not supported',
    '3-1': 'the PACS is congested',
    '3-2': 'the PACS has reached its limit of connections',
  };
  const why = reasons[`${reject.source}-${reject.reason}`] ?? 'unknown reason';
  return new PacsError('ASSOCIATION_REJECTED', `${describeNode(node)} ${kind} rejected the association: ${why} ${detail}.${reject.result === 2 ? ' Try again later.' : ' Ask IT to check the PACS configuration.'}`);
}

/** A-ABORT from the peer (PS3.8 9.3.8). */
export function associationAbortedError(node: DimseNode, abort: { source: number; reason: number }, during: string): PacsError {
  const by = abort.source === 2 ? 'the PACS network layer' : 'the PACS';
  return new PacsError(
    'ASSOCIATION_ABORTED',
    `${describeNode(node)} aborted the association during ${during} (A-ABORT by ${by}, reason ${abort.reason}). A PACS does this when it does not allow ${during} for our AE title "${node.callingAeTitle}" or hit an internal error; ask IT to check the PACS log.`,
  );
}

/** A DIMSE status other than success or pending (PS3.7 Annex C). */
export function dimseFailure(node: DimseNode, operation: string, status: number, comment?: string): PacsError {
  const hex = `0x${status.toString(16).padStart(4, '0').toUpperCase()}`;
  const meaning: Record<number, string> = {
    0xa700: 'out of resources',
    0xa701: 'out of resources: unable to calculate the number of matches',
    0xa702: 'out of resources: unable to perform sub-operations',
    0xa801: 'move destination unknown: the PACS does not know our AE title as a destination',
    0xa900: 'identifier does not match SOP class',
    0xc000: 'unable to process',
    0xfe00: 'cancelled',
    0x0122: 'SOP class not supported',
    0x0124: 'not authorised',
    0xb000: 'sub-operations completed with failures',
  };
  const why = meaning[status] ?? (status >= 0xc000 && status <= 0xcfff ? 'unable to process' : 'failed');
  return new PacsError('DIMSE_FAILURE', `${describeNode(node)} answered ${operation} with status ${hex} (${why})${comment ? `: ${comment.trim()}` : ''}.`);
}

/** An HTTP answer other than 2xx. */
export function httpError(node: DicomWebNode, what: string, status: number, statusText: string): PacsError {
  const url = redactUrl(node.baseUrl);
  if (status === 401 || status === 403) {
    return new PacsError('HTTP_UNAUTHORIZED', `${node.name} (${url}) refused ${what}: HTTP ${status} ${statusText}. Check the user name and password (or token) in the PACS settings.`);
  }
  if (status === 404) return new PacsError('HTTP_ERROR', `${node.name} (${url}) answered ${what} with HTTP 404 Not Found. Check the DICOMweb base URL.`);
  return new PacsError('HTTP_ERROR', `${node.name} (${url}) answered ${what} with HTTP ${status} ${statusText}.${status >= 500 ? ' The server had an internal error; ask IT to check its log.' : ''}`);
}

export function cancelledError(): PacsError {
  return new PacsError('CANCELLED', 'Cancelled by the user.');
}
