/**
 * SyncML response status codes as used by OMA DM 1.2 (shared/spec/oma-dm.md §5-§6).
 *
 * Sources: names per OMA-TS-SyncML_RepPro §10 as quoted by hostap `oma_dm_client.c` and
 * AOSP `dmtError.h`; DM-specific meanings from OMA-TS-DM_RepPro (REP 41) and
 * OMA-TS-DM_Protocol (PRO 24, PRO 25). Codes that SyncML defines but DM never produces
 * (207-209 conflict resolution, 419 ...) are listed so a trace can still name them.
 * `meaning` is written for testers reading a session trace.
 */

export interface StatusCodeInfo {
  readonly code: number;
  /** Short name, e.g. `Permission denied`. */
  readonly name: string;
  /** Plain-English explanation of what the code means in a DM session. */
  readonly meaning: string;
}

export const STATUS_CODES: readonly StatusCodeInfo[] = [
  {
    code: 101,
    name: 'In progress',
    meaning: 'The command is still being processed; a final status follows later.',
  },

  {
    code: 200,
    name: 'OK',
    meaning:
      'The command succeeded. As the answer to a confirmation alert (1101) it means "Yes". For a SyncHdr under HMAC it means this message was authenticated.',
  },
  {
    code: 201,
    name: 'Item added',
    meaning: 'The item was added (data-sync status; DM answers 200 for a successful Add).',
  },
  {
    code: 202,
    name: 'Accepted for processing',
    meaning:
      'The request was accepted and will complete asynchronously (e.g. an Exec whose result is reported later by a Generic Alert).',
  },
  {
    code: 203,
    name: 'Non-authoritative response',
    meaning: 'The answer comes from a copy rather than from the authoritative source.',
  },
  { code: 204, name: 'No content', meaning: 'The command succeeded but there is no data to return.' },
  {
    code: 205,
    name: 'Reset content',
    meaning: 'The command succeeded; the originator should refresh its copy of the data.',
  },
  { code: 206, name: 'Partial content', meaning: 'Only part of the command could be completed.' },
  {
    code: 207,
    name: 'Conflict resolved with merge',
    meaning: 'Data-sync conflict status; not produced by OMA DM.',
  },
  {
    code: 208,
    name: "Conflict resolved with client's command winning",
    meaning: 'Data-sync conflict status; not produced by OMA DM.',
  },
  {
    code: 209,
    name: 'Conflict resolved with duplicate',
    meaning: 'Data-sync conflict status; not produced by OMA DM.',
  },
  {
    code: 210,
    name: 'Delete without archive',
    meaning: 'The item was deleted, but archiving was not possible.',
  },
  { code: 211, name: 'Item not deleted', meaning: 'The item to delete was not found.' },
  {
    code: 212,
    name: 'Authentication accepted',
    meaning:
      'The credentials in the SyncHdr were accepted and no further authentication is needed for the rest of the session.',
  },
  {
    code: 213,
    name: 'Chunked item accepted and buffered',
    meaning:
      'One chunk of a large object was received and buffered; the rest is expected in the next messages.',
  },
  {
    code: 214,
    name: 'Operation cancelled',
    meaning: 'The user cancelled a user-interaction alert. Processing of the package stops after it.',
  },
  {
    code: 215,
    name: 'Not executed',
    meaning:
      'The command was skipped, e.g. because the user cancelled an earlier alert or answered "No" inside a Sequence.',
  },
  {
    code: 216,
    name: 'Atomic roll back OK',
    meaning: 'This command was rolled back successfully because its Atomic failed.',
  },

  { code: 300, name: 'Multiple choices', meaning: 'The target matches more than one item.' },
  { code: 301, name: 'Moved permanently', meaning: 'The target has moved permanently to another URI.' },
  { code: 302, name: 'Found', meaning: 'The target was found at a temporary different URI.' },
  { code: 303, name: 'See other', meaning: 'The result can be found at another URI.' },
  {
    code: 304,
    name: 'Not modified',
    meaning: 'Nothing was changed. As the answer to a confirmation alert (1101) it means "No".',
  },
  { code: 305, name: 'Use proxy', meaning: 'The target must be accessed through a proxy.' },

  { code: 400, name: 'Bad request', meaning: 'The command could not be performed because it is malformed.' },
  {
    code: 401,
    name: 'Invalid credentials',
    meaning:
      'Authentication failed: the credentials are wrong. A challenge (Chal) with a fresh nonce accompanies it.',
  },
  { code: 402, name: 'Payment required', meaning: 'The command requires payment.' },
  {
    code: 403,
    name: 'Forbidden',
    meaning: 'The command is refused for a reason other than the ACL (e.g. the node is not writable).',
  },
  { code: 404, name: 'Not found', meaning: 'The target node does not exist.' },
  {
    code: 405,
    name: 'Command not allowed',
    meaning:
      'The command is not allowed on this node (e.g. deleting a permanent node, Add under a leaf, Get on ./Inbox).',
  },
  {
    code: 406,
    name: 'Optional feature not supported',
    meaning:
      'The device does not support an optional feature the command uses (a property, ?list, UI alerts, TNDS).',
  },
  {
    code: 407,
    name: 'Missing credentials',
    meaning: 'Authentication is required but no credentials were sent. A challenge (Chal) accompanies it.',
  },
  {
    code: 408,
    name: 'Request timeout',
    meaning: 'The user did not answer a user-interaction alert within its maximum display time (MAXDT).',
  },
  { code: 409, name: 'Conflict', meaning: 'The command conflicts with the current state of the target.' },
  { code: 410, name: 'Gone', meaning: 'The target no longer exists and no forwarding address is known.' },
  {
    code: 411,
    name: 'Size required',
    meaning: 'The command needs a Meta Size (e.g. the first chunk of a large object) and none was given.',
  },
  {
    code: 412,
    name: 'Incomplete command',
    meaning:
      'The command is missing mandatory parts or has bad parameters (e.g. malformed user-interaction alert options).',
  },
  {
    code: 413,
    name: 'Request entity too large',
    meaning: 'The data is larger than the device accepts for this node or message.',
  },
  {
    code: 414,
    name: 'URI too long',
    meaning: 'The URI exceeds the device limits (total length, segment length or depth in ./DevDetail/URI).',
  },
  {
    code: 415,
    name: 'Unsupported media type or format',
    meaning: 'The Meta Type or Format of the data is not supported for this node.',
  },
  {
    code: 416,
    name: 'Requested range not satisfiable',
    meaning: 'The request cannot be satisfied (e.g. a user-interaction alert cannot be shown).',
  },
  { code: 417, name: 'Retry later', meaning: 'The recipient is busy; try again later.' },
  {
    code: 418,
    name: 'Already exists',
    meaning: 'Add of a node that already exists, or a rename that clashes with a sibling.',
  },
  {
    code: 419,
    name: 'Conflict resolved with server data',
    meaning: 'Data-sync conflict status; not produced by OMA DM.',
  },
  { code: 420, name: 'Device full', meaning: 'The device has no room left to store the data.' },
  { code: 421, name: 'Unknown search grammar', meaning: 'Data-sync Search status; not produced by OMA DM.' },
  { code: 422, name: 'Bad CGI script', meaning: 'Data-sync filter status; not produced by OMA DM.' },
  {
    code: 423,
    name: 'Soft-delete conflict',
    meaning: 'Data-sync soft-delete status; not produced by OMA DM.',
  },
  {
    code: 424,
    name: 'Size mismatch',
    meaning:
      'The reassembled large object does not have the size announced in its first chunk; nothing was committed.',
  },
  {
    code: 425,
    name: 'Permission denied',
    meaning: "Permission denied: the node's ACL does not grant this command to this server.",
  },
  { code: 426, name: 'Partial item not accepted', meaning: 'A chunk of a large object was refused.' },
  {
    code: 427,
    name: 'Item not empty',
    meaning: 'The item cannot be deleted because it still has children (data-sync).',
  },
  { code: 428, name: 'Move failed', meaning: 'Data-sync Move status; not produced by OMA DM.' },

  {
    code: 500,
    name: 'Command failed',
    meaning:
      'The command failed on the device for an unspecified reason (also: a nested Atomic, a Get inside Atomic).',
  },
  { code: 501, name: 'Command not implemented', meaning: 'The device does not implement this command.' },
  { code: 502, name: 'Bad gateway', meaning: 'An intermediary received an invalid answer.' },
  {
    code: 503,
    name: 'Service unavailable',
    meaning: 'The recipient is temporarily unable to process the command.',
  },
  { code: 504, name: 'Gateway timeout', meaning: 'An intermediary did not get an answer in time.' },
  { code: 505, name: 'DTD version not supported', meaning: 'The VerDTD of the message is not supported.' },
  {
    code: 506,
    name: 'Processing error',
    meaning: 'An application error occurred while processing the command.',
  },
  {
    code: 507,
    name: 'Atomic failed',
    meaning: 'One command inside the Atomic failed, so the whole Atomic was rolled back.',
  },
  {
    code: 508,
    name: 'Refresh required',
    meaning: 'Data-sync status asking for a slow sync; not produced by OMA DM.',
  },
  { code: 509, name: 'Reserved', meaning: 'Reserved for future use.' },
  {
    code: 510,
    name: 'Data store failure',
    meaning: 'The device could not store or read the data (a storage error).',
  },
  { code: 511, name: 'Server failure', meaning: 'A severe error on the server side.' },
  { code: 512, name: 'Synchronization failed', meaning: 'Data-sync failure; not produced by OMA DM.' },
  {
    code: 513,
    name: 'Protocol version not supported',
    meaning: 'The VerProto of the message is not supported.',
  },
  {
    code: 514,
    name: 'Operation cancelled',
    meaning: 'The command was cancelled before it completed (a failure).',
  },
  {
    code: 516,
    name: 'Atomic roll back failed',
    meaning: 'The Atomic failed and this command could not be rolled back: the tree may be inconsistent.',
  },
  {
    code: 517,
    name: 'Atomic response too large to fit',
    meaning: 'The statuses of the Atomic would not fit in one message, so it was rolled back.',
  },
];

/** Named codes for the session engine, so code reads `StatusCode.PermissionDenied`. */
export const StatusCode = {
  InProgress: 101,
  OK: 200,
  Accepted: 202,
  AuthenticationAccepted: 212,
  ChunkAccepted: 213,
  OperationCancelled: 214,
  NotExecuted: 215,
  AtomicRollbackOk: 216,
  NotModified: 304,
  BadRequest: 400,
  InvalidCredentials: 401,
  Forbidden: 403,
  NotFound: 404,
  CommandNotAllowed: 405,
  OptionalFeatureNotSupported: 406,
  MissingCredentials: 407,
  RequestTimeout: 408,
  IncompleteCommand: 412,
  RequestEntityTooLarge: 413,
  UriTooLong: 414,
  UnsupportedMediaType: 415,
  RequestedRangeNotSatisfiable: 416,
  AlreadyExists: 418,
  DeviceFull: 420,
  SizeMismatch: 424,
  PermissionDenied: 425,
  CommandFailed: 500,
  CommandNotImplemented: 501,
  ServiceUnavailable: 503,
  ProcessingError: 506,
  AtomicFailed: 507,
  DataStoreFailure: 510,
  AtomicRollbackFailed: 516,
  AtomicResponseTooLarge: 517,
} as const;

const BY_CODE: ReadonlyMap<number, StatusCodeInfo> = new Map(STATUS_CODES.map((s) => [s.code, s]));

const CLASS_NAMES: Readonly<Record<number, string>> = {
  1: 'Informational',
  2: 'Success',
  3: 'Redirection',
  4: 'Originator error',
  5: 'Recipient error',
};

/** Short name, e.g. `statusText(425)` = `Permission denied`; unknown codes are named by class. */
export function statusText(code: number): string {
  const known = BY_CODE.get(code);
  if (known) return known.name;
  const cls = CLASS_NAMES[Math.floor(code / 100)];
  return cls ? `${cls} (unknown code ${code})` : `Unknown status ${code}`;
}

/** Plain-English explanation for testers. */
export function statusMeaning(code: number): string {
  const known = BY_CODE.get(code);
  if (known) return known.meaning;
  const cls = CLASS_NAMES[Math.floor(code / 100)];
  return cls
    ? `Status ${code} is not defined by SyncML/OMA DM 1.2; its class is "${cls.toLowerCase()}".`
    : `Status ${code} is not a SyncML status code.`;
}

/** 2xx: the command (or the authentication) succeeded. */
export function isSuccess(code: number): boolean {
  return code >= 200 && code <= 299;
}
