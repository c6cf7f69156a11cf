/**
 * Alert codes used by OMA DM 1.2 (shared/spec/oma-dm.md §9, §3.1, §3.2, §11;
 * OMA-TS-DM_RepPro "Alert codes", REP 42). 1105-1199, 1202-1220 and 1227-1299 are reserved.
 */

export interface AlertCodeInfo {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
  /** Who may send it. */
  readonly sender: 'server' | 'client' | 'both';
}

export const ALERT_CODES: readonly AlertCodeInfo[] = [
  {
    code: 1100,
    name: 'Display',
    sender: 'server',
    meaning: 'Show a message to the user; the answer is 200 once it was shown.',
  },
  {
    code: 1101,
    name: 'Confirm or reject',
    sender: 'server',
    meaning: 'Ask the user Yes/No; Yes = 200, No = 304, cancel = 214.',
  },
  {
    code: 1102,
    name: 'Text input',
    sender: 'server',
    meaning: 'Ask the user for text; the answer carries the text in an Item.',
  },
  {
    code: 1103,
    name: 'Single choice',
    sender: 'server',
    meaning: 'Ask the user to pick one option; the answer carries its 1-based index.',
  },
  {
    code: 1104,
    name: 'Multiple choice',
    sender: 'server',
    meaning: 'Ask the user to pick options; the answer carries one Item per chosen index.',
  },
  {
    code: 1200,
    name: 'Server-initiated management',
    sender: 'client',
    meaning: 'Package 1 of a session started by a package-0 notification.',
  },
  {
    code: 1201,
    name: 'Client-initiated management',
    sender: 'client',
    meaning: 'Package 1 of a session the device started itself.',
  },
  {
    code: 1222,
    name: 'Next message',
    sender: 'both',
    meaning: 'Send the next message of the current multi-message package.',
  },
  { code: 1223, name: 'Session abort', sender: 'both', meaning: 'The sender aborts the session.' },
  {
    code: 1224,
    name: 'Client event',
    sender: 'client',
    meaning: 'The device reports an event; Items carry Meta Type/Format.',
  },
  {
    code: 1225,
    name: 'No end of data',
    sender: 'both',
    meaning:
      'A new object or command arrived before the last chunk of a large object; the object is not committed.',
  },
  {
    code: 1226,
    name: 'Generic alert',
    sender: 'client',
    meaning:
      'The device reports a result or event (e.g. the outcome of an asynchronous Exec, echoing its Correlator).',
  },
];

export const AlertCode = {
  Display: 1100,
  Confirm: 1101,
  TextInput: 1102,
  SingleChoice: 1103,
  MultipleChoice: 1104,
  ServerInitiatedMgmt: 1200,
  ClientInitiatedMgmt: 1201,
  NextMessage: 1222,
  SessionAbort: 1223,
  ClientEvent: 1224,
  NoEndOfData: 1225,
  GenericAlert: 1226,
} as const;

export type UserInteractionAlertCode = 1100 | 1101 | 1102 | 1103 | 1104;

const BY_CODE: ReadonlyMap<number, AlertCodeInfo> = new Map(ALERT_CODES.map((a) => [a.code, a]));

export function alertText(code: number): string {
  const known = BY_CODE.get(code);
  if (known) return known.name;
  if ((code >= 1105 && code <= 1199) || (code >= 1202 && code <= 1220) || (code >= 1227 && code <= 1299)) {
    return `Reserved alert ${code}`;
  }
  return `Unknown alert ${code}`;
}

export function isUserInteractionAlert(code: number): code is UserInteractionAlertCode {
  return code >= 1100 && code <= 1104;
}
