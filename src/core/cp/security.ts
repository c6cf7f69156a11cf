/**
 * CP push security (`oma-cp.md` §6): key derivation for SEC 0–3, the HMAC-SHA1 MAC over
 * the body exactly as received, a verdict that never throws for a bad signature, an
 * "explain" view that tries the usual wrong derivations, and signing for test pushes.
 */
// The lint pattern meant for node's `crypto` also matches this folder name (reported to the lead).
import { hmacSha1 } from '../crypto/index.ts';
import { concatBytes, toHex as bytesToHex } from '../bytes/index.ts';
import { KeyDerivationError } from './errors.ts';

export type SecMethod = 'NETWPIN' | 'USERPIN' | 'USERNETWPIN' | 'USERPINMAC';

/** SEC parameter values (`oma-cp.md` §6.1). */
export const SEC_CODES: Readonly<Record<SecMethod, number>> = {
  NETWPIN: 0,
  USERPIN: 1,
  USERNETWPIN: 2,
  USERPINMAC: 3,
};

const METHOD_BY_CODE: readonly SecMethod[] = ['NETWPIN', 'USERPIN', 'USERNETWPIN', 'USERPINMAC'];

/** Wrong PINs allowed before a USERPIN / USERNETWPIN / USERPINMAC push is discarded (decision 0033; MediaTek allows 3). */
export const PIN_ATTEMPT_LIMIT = 3;

/** Shortest accepted USERPINMAC entry, PIN and MAC digits together (decision 0032; Kryten and cpclient: 10). */
export const USERPINMAC_MIN_LENGTH = 10;
/** Longest possible USERPINMAC entry: the MAC half cannot exceed the 20 HMAC bytes. */
export const USERPINMAC_MAX_LENGTH = 40;

/**
 * How a short IMSI becomes the NETWPIN key (decision 0031).
 * - `exact` (project rule, MediaTek): only the octets the digits need; no unused octets.
 * - `padded-15` (Gecko's intent): the IMSI is padded with `F` to 15 digits, always 8 octets;
 *   the parity nibble still reflects the real length.
 */
export type ImsiKeyRule = 'exact' | 'padded-15';

const encodeAscii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

const toHex = (bytes: Uint8Array): string => bytesToHex(bytes).toUpperCase();

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => concatBytes(a, b);

function checkImsi(imsi: string): void {
  if (!/^\d{6,15}$/.test(imsi)) {
    throw new KeyDerivationError('bad-imsi', `IMSI "${imsi}" must be 6 to 15 decimal digits`, { imsi });
  }
}

function checkPin(pin: string): void {
  if (pin.length === 0) throw new KeyDerivationError('bad-pin', 'The PIN is empty');
  if (!/^[\x20-\x7e]+$/.test(pin)) {
    throw new KeyDerivationError(
      'bad-pin',
      'The PIN must be printable ASCII (it is used as ASCII key bytes)',
      {},
    );
  }
}

/** Pack nibbles two per octet, first nibble in the low half (EF_IMSI semi-octets). */
function packLowFirst(nibbles: readonly number[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(nibbles.length / 2));
  for (let i = 0; i < nibbles.length; i += 2)
    out[i / 2] = (nibbles[i] as number) | ((nibbles[i + 1] ?? 0xf) << 4);
  return out;
}

function imsiNibbles(imsi: string, rule: ImsiKeyRule): number[] {
  const nibbles = [imsi.length % 2 === 1 ? 9 : 1, ...Array.from(imsi, (d) => d.charCodeAt(0) - 48)];
  if (rule === 'padded-15') while (nibbles.length < 16) nibbles.push(0xf);
  if (nibbles.length % 2 === 1) nibbles.push(0xf);
  return nibbles;
}

/**
 * NETWPIN key: the IMSI in EF_IMSI semi-octet form without the length byte (`oma-cp.md` §6.3).
 * `262022033864727` → `29 26 20 02 33 68 74 72`. Throws `KeyDerivationError('bad-imsi')`.
 */
export function netwpinKey(imsi: string, rule: ImsiKeyRule = 'exact'): Uint8Array {
  checkImsi(imsi);
  return packLowFirst(imsiNibbles(imsi, rule));
}

/** USERPIN key: the ASCII bytes of the PIN. Throws `KeyDerivationError('bad-pin')`. */
export function userpinKey(pin: string): Uint8Array {
  checkPin(pin);
  return encodeAscii(pin);
}

/** USERNETWPIN key: the NETWPIN key followed by the ASCII PIN. */
export function usernetwpinKey(imsi: string, pin: string, rule: ImsiKeyRule = 'exact'): Uint8Array {
  return concat(netwpinKey(imsi, rule), userpinKey(pin));
}

/** HMAC-SHA1(key, body) as 40 uppercase hex characters. */
export function computeMac(key: Uint8Array, body: Uint8Array): string {
  return toHex(hmacSha1(key, body));
}

/**
 * USERPINMAC digits for a PIN half: `(D[i] mod 10)` for i < pin length, D = HMAC-SHA1(ASCII(pin), body).
 * The user types `pin + digits`.
 */
export function userPinMacDigits(pin: string, body: Uint8Array): string {
  if (!/^\d+$/.test(pin))
    throw new KeyDerivationError('bad-pin', 'A USERPINMAC PIN is decimal digits only', {});
  if (pin.length * 2 > USERPINMAC_MAX_LENGTH) {
    throw new KeyDerivationError(
      'bad-pin',
      `A USERPINMAC PIN has at most ${USERPINMAC_MAX_LENGTH / 2} digits`,
      {},
    );
  }
  return macDigits(encodeAscii(pin), body, pin.length);
}

function macDigits(key: Uint8Array, body: Uint8Array, count: number): string {
  const d = hmacSha1(key, body);
  let out = '';
  for (let i = 0; i < count; i++) out += String((d[i] as number) % 10);
  return out;
}

// ---------------------------------------------------------------------------------------
// Verdict

export type SecurityOutcome =
  /** The MAC (or USERPINMAC digits) matched. */
  | 'authentic'
  /** No SEC parameter: unauthenticated; acceptance is a policy decision. */
  | 'unsigned'
  /** USERPIN / USERNETWPIN / USERPINMAC without a PIN: prompt the user. */
  | 'pin-required'
  /** NETWPIN / USERNETWPIN without a known IMSI. */
  | 'imsi-required'
  /** The IMSI given is not 6..15 digits. */
  | 'bad-imsi'
  /** The computed MAC (or digits) differs from the received one. */
  | 'mac-mismatch'
  /** The PIN cannot be used (USERPINMAC: not digits, odd length, too short/long; others: empty, non-ASCII). */
  | 'malformed-pin'
  /** SEC 0–2 with no MAC parameter, or a MAC that is not 40 hex characters. */
  | 'bad-mac-parameter'
  /** SEC outside 0..3. */
  | 'unknown-sec';

/** What the handset does next (`oma-cp.md` §12 step 3). */
export type SecurityAction = 'accept' | 'ask-pin' | 'drop-silently' | 'reject' | 'unsigned-policy';

export interface SecurityVerdict {
  outcome: SecurityOutcome;
  authentic: boolean;
  action: SecurityAction;
  method: SecMethod | null;
  secCode: number | null;
  /** Expected MAC (40 uppercase hex) or, for USERPINMAC, the expected MAC digits. */
  expected?: string;
  /** Received MAC as sent, or for USERPINMAC the digit half the user typed. */
  received?: string;
  /** USERPINMAC: a MAC parameter was present and ignored. */
  macIgnored?: boolean;
  /** For people. */
  message: string;
}

export interface VerifyInput {
  sec?: number;
  mac?: string;
  /** The body exactly as received. */
  body: Uint8Array;
  imsi?: string;
  /** The PIN (USERPIN, USERNETWPIN) or the whole typed digit string (USERPINMAC). */
  pin?: string;
  /** Short-IMSI rule; default `exact` (decision 0031). */
  imsiRule?: ImsiKeyRule;
  /** Default USERPINMAC_MIN_LENGTH. */
  userPinMacMinLength?: number;
}

function verdict(
  outcome: SecurityOutcome,
  action: SecurityAction,
  method: SecMethod | null,
  secCode: number | null,
  message: string,
  extra: Partial<SecurityVerdict> = {},
): SecurityVerdict {
  return { outcome, authentic: outcome === 'authentic', action, method, secCode, message, ...extra };
}

const MAC_PATTERN = /^[0-9a-fA-F]{40}$/;

/**
 * Check a push body against its SEC/MAC parameters. Never throws for a bad signature or
 * missing input; every case is a verdict.
 */
export function verifyPush(input: VerifyInput): SecurityVerdict {
  const { sec, mac, body } = input;
  if (sec === undefined) {
    return verdict(
      'unsigned',
      'unsigned-policy',
      null,
      null,
      mac === undefined
        ? 'No SEC parameter: the push is not authenticated'
        : 'A MAC parameter without SEC: the push is treated as not authenticated',
    );
  }
  const method =
    Number.isInteger(sec) && sec >= 0 && sec <= 3 ? (METHOD_BY_CODE[sec] as SecMethod) : undefined;
  if (method === undefined) {
    return verdict(
      'unknown-sec',
      'reject',
      null,
      sec,
      `SEC=${sec} is not a known method (0 NETWPIN, 1 USERPIN, 2 USERNETWPIN, 3 USERPINMAC)`,
    );
  }

  if (method === 'USERPINMAC') return verifyUserPinMac(input, sec);

  if (mac === undefined) {
    return verdict(
      'bad-mac-parameter',
      'reject',
      method,
      sec,
      `SEC=${sec} (${method}) but the push has no MAC parameter`,
    );
  }
  if (!MAC_PATTERN.test(mac)) {
    return verdict(
      'bad-mac-parameter',
      'reject',
      method,
      sec,
      `The MAC parameter must be 40 hex characters; got ${mac.length} character(s) "${mac}"`,
      { received: mac },
    );
  }

  const needsImsi = method === 'NETWPIN' || method === 'USERNETWPIN';
  const needsPin = method === 'USERPIN' || method === 'USERNETWPIN';
  if (needsImsi) {
    if (input.imsi === undefined || input.imsi === '') {
      return verdict('imsi-required', 'reject', method, sec, `${method} needs the handset's IMSI`, {
        received: mac,
      });
    }
    if (!/^\d{6,15}$/.test(input.imsi)) {
      return verdict(
        'bad-imsi',
        'reject',
        method,
        sec,
        `IMSI "${input.imsi}" must be 6 to 15 decimal digits`,
        {
          received: mac,
        },
      );
    }
  }
  if (needsPin) {
    if (input.pin === undefined || input.pin === '') {
      return verdict(
        'pin-required',
        'ask-pin',
        method,
        sec,
        `${method}: enter the PIN to check the message`,
        {
          received: mac,
        },
      );
    }
    if (!/^[\x20-\x7e]+$/.test(input.pin)) {
      return verdict('malformed-pin', 'ask-pin', method, sec, 'The PIN must be printable ASCII', {
        received: mac,
      });
    }
  }

  const rule = input.imsiRule ?? 'exact';
  const key =
    method === 'NETWPIN'
      ? netwpinKey(input.imsi as string, rule)
      : method === 'USERPIN'
        ? userpinKey(input.pin as string)
        : usernetwpinKey(input.imsi as string, input.pin as string, rule);
  const expected = computeMac(key, body);
  if (expected === mac.toUpperCase()) {
    return verdict('authentic', 'accept', method, sec, `${method}: MAC verified`, {
      expected,
      received: mac,
    });
  }
  return verdict(
    'mac-mismatch',
    method === 'NETWPIN' ? 'drop-silently' : 'ask-pin',
    method,
    sec,
    method === 'NETWPIN'
      ? 'NETWPIN: the MAC does not match the IMSI key; the message is discarded silently'
      : `${method}: the MAC does not match; wrong PIN${method === 'USERNETWPIN' ? ' or IMSI' : ''}`,
    { expected, received: mac },
  );
}

function verifyUserPinMac(input: VerifyInput, sec: number): SecurityVerdict {
  const method: SecMethod = 'USERPINMAC';
  const macIgnored = input.mac !== undefined;
  const entry = input.pin;
  if (entry === undefined || entry === '') {
    return verdict(
      'pin-required',
      'ask-pin',
      method,
      sec,
      'USERPINMAC: enter the PIN followed by the MAC digits',
      {
        macIgnored,
      },
    );
  }
  const min = input.userPinMacMinLength ?? USERPINMAC_MIN_LENGTH;
  let problem: string | undefined;
  if (!/^\d+$/.test(entry)) problem = 'only decimal digits are allowed';
  else if (entry.length % 2 !== 0)
    problem = `${entry.length} digits is odd; the PIN and MAC halves have equal length`;
  else if (entry.length < min) {
    problem = `${entry.length} digits is shorter than the minimum of ${min}${entry.length >= 8 ? ' (MediaTek would accept 8; Kryten and cpclient need 10)' : ''}`;
  } else if (entry.length > USERPINMAC_MAX_LENGTH) problem = `at most ${USERPINMAC_MAX_LENGTH} digits`;
  if (problem !== undefined) {
    return verdict('malformed-pin', 'ask-pin', method, sec, `USERPINMAC entry rejected: ${problem}`, {
      macIgnored,
    });
  }
  const half = entry.length / 2;
  const pin = entry.slice(0, half);
  const received = entry.slice(half);
  const expected = macDigits(encodeAscii(pin), input.body, half);
  if (expected === received) {
    return verdict('authentic', 'accept', method, sec, 'USERPINMAC: MAC digits verified', {
      expected,
      received,
      macIgnored,
    });
  }
  return verdict('mac-mismatch', 'ask-pin', method, sec, 'USERPINMAC: the MAC digits do not match the PIN', {
    expected,
    received,
    macIgnored,
  });
}

// ---------------------------------------------------------------------------------------
// Explain

export interface MacCandidate {
  id: string;
  label: string;
  /** HMAC key bytes (hex). */
  keyHex: string;
  /** MAC (40 uppercase hex), or for USERPINMAC the digits for the typed PIN half. */
  mac: string;
  matches: boolean;
}

export interface MacExplanation {
  method: SecMethod | null;
  secCode: number | null;
  verdict: SecurityVerdict;
  /** The derivation the handset uses for this SEC, when it could be computed. */
  primary?: MacCandidate;
  /** Other derivations commonly found in wrong generators, each tried against the received MAC. */
  alternatives: MacCandidate[];
  /** Ids of all candidates (primary included) that reproduce the received MAC. */
  matchedBy: string[];
  notes: string[];
}

interface KeyRecipe {
  id: string;
  label: string;
  key: Uint8Array;
}

/** The alternative EF_IMSI encodings a wrong generator may use. */
function imsiVariants(imsi: string): KeyRecipe[] {
  const digits = Array.from(imsi, (d) => d.charCodeAt(0) - 48);
  const parity = imsi.length % 2 === 1 ? 9 : 1;
  const out: KeyRecipe[] = [
    {
      id: 'netwpin-padded-15',
      label: 'IMSI padded with F to 15 digits (Gecko intent)',
      key: netwpinKey(imsi, 'padded-15'),
    },
  ];
  // Gecko as coded: parseInt('F', 10) is NaN, and NaN in a bitwise OR/shift is 0.
  const gecko = [parity, ...digits];
  while (gecko.length < 16) gecko.push(0);
  out.push({
    id: 'netwpin-gecko-as-coded',
    label: 'IMSI padded to 15 digits with 0 nibbles (Gecko code as written)',
    key: packLowFirst(gecko),
  });
  const exact = imsiNibbles(imsi, 'exact');
  const highFirst = new Uint8Array(exact.length / 2);
  for (let i = 0; i < exact.length; i += 2)
    highFirst[i / 2] = ((exact[i] as number) << 4) | (exact[i + 1] as number);
  out.push({ id: 'netwpin-no-swap', label: 'Semi-octets not swapped (first nibble high)', key: highFirst });
  if (imsi.length % 2 === 0) {
    out.push({
      id: 'netwpin-filler-first',
      label: 'Filler F after the parity nibble instead of at the end',
      key: packLowFirst([parity, 0xf, ...digits]),
    });
  }
  const noParity = [...digits];
  if (noParity.length % 2 === 1) noParity.push(0xf);
  out.push({
    id: 'netwpin-no-parity',
    label: 'No parity/type nibble (digits only, swapped)',
    key: packLowFirst(noParity),
  });
  const withLength = netwpinKey(imsi);
  out.push({
    id: 'netwpin-with-length-byte',
    label: 'EF_IMSI with its length byte',
    key: concat(Uint8Array.of(withLength.length), withLength),
  });
  out.push({ id: 'imsi-ascii', label: 'IMSI as ASCII text', key: encodeAscii(imsi) });
  return out;
}

/**
 * For the tester's "explain" view: the key and MAC the handset expects for this SEC, and
 * which common wrong derivations would have produced the received MAC. Never throws.
 */
export function explainMac(input: VerifyInput): MacExplanation {
  const result = verifyPush(input);
  const { body, imsi, pin, mac } = input;
  const notes: string[] = [];
  const method = result.method;
  const isPinMac = method === 'USERPINMAC';
  const imsiOk = imsi !== undefined && /^\d{6,15}$/.test(imsi);
  const pinOk = pin !== undefined && /^[\x20-\x7e]+$/.test(pin);
  const rule = input.imsiRule ?? 'exact';

  // For USERPINMAC the "PIN" for the key is the first half of the typed entry.
  const pinMacHalf =
    isPinMac && pin !== undefined && pin.length % 2 === 0 ? pin.slice(0, pin.length / 2) : undefined;
  const received = isPinMac
    ? pinMacHalf !== undefined
      ? (pin as string).slice(pinMacHalf.length)
      : undefined
    : mac;
  const toCandidate = (recipe: KeyRecipe): MacCandidate => {
    const value = isPinMac
      ? macDigits(recipe.key, body, (received ?? '').length)
      : computeMac(recipe.key, body);
    const matches = received !== undefined && received !== '' && value === received.toUpperCase();
    return { id: recipe.id, label: recipe.label, keyHex: toHex(recipe.key), mac: value, matches };
  };

  let primaryRecipe: KeyRecipe | undefined;
  if (method === 'NETWPIN' && imsiOk) {
    primaryRecipe = { id: 'netwpin', label: `NETWPIN key (${rule} rule)`, key: netwpinKey(imsi, rule) };
  } else if (method === 'USERPIN' && pinOk) {
    primaryRecipe = { id: 'userpin', label: 'USERPIN key: ASCII PIN', key: encodeAscii(pin) };
  } else if (method === 'USERNETWPIN' && imsiOk && pinOk) {
    primaryRecipe = {
      id: 'usernetwpin',
      label: 'USERNETWPIN key: NETWPIN key + ASCII PIN',
      key: usernetwpinKey(imsi, pin, rule),
    };
  } else if (isPinMac && pinMacHalf !== undefined && /^\d+$/.test(pin as string)) {
    primaryRecipe = {
      id: 'userpinmac',
      label: 'USERPINMAC key: ASCII of the first half',
      key: encodeAscii(pinMacHalf),
    };
  }

  const recipes: KeyRecipe[] = [];
  if (imsiOk) {
    if (!(method === 'NETWPIN' && rule === 'exact')) {
      recipes.push({ id: 'netwpin-exact', label: 'NETWPIN key (project rule)', key: netwpinKey(imsi) });
    }
    recipes.push(...imsiVariants(imsi));
  }
  if (pinOk && !isPinMac) {
    if (method !== 'USERPIN')
      recipes.push({ id: 'userpin', label: 'ASCII PIN alone (USERPIN key)', key: encodeAscii(pin) });
    if (imsiOk) {
      if (method !== 'USERNETWPIN') {
        recipes.push({
          id: 'usernetwpin',
          label: 'NETWPIN key + ASCII PIN (USERNETWPIN key)',
          key: usernetwpinKey(imsi, pin),
        });
      }
      recipes.push(
        {
          id: 'pin-then-netwpin',
          label: 'ASCII PIN + NETWPIN key (reversed order)',
          key: concat(encodeAscii(pin), netwpinKey(imsi)),
        },
        { id: 'imsi-ascii-pin', label: 'ASCII IMSI + ASCII PIN', key: encodeAscii(imsi + pin) },
        {
          id: 'dm-imsi-colon-pin',
          label: 'DM bootstrap text "IMSI:PIN" (USERPIN_NETWORKID style, unconfirmed)',
          key: encodeAscii(`${imsi}:${pin}`),
        },
        {
          id: 'usernetwpin-padded-15',
          label: 'Gecko-padded NETWPIN key + ASCII PIN',
          key: usernetwpinKey(imsi, pin, 'padded-15'),
        },
      );
    }
    recipes.push({
      id: 'dm-pin-prefix',
      label: 'DM bootstrap text "PIN:<pin>" (unconfirmed)',
      key: encodeAscii(`PIN:${pin}`),
    });
  }
  if (isPinMac && pin !== undefined && /^\d+$/.test(pin)) {
    recipes.push({
      id: 'userpinmac-whole-entry',
      label: 'Whole typed entry as key (MediaTek code)',
      key: encodeAscii(pin),
    });
  }

  const primary = primaryRecipe ? toCandidate(primaryRecipe) : undefined;
  const alternatives = recipes.filter((r) => r.id !== primaryRecipe?.id).map(toCandidate);
  const matchedBy = [
    ...(primary?.matches ? [primary.id] : []),
    ...alternatives.filter((a) => a.matches).map((a) => a.id),
  ];

  if (!isPinMac && mac !== undefined && MAC_PATTERN.test(mac)) {
    if (mac !== mac.toUpperCase()) {
      notes.push(
        mac === mac.toLowerCase()
          ? 'The received MAC is lowercase: accepted here (case-insensitive), but cpclient compares against uppercase and would reject it; Kannel emits uppercase'
          : 'The received MAC mixes upper and lower case',
      );
    }
  }
  if (isPinMac && input.mac !== undefined)
    notes.push('USERPINMAC ignores the MAC parameter (cpclient, Kryten)');
  if (primary && !primary.matches && matchedBy.length > 0) {
    notes.push(
      `The sender used a different derivation: ${alternatives
        .filter((a) => a.matches)
        .map((a) => a.label)
        .join('; ')}`,
    );
  }
  if (primary && !primary.matches && matchedBy.length === 0 && received !== undefined) {
    notes.push(
      'No known derivation reproduces the received MAC: check the PIN/IMSI and that the body was not re-encoded',
    );
  }
  if (imsiOk && imsi.length < 14) {
    notes.push('Short IMSI: the project rule and Gecko padding give different keys (decision 0031)');
  }

  const explanation: MacExplanation = {
    method,
    secCode: result.secCode,
    verdict: result,
    alternatives,
    matchedBy,
    notes,
  };
  if (primary) explanation.primary = primary;
  return explanation;
}

// ---------------------------------------------------------------------------------------
// Signing (for test vectors and the reference server)

export interface SignInput {
  method: SecMethod;
  body: Uint8Array;
  imsi?: string;
  /** USERPIN / USERNETWPIN PIN, or the USERPINMAC PIN half (digits). */
  pin?: string;
  imsiRule?: ImsiKeyRule;
}

export interface SignedPush {
  sec: number;
  /** MAC text to put in the MAC parameter. For USERPINMAC: HMAC keyed with the PIN half (ignored by receivers, Kannel style). */
  mac: string;
  keyHex: string;
  /** USERPINMAC only: what the user must type (PIN followed by the MAC digits). */
  userEntry?: string;
}

/** Produce SEC and MAC for a body. Throws `KeyDerivationError` when the IMSI or PIN is missing or invalid. */
export function signPush(input: SignInput): SignedPush {
  const { method, body } = input;
  const needImsi = method === 'NETWPIN' || method === 'USERNETWPIN';
  const needPin = method !== 'NETWPIN';
  if (needImsi && input.imsi === undefined)
    throw new KeyDerivationError('bad-imsi', `${method} needs an IMSI`);
  if (needPin && input.pin === undefined) throw new KeyDerivationError('bad-pin', `${method} needs a PIN`);
  const rule = input.imsiRule ?? 'exact';
  let key: Uint8Array;
  switch (method) {
    case 'NETWPIN':
      key = netwpinKey(input.imsi as string, rule);
      break;
    case 'USERPIN':
      key = userpinKey(input.pin as string);
      break;
    case 'USERNETWPIN':
      key = usernetwpinKey(input.imsi as string, input.pin as string, rule);
      break;
    case 'USERPINMAC': {
      const pin = input.pin as string;
      const digits = userPinMacDigits(pin, body);
      key = encodeAscii(pin);
      return {
        sec: SEC_CODES.USERPINMAC,
        mac: computeMac(key, body),
        keyHex: toHex(key),
        userEntry: pin + digits,
      };
    }
    default:
      throw new KeyDerivationError('bad-sec', `Unknown method ${String(method)}`);
  }
  return { sec: SEC_CODES[method], mac: computeMac(key, body), keyHex: toHex(key) };
}
