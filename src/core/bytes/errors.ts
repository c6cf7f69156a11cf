import { OtaError } from '../errors.ts';

/** Codes of {@link BytesError}: stable, tests and callers switch on them. */
export type BytesErrorCode =
  'truncated' | 'bad-integer' | 'bad-hex' | 'bad-base64' | 'bad-utf8' | 'limit-exceeded';

/**
 * A malformed or truncated byte sequence met by the shared byte helpers. `offset` is the byte
 * (or, for hex/base64 text, the character) position where the problem was found.
 */
export class BytesError extends OtaError {
  override readonly code: BytesErrorCode;
  readonly offset: number;

  constructor(code: BytesErrorCode, message: string, offset: number) {
    super(code, message, { offset });
    this.code = code;
    this.offset = offset;
  }
}
