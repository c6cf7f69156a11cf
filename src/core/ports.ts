import type { UserAnswer, UserInteraction } from './dm/alerts.ts';
import { OtaError } from './errors.ts';

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

/** Where the management tree is stored; defined with the tree. */
export type { TreeStore, TreeCommit } from './tree/store.ts';

// ---------------------------------------------------------------------------------------
// HTTP transport (DM session; shared/spec/oma-dm.md §1)

/** Header names are lower-case in both directions. */
export type HttpHeaders = Record<string, string>;

/** A reply the transport received with a 2xx HTTP status. */
export interface HttpResponse {
  status: number;
  headers: HttpHeaders;
  body: Uint8Array;
}

/**
 * Carries one SyncML message per POST. Resolves only for 2xx replies; rejects with a
 * `TransportError` for a timeout, a network failure or a non-2xx HTTP status.
 */
export interface HttpTransport {
  post(url: string, body: Uint8Array, headers: HttpHeaders): Promise<HttpResponse>;
}

export type TransportErrorKind = 'timeout' | 'network' | 'http-status';

/**
 * Why a POST produced no SyncML reply. Serialises to JSON (OtaError.toJSON) so a session
 * trace can keep it; `details` holds url, httpStatus, timeoutMs and the reply's content type.
 */
export class TransportError extends OtaError {
  readonly kind: TransportErrorKind;
  readonly url: string;
  readonly httpStatus: number | undefined;

  constructor(
    kind: TransportErrorKind,
    message: string,
    details: { url: string; httpStatus?: number; timeoutMs?: number; contentType?: string; cause?: string },
  ) {
    super(`transport-${kind}`, message, { kind, ...details });
    this.kind = kind;
    this.url = details.url;
    this.httpStatus = details.httpStatus;
  }
}

// ---------------------------------------------------------------------------------------
// User interaction (DM alerts 1100-1104; shared/spec/oma-dm.md §9)

/**
 * Asks the person holding the handset. Resolves with their answer, `{ kind: 'cancel' }`
 * when they dismiss it, or `{ kind: 'timeout' }` when MAXDT expires (the adapter owns the
 * timer; the core has none). A prompter that cannot show a request rejects or answers cancel.
 */
export interface Prompter {
  ask(request: UserInteraction): Promise<UserAnswer>;
}
