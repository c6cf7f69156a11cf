import { OtaError } from '../errors.ts';

/**
 * Stable codes of {@link XmlError}:
 * - `malformed-xml`: not well-formed (unclosed or mismatched tags, bad attribute syntax …);
 * - `unknown-entity`: an entity reference other than the five XML ones or a character
 *   reference (DTD entities are never expanded);
 * - `bad-char-ref`: a character reference to something that is not a Unicode scalar value;
 * - `no-root`: no root element;
 * - `limit-exceeded`: input longer than, or nested deeper than, the limits.
 */
export type XmlErrorCode = 'malformed-xml' | 'unknown-entity' | 'bad-char-ref' | 'no-root' | 'limit-exceeded';

/** An XML parsing error; `line` and `column` (1-based) when they are known. */
export class XmlError extends OtaError {
  override readonly code: XmlErrorCode;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(code: XmlErrorCode, message: string, line?: number, column?: number) {
    super(code, message, line === undefined ? {} : { line, column });
    this.code = code;
    this.line = line;
    this.column = column;
  }
}
