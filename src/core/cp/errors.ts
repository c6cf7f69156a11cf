/**
 * Typed errors of the CP transport layers (SMS, WSP push, input detection) and key
 * derivation. Codes are stable: tests, scripts and the UI switch on them.
 *
 * The security check itself never throws for a bad signature; it returns a verdict
 * (`security.ts`). These errors are for input that cannot be processed at all.
 */
import { OtaError } from '../errors.ts';

/** Codes of `SmsError`. */
export type SmsErrorCode =
  | 'sms-no-segments'
  | 'sms-bad-udh'
  | 'sms-missing-segments'
  | 'sms-duplicate-segment'
  | 'sms-mixed-references'
  | 'sms-inconsistent-total'
  | 'sms-bad-sequence'
  | 'sms-too-large';

/** Reassembly or UDH problem. `details` names the segment index (0-based input position) and sequence numbers. */
export class SmsError extends OtaError {
  declare readonly code: SmsErrorCode;
  constructor(code: SmsErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** Codes of `PushError`. */
export type PushErrorCode =
  'truncated' | 'not-a-push' | 'bad-uintvar' | 'bad-content-type' | 'bad-header' | 'bad-push-input';

/** WSP push PDU problem. `details.offset` is the byte offset in the PDU where it was found. */
export class PushError extends OtaError {
  declare readonly code: PushErrorCode;
  constructor(code: PushErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** Codes of `PayloadError` (input detection and unwrapping). */
export type PayloadErrorCode =
  'empty-input' | 'bad-hex' | 'bad-base64' | 'unrecognised-input' | 'kind-mismatch';

export class PayloadError extends OtaError {
  declare readonly code: PayloadErrorCode;
  constructor(code: PayloadErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** Codes of `KeyDerivationError`. */
export type KeyDerivationErrorCode = 'bad-imsi' | 'bad-pin' | 'bad-sec';

/** Invalid input to a key derivation or signing function (never thrown by `verifyPush`). */
export class KeyDerivationError extends OtaError {
  declare readonly code: KeyDerivationErrorCode;
  constructor(code: KeyDerivationErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
