/** The five predefined XML entities and character references; nothing else is expanded. */
import { XmlError } from './errors.ts';

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REF = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_:][-A-Za-z0-9._:]*)?;?/g;

/**
 * Expands entity and character references in raw XML text. `source` and `locate` let the
 * error report a line and column in the original document.
 */
export function decodeEntities(
  raw: string,
  locate: (needle: string) => [number, number] | undefined,
): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REF, (match: string, body: string | undefined) => {
    if (body === undefined || !match.endsWith(';')) {
      const at = locate(match);
      throw new XmlError(
        'malformed-xml',
        `bare "&" in text or attribute value ("${match}")`,
        at?.[0],
        at?.[1],
      );
    }
    if (body.startsWith('#')) {
      const cp = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!(cp > 0 && cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) {
        const at = locate(match);
        throw new XmlError(
          'bad-char-ref',
          `character reference ${match} is not a valid character`,
          at?.[0],
          at?.[1],
        );
      }
      return String.fromCodePoint(cp);
    }
    const value = PREDEFINED[body];
    if (value === undefined) {
      const at = locate(match);
      throw new XmlError(
        'unknown-entity',
        `entity reference ${match} is not one of the five XML entities (DTD entities are not expanded)`,
        at?.[0],
        at?.[1],
      );
    }
    return value;
  });
}

/** Escapes text content. */
export function escapeText(s: string): string {
  if (!/[&<>\r]/.test(s) && !hasControl(s)) return s;
  // eslint-disable-next-line no-control-regex
  return s.replace(/[&<>\r\u0001-\u0008\u000b\u000c\u000e-\u001f]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : `&#${c.charCodeAt(0)};`,
  );
}

/** Escapes an attribute value for double quotes. */
export function escapeAttr(s: string): string {
  if (!/[&<>"\t\n\r]/.test(s) && !hasControl(s)) return s;
  // eslint-disable-next-line no-control-regex
  return s.replace(/[&<>"\t\n\r\u0001-\u0008\u000b\u000c\u000e-\u001f]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '>'
          ? '&gt;'
          : c === '"'
            ? '&quot;'
            : `&#${c.charCodeAt(0)};`,
  );
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f]/;
function hasControl(s: string): boolean {
  return CONTROL.test(s);
}
