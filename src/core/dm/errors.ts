import { OtaError } from '../errors.ts';

/**
 * Errors of the DM building blocks (auth, package 0, UI alerts). Protocol outcomes are
 * status codes and never thrown; these are for input that cannot be read at all (a
 * truncated package 0, an unparseable x-syncml-hmac header) and for programming errors
 * (an answer that does not fit the alert it answers).
 */
export type DmErrorCode =
  /** Package 0 shorter than its fixed part or than its server-identifier length says. */
  | 'package0-truncated'
  /** Package 0 version field not among the accepted versions (11 = "1.1", decision 0044). */
  | 'package0-bad-version'
  /** A field passed to buildPackage0 does not fit its bit width. */
  | 'package0-field-range'
  /** x-syncml-hmac header without username or mac, or not attribute=value pairs. */
  | 'auth-hmac-header-malformed'
  /** A nonce that is neither valid base64 nor usable. */
  | 'auth-nonce-invalid'
  /** A user answer that does not fit the alert (text for a display alert, index out of range). */
  | 'alert-answer-invalid';

export class DmError extends OtaError {
  declare readonly code: DmErrorCode;

  constructor(code: DmErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** Package-0 errors carry the byte offset where reading stopped. */
export class Package0Error extends DmError {
  readonly offset: number;

  constructor(
    code: 'package0-truncated' | 'package0-bad-version' | 'package0-field-range',
    message: string,
    offset: number,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, { offset, ...details });
    this.offset = offset;
  }
}
