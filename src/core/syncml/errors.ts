import { OtaError } from '../errors.ts';

/**
 * A SyncML message that cannot be read: not SyncML at all, a mandatory element missing
 * (no SyncHdr, no SessionID, a Status without CmdRef ...), or a value of the wrong shape
 * (a non-numeric MsgID in a Status Data ...). `details.path` names the offending element,
 * e.g. `SyncML/SyncBody/Status[2]/CmdRef`.
 *
 * Protocol outcomes (an unknown command, an unsupported Meta Type) are never thrown:
 * the reader records them as warnings and the session answers with a status code.
 */
export type SyncMLErrorCode = 'syncml-not-syncml' | 'syncml-missing-element' | 'syncml-malformed';

export class SyncMLError extends OtaError {
  declare readonly code: SyncMLErrorCode;

  constructor(code: SyncMLErrorCode, message: string, path: string, details: Record<string, unknown> = {}) {
    super(code, `${message} (at ${path})`, { path, ...details });
  }
}
