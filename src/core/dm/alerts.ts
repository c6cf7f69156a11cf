/**
 * User-interaction alerts 1100-1104 (shared/spec/oma-dm.md §9): parse the server's Alert into
 * a typed request, and turn the user's answer into the Status code and Items to send back.
 * Nothing here renders anything; the UI shows `text` and `choices` as plain text.
 *
 * Items, in order: 1 = options (`MINDT=10&MAXDT=30&DR=1&MAXLEN=8&IT=N&ET=P`, may be empty),
 * 2 = the text (the title for 1103/1104), 3... = the choices, numbered from 1.
 */
import type { Alert, Item } from '../syncml/message.ts';
import { dataText } from '../syncml/message.ts';
import { DmError } from './errors.ts';

export type UserInteractionKind = 'display' | 'confirm' | 'text-input' | 'single-choice' | 'multiple-choice';
export type InputType = 'alphanumeric' | 'numeric' | 'date' | 'time' | 'phone' | 'ip';
export type EchoType = 'text' | 'password';

const KIND_OF_CODE: Readonly<Record<number, UserInteractionKind>> = {
  1100: 'display',
  1101: 'confirm',
  1102: 'text-input',
  1103: 'single-choice',
  1104: 'multiple-choice',
};

const INPUT_TYPES: Readonly<Record<string, InputType>> = {
  A: 'alphanumeric',
  N: 'numeric',
  D: 'date',
  T: 'time',
  P: 'phone',
  I: 'ip',
};

/** The parsed options item. Values are as sent; which apply depends on the alert kind. */
export interface AlertOptions {
  MINDT?: number;
  MAXDT?: number;
  /** Default response, URL-decoded. */
  DR?: string;
  MAXLEN?: number;
  IT?: string;
  ET?: string;
  /** Parameters we do not know (skipped silently, per the spec); names upper-cased. */
  unknown: string[];
  /** What was tolerated or ignored while reading the string. */
  warnings: string[];
}

export interface UserInteraction {
  kind: UserInteractionKind;
  alertCode: 1100 | 1101 | 1102 | 1103 | 1104;
  /** CmdID of the Alert: the answer's Status has CmdRef = this. */
  CmdID: string;
  /** Text to show as plain text (for choices: the title). */
  text: string;
  minDisplaySeconds?: number;
  maxDisplaySeconds?: number;
  /** Raw DR value (URL-decoded), when present. */
  defaultResponse?: string;
  /** 1101: DR=1 accept highlighted (true), DR=0 reject highlighted (false). */
  defaultAccept?: boolean;
  /** 1102: initial text. */
  defaultText?: string;
  /** 1103 (one index) / 1104: default choices, 1-based, in range, sorted. */
  defaultChoices?: number[];
  /** 1102 only. */
  maxLength?: number;
  inputType: InputType;
  echoType: EchoType;
  /** 1103 / 1104: the choice texts; index 0 is choice 1. */
  choices: string[];
  options: AlertOptions;
  warnings: string[];
}

export type UserInteractionParse =
  | { ok: true; request: UserInteraction }
  /** Not a usable UI alert: answer the Alert with `status` (412 incomplete command). */
  | { ok: false; status: number; reason: string };

const KNOWN_KEYS = ['MINDT', 'MAXDT', 'DR', 'MAXLEN', 'IT', 'ET'] as const;
type KnownKey = (typeof KNOWN_KEYS)[number];

/** `+` as space and %HH escapes; a malformed escape is kept as it is. */
function urlDecode(value: string): string {
  const plus = value.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/**
 * Parse the options string leniently: `&`-separated `name=value`, names in any case, spaces
 * around names and values, missing values and empty pairs ignored, a trailing `&` ignored,
 * and a missing `&` between a number and the next known name repaired (`MAXDT=15DR=1`,
 * from the AOSP fixture testalertconfirmatomic.xml).
 */
export function parseAlertOptions(raw: string): AlertOptions {
  const out: AlertOptions = { unknown: [], warnings: [] };
  const boundary = new RegExp(`(?<=[\\d\\s,])(?=(?:${KNOWN_KEYS.join('|')})\\s*=)`, 'i');
  for (const pair of raw.split('&')) {
    let earlierInPair = false;
    pair.split(boundary).forEach((piece) => {
      const part = piece.trim();
      if (part === '') return;
      const repaired = earlierInPair;
      earlierInPair = true;
      const eq = part.indexOf('=');
      const name = (eq < 0 ? part : part.slice(0, eq)).trim().toUpperCase();
      const value = eq < 0 ? '' : part.slice(eq + 1).trim();
      if (!(KNOWN_KEYS as readonly string[]).includes(name)) {
        out.unknown.push(name);
        return;
      }
      const key = name as KnownKey;
      if (repaired) out.warnings.push(`missing '&' before ${key}; repaired`);
      if (value === '') {
        out.warnings.push(`${key} has no value; ignored`);
        return;
      }
      if (out[key] !== undefined) out.warnings.push(`${key} given twice; the last one is used`);
      if (key === 'MINDT' || key === 'MAXDT' || key === 'MAXLEN') {
        if (/^\d+$/.test(value)) out[key] = Number(value);
        else out.warnings.push(`${key}=${value} is not a number; ignored`);
      } else {
        out[key] = urlDecode(value);
      }
    });
  }
  return out;
}

/**
 * Indices from a DR for 1104: `-`-separated per the spec (`2-3` = choices 2 and 3). When the
 * value also contains commas (`1-3,6`, AOSP testalertmultiplechoice.xml) commas separate the
 * entries and `a-b` is read as a range.
 */
function parseIndices(value: string, warnings: string[]): number[] {
  const out: number[] = [];
  const add = (s: string): void => {
    const t = s.trim();
    if (/^\d+$/.test(t)) out.push(Number(t));
    else if (t !== '') warnings.push(`default choice ${JSON.stringify(t)} is not a number; ignored`);
  };
  if (value.includes(',')) {
    for (const entry of value.split(',')) {
      const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(entry);
      if (range) {
        const from = Number(range[1]);
        const to = Number(range[2]);
        for (let i = from; i <= to && i - from < 1000; i++) out.push(i);
      } else {
        add(entry);
      }
    }
  } else {
    for (const entry of value.split('-')) add(entry);
  }
  return out;
}

/** Parse a UI alert (1100-1104). Returns a status to answer with when it is not usable. */
export function parseUserInteraction(alert: Alert): UserInteractionParse {
  const kind = KIND_OF_CODE[alert.Data];
  if (!kind) return { ok: false, status: 412, reason: `alert ${alert.Data} is not a user-interaction alert` };
  const items: Item[] = alert.Items;
  const optionsItem = items[0];
  const textItem = items[1];
  if (!optionsItem || !textItem) {
    return {
      ok: false,
      status: 412,
      reason: 'a user-interaction alert needs an options item and a text item',
    };
  }
  const options = parseAlertOptions(dataText(optionsItem.Data));
  const warnings = [...options.warnings];
  if (options.unknown.length > 0) warnings.push(`unknown options skipped: ${options.unknown.join(', ')}`);
  const choices = items.slice(2).map((item) => dataText(item.Data));
  if ((kind === 'single-choice' || kind === 'multiple-choice') && choices.length === 0) {
    return { ok: false, status: 412, reason: 'a choice alert needs at least one choice item' };
  }
  if (kind !== 'single-choice' && kind !== 'multiple-choice' && choices.length > 0) {
    warnings.push(`${choices.length} extra item(s) ignored`);
  }

  const request: UserInteraction = {
    kind,
    alertCode: alert.Data as UserInteraction['alertCode'],
    CmdID: alert.CmdID,
    text: dataText(textItem.Data),
    inputType: 'alphanumeric',
    echoType: 'text',
    choices: kind === 'single-choice' || kind === 'multiple-choice' ? choices : [],
    options,
    warnings,
  };
  if (options.MINDT !== undefined) request.minDisplaySeconds = options.MINDT;
  if (options.MAXDT !== undefined) request.maxDisplaySeconds = options.MAXDT;
  if (options.DR !== undefined && kind !== 'display') {
    const dr = options.DR;
    request.defaultResponse = dr;
    if (kind === 'confirm') {
      if (dr.trim() === '1') request.defaultAccept = true;
      else if (dr.trim() === '0') request.defaultAccept = false;
      else warnings.push(`DR=${dr} is not 0 or 1; ignored`);
    } else if (kind === 'text-input') {
      request.defaultText = dr;
    } else {
      const indices = parseIndices(dr, warnings);
      const valid = [...new Set(indices)].filter((i) => i >= 1 && i <= choices.length).sort((a, b) => a - b);
      if (valid.length < new Set(indices).size)
        warnings.push(`default choices out of range ignored in DR=${dr}`);
      if (kind === 'single-choice' && valid.length > 1) {
        warnings.push(`DR=${dr} names several choices for a single choice; the first is used`);
        valid.splice(1);
      }
      if (valid.length > 0) request.defaultChoices = valid;
    }
  }
  if (kind === 'text-input') {
    if (options.MAXLEN !== undefined) request.maxLength = options.MAXLEN;
    if (options.IT !== undefined) {
      const it = INPUT_TYPES[options.IT.trim().toUpperCase()];
      if (it) request.inputType = it;
      else warnings.push(`IT=${options.IT} is unknown; alphanumeric used`);
    }
    if (options.ET !== undefined) {
      const et = options.ET.trim().toUpperCase();
      if (et === 'P') request.echoType = 'password';
      else if (et !== 'T') warnings.push(`ET=${options.ET} is unknown; text used`);
    }
  } else if (options.MAXLEN !== undefined || options.IT !== undefined || options.ET !== undefined) {
    warnings.push('MAXLEN, IT and ET apply to text input (1102) only; ignored');
  }
  return { ok: true, request };
}

// ---------------------------------------------------------------------------------------
// Answers

export type UserAnswer =
  /** Display: shown. Confirm: same as yes. */
  | { kind: 'ok' }
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'cancel' }
  /** MAXDT expired without an answer. */
  | { kind: 'timeout' }
  | { kind: 'text'; text: string }
  /** 1-based choice numbers. */
  | { kind: 'choice'; indices: number[] };

export interface AlertResponse {
  /** Status code for the Alert (Status Cmd=Alert, CmdRef = request.CmdID). */
  code: number;
  /** Status Items carrying the answer. */
  Items: Item[];
  /**
   * What the session does next:
   * - `continue`: nothing special;
   * - `rejected`: "No" to a confirm: inside Atomic the Atomic fails and rolls back, inside
   *   Sequence the remaining commands get 215, directly in SyncBody no effect;
   * - `cancelled`: processing of the package stops; every later command gets 215.
   */
  effect: 'continue' | 'rejected' | 'cancelled';
}

export interface AnswerOptions {
  /**
   * On timeout, answer with the alert's default response (DR) when it has one, instead of
   * 408. Default false (decision 0046).
   */
  timeoutUsesDefault?: boolean;
}

function invalid(message: string, request: UserInteraction): DmError {
  return new DmError('alert-answer-invalid', message, { kind: request.kind, CmdID: request.CmdID });
}

/** The default answer of a request, if its DR gives one. */
export function defaultAnswer(request: UserInteraction): UserAnswer | undefined {
  switch (request.kind) {
    case 'display':
      return { kind: 'ok' };
    case 'confirm':
      return request.defaultAccept === undefined ? undefined : { kind: request.defaultAccept ? 'yes' : 'no' };
    case 'text-input':
      return request.defaultText === undefined ? undefined : { kind: 'text', text: request.defaultText };
    default:
      return request.defaultChoices ? { kind: 'choice', indices: request.defaultChoices } : undefined;
  }
}

/**
 * Status code and Items for the user's answer (oma-dm.md §9 "Responses"):
 * display 200; confirm yes 200 / no 304; text 200 + Item(text); single choice 200 + Item(index);
 * multiple choice 200 + one Item per index; cancel 214 (display: 200, it was shown);
 * timeout 408 (display: 200). An answer that does not fit the alert throws `alert-answer-invalid`.
 */
export function answerUserInteraction(
  request: UserInteraction,
  answer: UserAnswer,
  options: AnswerOptions = {},
): AlertResponse {
  const ok = (Items: Item[] = []): AlertResponse => ({ code: 200, Items, effect: 'continue' });
  if (request.kind === 'display') {
    if (
      answer.kind === 'ok' ||
      answer.kind === 'cancel' ||
      answer.kind === 'timeout' ||
      answer.kind === 'yes'
    ) {
      return ok();
    }
    throw invalid(`a display alert cannot be answered with ${answer.kind}`, request);
  }
  if (answer.kind === 'cancel') return { code: 214, Items: [], effect: 'cancelled' };
  if (answer.kind === 'timeout') {
    const fallback = options.timeoutUsesDefault ? defaultAnswer(request) : undefined;
    if (fallback) return answerUserInteraction(request, fallback);
    return { code: 408, Items: [], effect: 'continue' };
  }
  switch (request.kind) {
    case 'confirm':
      if (answer.kind === 'yes' || answer.kind === 'ok') return ok();
      if (answer.kind === 'no') return { code: 304, Items: [], effect: 'rejected' };
      throw invalid(`a confirm alert cannot be answered with ${answer.kind}`, request);
    case 'text-input':
      if (answer.kind !== 'text')
        throw invalid(`a text-input alert needs a text answer, got ${answer.kind}`, request);
      return ok([{ Data: answer.text }]);
    case 'single-choice':
    case 'multiple-choice': {
      if (answer.kind !== 'choice')
        throw invalid(`a choice alert needs a choice answer, got ${answer.kind}`, request);
      const indices = [...new Set(answer.indices)];
      if (indices.some((i) => !Number.isInteger(i) || i < 1 || i > request.choices.length)) {
        throw invalid(
          `choice out of range 1..${request.choices.length}: ${answer.indices.join(', ')}`,
          request,
        );
      }
      if (request.kind === 'single-choice' && indices.length !== 1) {
        throw invalid(`a single-choice alert needs exactly one choice, got ${indices.length}`, request);
      }
      return ok(indices.map((i) => ({ Data: String(i) })));
    }
  }
}

/**
 * Problems with a text answer for 1102, for the UI to show before sending (MAXLEN and IT).
 * Returns an empty list when the text is acceptable.
 */
export function checkTextInput(request: UserInteraction, text: string): string[] {
  const problems: string[] = [];
  if (request.maxLength !== undefined && [...text].length > request.maxLength) {
    problems.push(`at most ${request.maxLength} characters`);
  }
  const patterns: Record<InputType, [RegExp, string] | undefined> = {
    alphanumeric: undefined,
    numeric: [/^[+-]?(\d+\.?\d*|\.\d+)$/, 'a number (digits, decimal point, sign)'],
    date: [/^(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{4}$/, 'a date as DDMMYYYY'],
    time: [/^([01]\d|2[0-3])[0-5]\d[0-5]\d$/, 'a time as hhmmss'],
    phone: [/^\+?[0-9pws*#]+$/, 'a phone number (digits, + first, p, w, s)'],
    ip: [/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/, 'an IPv4 address xxx.yyy.zzz.www'],
  };
  const rule = patterns[request.inputType];
  if (rule && text !== '' && !rule[0].test(text)) problems.push(`must be ${rule[1]}`);
  return problems;
}
