/**
 * Everything the pure core needs from the outside world. Adapters (browser or Node)
 * implement these; tests pass fakes. Each capability adds its port here.
 */

/** Wall-clock time, injectable so tests and replays are deterministic. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** A source of random bytes (nonces, session ids). */
export interface Random {
  bytes(length: number): Uint8Array;
}
