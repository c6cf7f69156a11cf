/** Exit codes of `ota-handset`, documented in the README and in `--help`. */
export const EXIT = {
  ok: 0,
  /** The operation ran and failed (a session that did not complete, a flow assertion that failed). */
  failed: 1,
  /** Bad input or usage: unknown verb or flag, malformed file. */
  usage: 2,
  /** A security check failed: MAC mismatch, PIN missing or wrong. */
  security: 3,
} as const;
