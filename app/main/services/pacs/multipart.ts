/**
 * Streaming parser and writer of `multipart/related` bodies (RFC 2387 over RFC 2046 5.1), the
 * envelope of WADO-RS and STOW-RS (PS3.18 8.6.1.2): `type="application/dicom"`, one PS3.10
 * file per part.
 *
 * Hand-written: no multipart library is installed (busboy/dicer/formidable parse
 * multipart/form-data uploads on a server, not a related response read by a client), and the
 * format is small. Streaming matters: a study is hundreds of MB, and a retrieve that fails
 * half-way must keep every part that arrived whole. The buffer grows geometrically and the
 * delimiter search resumes where it stopped, so parsing is linear in the body size.
 */

/** One body part. */
export interface MultipartPart {
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
}

/** The `boundary` parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string | null | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** A malformed body: the message says what is wrong, for the "malformed multipart" case. */
export class MultipartError extends Error {}

type State = 'preamble' | 'headers' | 'body' | 'done';

/** Incremental parser: feed chunks with {@link push}, call {@link end} at the end of the body. */
export class MultipartParser {
  private buf = Buffer.alloc(64 * 1024);
  private len = 0;
  /** Where the next delimiter search starts. */
  private scan = 0;
  private state: State = 'preamble';
  private headers: Record<string, string> = {};
  private readonly delimiter: Buffer;
  private readonly firstDelimiter: Buffer;
  parts = 0;

  constructor(boundary: string) {
    if (!boundary || boundary.length > 200) throw new MultipartError('multipart boundary is missing or too long');
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.firstDelimiter = Buffer.from(`--${boundary}`, 'latin1');
  }

  /** A malformation found after whole parts in the same chunk: thrown by the next push or end. */
  private deferred?: MultipartError;

  /**
   * Adds bytes; returns the parts completed by them. Throws MultipartError on malformed input,
   * but only after returning the whole parts that came before it (they must not be lost).
   */
  push(chunk: Uint8Array): MultipartPart[] {
    if (this.deferred) throw this.deferred;
    this.append(chunk);
    const out: MultipartPart[] = [];
    try {
      this.parse(out);
    } catch (err) {
      if (!(err instanceof MultipartError) || out.length === 0) throw err;
      this.deferred = err;
    }
    return out;
  }

  private parse(out: MultipartPart[]): void {
    for (;;) {
      if (this.state === 'done') return;
      if (this.state === 'preamble') {
        // The first delimiter may start the body (no preceding CRLF) or follow a preamble.
        const at = this.len >= this.firstDelimiter.length && this.buf.subarray(0, this.firstDelimiter.length).equals(this.firstDelimiter) ? 0 : this.find(this.delimiter);
        if (at < 0) {
          if (this.len > 64 * 1024) throw new MultipartError('no multipart boundary in the first 64 KB of the answer');
          return;
        }
        const delimiterLength = at === 0 && this.buf[0] === 0x2d ? this.firstDelimiter.length : this.delimiter.length;
        if (!this.afterDelimiter(at + delimiterLength)) return;
        continue;
      }
      if (this.state === 'headers') {
        const end = this.buf.subarray(0, this.len).indexOf('\r\n\r\n', 0, 'latin1');
        // A part with no headers at all starts directly with the blank line.
        const empty = this.len >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a;
        if (!empty && end < 0) {
          if (this.len > 16 * 1024) throw new MultipartError('a multipart part has more than 16 KB of headers');
          return;
        }
        const headerEnd = empty ? 0 : end;
        this.headers = parseHeaders(this.buf.subarray(0, headerEnd).toString('latin1'));
        this.consume(headerEnd + (empty ? 2 : 4));
        this.state = 'body';
        this.scan = 0;
        continue;
      }
      // body
      const at = this.find(this.delimiter);
      if (at < 0) {
        this.scan = Math.max(0, this.len - this.delimiter.length + 1);
        return;
      }
      out.push({ headers: this.headers, body: Buffer.from(this.buf.subarray(0, at)) });
      this.parts++;
      if (!this.afterDelimiter(at + this.delimiter.length)) {
        // Keep the delimiter to re-examine when more bytes come.
        this.consume(at);
        this.state = 'preamble';
        this.restoreDelimiterAtStart();
        return;
      }
    }
  }

  /** Checks the body ended properly (close delimiter seen). */
  end(): void {
    if (this.deferred) throw this.deferred;
    if (this.state === 'done') return;
    if (this.state === 'preamble' && this.parts === 0) throw new MultipartError('the answer has no multipart parts');
    throw new MultipartError(`the answer ended in the middle of part ${this.parts + 1} (no closing boundary)`);
  }

  /**
   * At `p`, just after a delimiter: `--` closes the body; otherwise optional transport padding
   * and CRLF start a part. Returns false when more bytes are needed.
   */
  private afterDelimiter(p: number): boolean {
    if (this.len < p + 2) return false;
    if (this.buf[p] === 0x2d && this.buf[p + 1] === 0x2d) {
      this.state = 'done';
      this.consume(this.len);
      return true;
    }
    let q = p;
    while (q < this.len && (this.buf[q] === 0x20 || this.buf[q] === 0x09)) q++;
    if (this.len < q + 2) return false;
    if (this.buf[q] !== 0x0d || this.buf[q + 1] !== 0x0a) throw new MultipartError('malformed multipart boundary line');
    this.consume(q + 2);
    this.state = 'headers';
    return true;
  }

  /** After a body ended at a delimiter we could not finish reading, the buffer starts with "\r\n--b". */
  private restoreDelimiterAtStart(): void {
    // The preamble state looks for the CRLF-prefixed delimiter from position 0: nothing to do.
    this.scan = 0;
  }

  private find(needle: Buffer): number {
    const at = this.buf.subarray(0, this.len).indexOf(needle, this.scan);
    return at;
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      let capacity = this.buf.length * 2;
      while (capacity < this.len + chunk.length) capacity *= 2;
      const next = Buffer.alloc(capacity);
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  private consume(n: number): void {
    this.buf.copy(this.buf, 0, n, this.len);
    this.len -= n;
    this.scan = 0;
  }
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A multipart/related body of PS3.10 files, for STOW-RS (PS3.18 10.5.1.2). */
export function multipartBody(files: readonly Uint8Array[], boundary: string): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\nContent-Length: ${file.length}\r\n\r\n`, 'latin1'), Buffer.from(file.buffer, file.byteOffset, file.byteLength), Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(parts);
}
