/**
 * Field validators for the handset's settings forms. Each returns `null` when the text is
 * acceptable, otherwise one sentence the UI shows next to the field (what is wrong and what
 * would be right, with an example). Empty text is the caller's business: use `checkRequired`.
 */

export type FieldCheck = (text: string) => string | null;

export function checkRequired(text: string): string | null {
  return text.trim() === '' ? 'This field is required.' : null;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function checkIpv4(text: string): string | null {
  return IPV4.test(text)
    ? null
    : 'Enter an IPv4 address: four numbers 0-255 separated by dots, e.g. 10.0.0.1.';
}

/** IPv6 in any RFC 4291 text form (with at most one `::`), optionally ending in an IPv4 part. */
export function isIpv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split('::').length > 2) return false;
  let groups = text.split(':');
  let max = 8;
  const last = groups[groups.length - 1] ?? '';
  if (last.includes('.')) {
    if (!IPV4.test(last)) return false;
    groups = groups.slice(0, -1);
    max = 6;
  }
  const filled = groups.filter((g) => g !== '');
  if (!filled.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return text.includes('::') ? filled.length < max : filled.length === max;
}

/** A DNS name [RFC 1123 §2.1]: labels of letters, digits and hyphens, not starting or ending in a hyphen. */
export function isHostName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const labels = text.replace(/\.$/, '').split('.');
  return labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

/** A host: a DNS name, an IPv4 address, or an IPv6 address (bare or in brackets). */
export function checkHost(text: string): string | null {
  const t = text.trim();
  if (t !== text) return 'Remove the spaces around the host name.';
  if (IPV4.test(t) || isHostName(t)) return null;
  const inner = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
  if (isIpv6(inner)) return null;
  return 'Enter a host name (letters, digits, hyphens and dots, e.g. proxy.example.net) or an IP address.';
}

export function checkPort(text: string): string | null {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    return 'Enter a port number from 1 to 65535, e.g. 8080.';
  return null;
}

export function checkInteger(text: string, range: { min?: number; max?: number } = {}): string | null {
  const { min, max } = range;
  const what =
    min !== undefined && max !== undefined
      ? `a whole number from ${min} to ${max}`
      : min !== undefined
        ? `a whole number of at least ${min}`
        : 'a whole number';
  if (!/^-?\d+$/.test(text)) return `Enter ${what} (digits only).`;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || (min !== undefined && n < min) || (max !== undefined && n > max))
    return `Enter ${what}.`;
  return null;
}

/**
 * An absolute URL with one of `schemes` and a valid host (and port, when given).
 * Default schemes: http and https (MMSC, XDMS root, DM server).
 */
export function checkUrl(text: string, schemes: readonly string[] = ['http', 'https']): string | null {
  const list = schemes.map((s) => `${s}://`).join(' or ');
  const example = `${schemes[0] ?? 'http'}://mmsc.example.net/mms`;
  if (/\s/.test(text))
    return `A URL cannot contain spaces. Enter a URL starting with ${list}, e.g. ${example}.`;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(text);
  if (!m) return `Enter a URL starting with ${list}, e.g. ${example}.`;
  const scheme = m[1]!.toLowerCase();
  if (!schemes.includes(scheme)) return `The URL must start with ${list}, not ${scheme}://.`;
  const authority = m[2]!.replace(/^[^@]*@/, '');
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(authority);
  const host = hostPort?.[1] ?? '';
  if (host === '') return `The URL has no host name after ${scheme}://.`;
  if (checkHost(host) !== null) return `"${host}" is not a valid host name or IP address.`;
  const port = hostPort?.[2];
  if (port !== undefined && checkPort(port) !== null)
    return `The port in the URL must be a number from 1 to 65535.`;
  return null;
}

/**
 * An APN network identifier [3GPP TS 23.003 §9.1]: labels of letters, digits and hyphens separated
 * by dots, at most 63 octets, not starting with rac, lac, sgsn or rnc, not ending in .gprs, not `*`.
 */
export function checkApn(text: string): string | null {
  if (text === '*') return 'The wildcard * is not an access point name.';
  if (text.length > 63) return 'An access point name has at most 63 characters.';
  const labels = text.split('.');
  if (!labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(l)))
    return 'Use letters, digits and hyphens, with dots between parts, e.g. mms.example.net (no spaces or underscores).';
  if (/^(rac|lac|sgsn|rnc)/i.test(text))
    return 'An access point name cannot start with rac, lac, sgsn or rnc.';
  if (/\.gprs$/i.test(text))
    return 'An access point name cannot end in .gprs (that part is added by the network).';
  return null;
}

/** An international number [ITU-T E.164]: an optional +, then 1 to 15 digits, the first not 0. */
export function checkE164(text: string): string | null {
  const digits = text.replace(/^\+/, '');
  if (!/^[1-9]\d{0,14}$/.test(digits))
    return 'Enter an international number: + and up to 15 digits, no spaces, e.g. +447700900123.';
  return null;
}

/** A SIP or SIPS URI (`sip:user@host`, `sip:host;transport=tcp`) or a tel URI (`tel:+4477…`). */
export function checkSipUri(text: string, allowTel = false): string | null {
  const example = 'e.g. sip:poc.example.net or sip:alice@example.net';
  const tel = /^tel:(.*)$/i.exec(text);
  if (tel) {
    if (!allowTel) return `Enter a SIP URI starting with sip: or sips:, ${example}.`;
    return checkE164(tel[1]!.split(';')[0]!) === null
      ? null
      : 'A tel: URI needs an international number, e.g. tel:+447700900123.';
  }
  const m = /^sips?:(?:[^@\s]+@)?([^;?\s]+)(?:[;?]\S*)?$/i.exec(text);
  if (!m) return `Enter a SIP URI starting with sip: or sips:, ${example}.`;
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(m[1]!);
  if (!hostPort || checkHost(hostPort[1] ?? '') !== null) return `The SIP URI has no valid host, ${example}.`;
  if (hostPort[2] !== undefined && checkPort(hostPort[2]) !== null)
    return 'The port in the SIP URI must be a number from 1 to 65535.';
  return null;
}

/** A SIP URI, or a bare host with an optional port (a PoC server address). */
export function checkSipOrHost(text: string): string | null {
  if (/^sips?:/i.test(text)) return checkSipUri(text);
  const m = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(text);
  if (m && checkHost(m[1] ?? '') === null && (m[2] === undefined || checkPort(m[2]) === null)) return null;
  return 'Enter a SIP URI (sip:poc.example.net) or a host name with an optional port (poc.example.net:5060).';
}
