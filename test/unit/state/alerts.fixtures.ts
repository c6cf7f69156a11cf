import type { UserInteraction } from '../../../src/core/dm/alerts.ts';

/** A DM 1101 confirm alert as the session engine would parse it, for the dialog queue's tests. */
export function confirmAlert(text: string, maxDisplaySeconds?: number): UserInteraction {
  return {
    kind: 'confirm',
    alertCode: 1101,
    CmdID: '7',
    text,
    ...(maxDisplaySeconds !== undefined ? { maxDisplaySeconds } : {}),
    inputType: 'alphanumeric',
    echoType: 'text',
    choices: [],
    options: { unknown: [], warnings: [] },
    warnings: [],
  };
}
