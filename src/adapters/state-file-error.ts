/**
 * A state file that cannot be used as it is: the headless device's (`--state device.json`) and
 * the reference DM server's. Never overwritten; the CLI reports it and exits, so the user can
 * move the file away or name another.
 */
import { OtaError } from '../core/errors.ts';

export type StateFileErrorCode = 'state-file-corrupt' | 'state-file-version' | 'state-file-missing';

export class StateFileError extends OtaError {
  constructor(code: StateFileErrorCode, path: string, message: string) {
    super(code, message, { path });
  }
}
