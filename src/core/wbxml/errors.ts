import { OtaError } from '../errors.ts';

/**
 * Stable codes of {@link WbxmlError}.
 * - `truncated`: the input ended early (more bytes would have been needed); everything else
 *   means the bytes present are wrong.
 * - `bad-version`, `bad-public-id`, `unsupported-charset`: header problems.
 * - `bad-integer`: an mb_u_int32 longer than 5 bytes or above 2^32-1.
 * - `unknown-token`: a token with no meaning on the current code page (or an EXT/PI token,
 *   which the languages here do not use).
 * - `bad-string-ref`: a string-table index (STR_T, LITERAL, public id) outside the table.
 * - `bad-utf8`, `bad-entity`: string content that is not valid text.
 * - `bad-structure`: tokens in an order the grammar forbids (e.g. a value with no attribute).
 * - `trailing-bytes`: bytes after the root element.
 * - `limit-exceeded`: a size, depth, string length or element count limit was hit.
 * - `unencodable`: (encoder) the document cannot be written in WBXML as asked.
 */
export type WbxmlErrorCode =
  | 'truncated'
  | 'bad-version'
  | 'bad-public-id'
  | 'unsupported-charset'
  | 'bad-integer'
  | 'unknown-token'
  | 'bad-string-ref'
  | 'bad-utf8'
  | 'bad-entity'
  | 'bad-structure'
  | 'trailing-bytes'
  | 'limit-exceeded'
  | 'unencodable';

/** A WBXML decoding or encoding error with the byte `offset` where it was found. */
export class WbxmlError extends OtaError {
  override readonly code: WbxmlErrorCode;
  readonly offset: number;

  constructor(code: WbxmlErrorCode, message: string, offset: number, details: Record<string, unknown> = {}) {
    super(code, message, { ...details, offset });
    this.code = code;
    this.offset = offset;
  }
}
