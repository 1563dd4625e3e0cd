import { describe, expect, it } from 'vitest';

import { boundaryOf, multipartBody, MultipartError, MultipartParser, type MultipartPart } from '../../../../../app/main/services/pacs/multipart';

const parts = [Buffer.from('first part \r\n-- not a boundary'), Buffer.alloc(70_000, 7), Buffer.from('')];

function parseAll(body: Buffer, chunk: number, boundary = 'b0und'): MultipartPart[] {
  const parser = new MultipartParser(boundary);
  const out: MultipartPart[] = [];
  for (let i = 0; i < body.length; i += chunk) out.push(...parser.push(body.subarray(i, i + chunk)));
  parser.end();
  return out;
}

describe('multipart/related', () => {
  it('reads the Content-Type boundary, quoted or not', () => {
    expect(boundaryOf('multipart/related; type="application/dicom"; boundary=abc')).toBe('abc');
    expect(boundaryOf('multipart/related; boundary="a b:c"; type="application/dicom"')).toBe('a b:c');
    expect(boundaryOf('application/dicom')).toBeUndefined();
  });

  for (const chunk of [1, 7, 4096, 1 << 20]) {
    it(`round-trips what the STOW-RS writer makes, fed in ${chunk}-byte chunks`, () => {
      const got = parseAll(multipartBody(parts, 'b0und'), chunk);
      expect(got.map((p) => p.body)).toEqual(parts);
      expect(got[0].headers['content-type']).toBe('application/dicom');
    });
  }

  it('skips a preamble and transport padding, and accepts a part without headers', () => {
    const body = Buffer.from('preamble text\r\n--b0und  \r\n\r\nno headers\r\n--b0und\r\nContent-Type: application/dicom\r\n\r\nx\r\n--b0und--\r\nepilogue');
    expect(parseAll(body, 3).map((p) => p.body.toString())).toEqual(['no headers', 'x']);
  });

  it('says where a body ends early, after returning the whole parts before it', () => {
    const whole = multipartBody(parts, 'b0und');
    const parser = new MultipartParser('b0und');
    const got = parser.push(whole.subarray(0, whole.length - 40_000));
    expect(got.map((p) => p.body)).toEqual([parts[0]]);
    expect(() => parser.end()).toThrow(/ended in the middle of part 2/);
  });

  it('returns whole parts before a malformed boundary line, then reports it', () => {
    const body = Buffer.concat([multipartBody([parts[0]], 'b0und').subarray(0, -11), Buffer.from('--b0undGARBAGE')]);
    const parser = new MultipartParser('b0und');
    expect(parser.push(body).map((p) => p.body)).toEqual([parts[0]]);
    expect(() => parser.end()).toThrow(MultipartError);
  });

  it('rejects an answer with no boundary at all', () => {
    const parser = new MultipartParser('b0und');
    expect(() => parser.push(Buffer.alloc(70_000, 65))).toThrow(/no multipart boundary/);
  });
});
