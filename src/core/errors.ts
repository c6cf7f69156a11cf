/**
 * Base class for every error the core throws. `code` is stable (tests, scripts and the
 * UI switch on it); `message` is for people. Errors serialise to JSON so traces can keep them.
 */
export class OtaError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  toJSON(): { name: string; code: string; message: string; details: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

export function isOtaError(value: unknown): value is OtaError {
  return value instanceof OtaError;
}
