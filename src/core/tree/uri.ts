/**
 * DM URIs [TND 81, TND 82; oma-dm.md §12.1]. Parsing never throws: a bad URI is a status.
 *
 * - `./A/B` and `A/B` are the same node; the root is `.` (`./` alone is accepted as the root too).
 * - No trailing `/`, no empty segment, no `.` or `..` segment; `./` only at the start.
 * - Segments use RFC 2396 pchar (alphanumerics, `-_.!~*'()`, `:@&=+$,`, `%HH`); characters
 *   above U+007F are accepted as UTF-8 (project decision 0020).
 * - `?list=Struct|StructData|TNDS[(+|-)Prop…]` and `?prop=<Name>`; anything else → 406.
 * - Limits (DevDetail/URI/MaxDepth, MaxTotLen, MaxSegLen; 0 = unlimited) → 414.
 */
import { utf8Length } from '../bytes/utf8.ts';

export type ListKind = 'Struct' | 'StructData' | 'TNDS';

/** Properties a TNDS may carry besides NodeName/Path [TNDS 9.2.1]. */
export const TNDS_PROPERTIES = ['ACL', 'Format', 'Type', 'Title', 'TStamp', 'VerNo', 'Value'] as const;
export type TndsProperty = (typeof TNDS_PROPERTIES)[number];

export type UriQuery =
  | { kind: 'none' }
  | { kind: 'list'; list: ListKind; tnds?: ReadonlySet<TndsProperty> }
  | { kind: 'prop'; name: string };

export interface ParsedUri {
  ok: true;
  /** Canonical form: `.` or `./A/B`. */
  uri: string;
  segments: string[];
  query: UriQuery;
}

export interface UriProblem {
  ok: false;
  status: number;
  reason: string;
}

export interface UriLimits {
  maxDepth: number;
  maxTotLen: number;
  maxSegLen: number;
}

export const NO_LIMITS: UriLimits = { maxDepth: 0, maxTotLen: 0, maxSegLen: 0 };

const PCHAR = /^(?:[A-Za-z0-9\-_.!~*'():@&=+$,]|%[0-9A-Fa-f]{2}|[\u0080-\u{10FFFF}])+$/u;

/** Checks one node name (a segment); returns a reason when it is not valid. */
export function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'empty segment';
  if (segment === '.' || segment === '..') return `segment "${segment}" is not allowed`;
  if (!PCHAR.test(segment)) return `segment "${segment}" has characters outside RFC 2396 pchar`;
  return undefined;
}

function parseQuery(text: string): UriQuery | UriProblem {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq);
  const value = eq < 0 ? '' : text.slice(eq + 1);
  if (key === 'prop') {
    if (value === '') return { ok: false, status: 406, reason: 'empty ?prop=' };
    return { kind: 'prop', name: value };
  }
  if (key === 'list') {
    if (value === 'Struct' || value === 'StructData') return { kind: 'list', list: value };
    if (value === 'TNDS' || value.startsWith('TNDS+') || value.startsWith('TNDS-')) {
      const selection = parseTndsSelection(value.slice(4));
      if (!selection)
        return { ok: false, status: 406, reason: `unsupported TNDS property selection "${value}"` };
      return { kind: 'list', list: 'TNDS', tnds: selection };
    }
    return { ok: false, status: 406, reason: `unsupported ?list=${value}` };
  }
  return { ok: false, status: 406, reason: `unsupported query "?${text}"` };
}

/**
 * `+A+B` selects Type plus A and B; `-A-B` selects every TNDS property except A and B; an empty
 * selection selects them all. Type is always kept: encoding it is a MUST [TNDS 9.2.1].
 * (Project decision 0024: the default set of a bare `TNDS` is not in the notes.)
 */
export function parseTndsSelection(text: string): ReadonlySet<TndsProperty> | undefined {
  const all = new Set<TndsProperty>(TNDS_PROPERTIES);
  if (text === '') return all;
  const sign = text[0];
  if (sign !== '+' && sign !== '-') return undefined;
  const names = text.slice(1).split(sign);
  const known = (n: string): n is TndsProperty => (TNDS_PROPERTIES as readonly string[]).includes(n);
  if (!names.every(known)) return undefined;
  if (sign === '+') return new Set<TndsProperty>(['Type', ...names]);
  for (const n of names) if (n !== 'Type') all.delete(n);
  return all;
}

/** Parses and checks a DM URI. Limits are applied when given. */
export function parseUri(raw: string, limits: UriLimits = NO_LIMITS): ParsedUri | UriProblem {
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  let query: UriQuery = { kind: 'none' };
  if (q >= 0) {
    const parsed = parseQuery(raw.slice(q + 1));
    if ('ok' in parsed) return parsed;
    query = parsed;
  }
  let rest: string;
  if (path === '.' || path === './') rest = '';
  else if (path.startsWith('./')) rest = path.slice(2);
  else if (path === '') return { ok: false, status: 404, reason: 'empty URI' };
  else rest = path;
  const segments = rest === '' ? [] : rest.split('/');
  for (const s of segments) {
    const problem = segmentProblem(s);
    if (problem) return { ok: false, status: 404, reason: `malformed URI "${raw}": ${problem}` };
  }
  if (limits.maxDepth > 0 && segments.length > limits.maxDepth)
    return {
      ok: false,
      status: 414,
      reason: `URI depth ${segments.length} exceeds MaxDepth ${limits.maxDepth}`,
    };
  if (limits.maxTotLen > 0 && utf8Length(rest) > limits.maxTotLen)
    return {
      ok: false,
      status: 414,
      reason: `URI length ${utf8Length(rest)} exceeds MaxTotLen ${limits.maxTotLen}`,
    };
  if (limits.maxSegLen > 0) {
    const long = segments.find((s) => utf8Length(s) > limits.maxSegLen);
    if (long !== undefined)
      return { ok: false, status: 414, reason: `segment "${long}" exceeds MaxSegLen ${limits.maxSegLen}` };
  }
  return { ok: true, uri: segments.length === 0 ? '.' : `./${segments.join('/')}`, segments, query };
}

export function parentUri(uri: string): string {
  if (uri === '.') return '';
  const i = uri.lastIndexOf('/');
  return uri.slice(0, i);
}

export function lastSegment(uri: string): string {
  return uri === '.' ? '.' : uri.slice(uri.lastIndexOf('/') + 1);
}

/** True when `uri` is `ancestor` or lies below it. */
export function isWithin(uri: string, ancestor: string): boolean {
  if (ancestor === '.') return true;
  return uri === ancestor || uri.startsWith(`${ancestor}/`);
}
