import { describe, expect, it } from 'vitest';
import { parseUri, parseTndsSelection } from '../../../src/core/tree/uri.ts';
import { aclAllows, canonicalAcl, parseAcl, removeServerId, formatAcl } from '../../../src/core/tree/acl.ts';

describe('URIs (oma-dm.md §12.1, TND 81/82)', () => {
  it('treats ./A/B and A/B as the same node; the root is .', () => {
    expect(parseUri('./A/B')).toMatchObject({ ok: true, uri: './A/B', segments: ['A', 'B'] });
    expect(parseUri('A/B')).toMatchObject({ ok: true, uri: './A/B' });
    expect(parseUri('.')).toMatchObject({ ok: true, uri: '.', segments: [] });
  });

  it.each(['./A/', './A//B', './A/../B', './A/./B', 'A/./', '././A', './A B', './A#B'])(
    'rejects malformed %s with a status, not an exception',
    (uri) => {
      const r = parseUri(uri);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.status).toBe(404);
    },
  );

  it('accepts RFC 2396 pchar and %HH in segments', () => {
    expect(parseUri("./A-_.!~*'():@&=+$,/%41b").ok).toBe(true);
    expect(parseUri('./A%G1').ok).toBe(false);
  });

  it('applies MaxDepth, MaxTotLen and MaxSegLen with 414; 0 = unlimited', () => {
    const limits = { maxDepth: 2, maxTotLen: 10, maxSegLen: 4 };
    expect(parseUri('./A/B/C', limits)).toMatchObject({ ok: false, status: 414 });
    expect(parseUri('./ABCDE', limits)).toMatchObject({ ok: false, status: 414 });
    expect(parseUri('./ABCD/EFGH', { ...limits, maxTotLen: 8 })).toMatchObject({ ok: false, status: 414 });
    expect(parseUri('./ABC/DEF', { maxDepth: 0, maxTotLen: 0, maxSegLen: 0 }).ok).toBe(true);
  });

  it('parses ?list= and ?prop=; anything else is 406 (TND 83, TND 84)', () => {
    expect(parseUri('./A?list=Struct')).toMatchObject({ ok: true, query: { kind: 'list', list: 'Struct' } });
    expect(parseUri('./A?list=StructData')).toMatchObject({
      ok: true,
      query: { kind: 'list', list: 'StructData' },
    });
    expect(parseUri('./A?prop=ACL')).toMatchObject({ ok: true, query: { kind: 'prop', name: 'ACL' } });
    expect(parseUri('./A?list=Foo')).toMatchObject({ ok: false, status: 406 });
    expect(parseUri('./A?foo=bar')).toMatchObject({ ok: false, status: 406 });
  });

  it('parses TNDS property selections (decision 0024)', () => {
    expect([...parseTndsSelection('+ACL+Value')!].sort()).toEqual(['ACL', 'Type', 'Value']);
    expect(parseTndsSelection('-Value')!.has('Value')).toBe(false);
    expect(parseTndsSelection('-Value')!.has('ACL')).toBe(true);
    expect(parseTndsSelection('+Bogus')).toBeUndefined();
    expect(parseUri('./A?list=TNDS+Bogus')).toMatchObject({ ok: false, status: 406 });
  });

  it('counts MaxTotLen without the ./ prefix (decision 0020)', () => {
    expect(parseUri('./ABCD/EFGH', { maxDepth: 0, maxTotLen: 9, maxSegLen: 0 }).ok).toBe(true);
    expect(parseUri('./ABCD/EFGHI', { maxDepth: 0, maxTotLen: 9, maxSegLen: 0 })).toMatchObject({
      status: 414,
    });
  });
});

describe('ACL grammar (TND 83, oma-dm.md §12.4)', () => {
  it('parses the spec example', () => {
    const acl = parseAcl(
      'Add=www.sonera.fi-8765&Delete=www.sonera.fi-8765&Replace=www.sonera.fi-8765+321_ibm.com&Get=*',
    );
    expect(typeof acl).not.toBe('string');
    if (typeof acl === 'string') return;
    expect(aclAllows(acl, 'Replace', '321_ibm.com')).toBe(true);
    expect(aclAllows(acl, 'Delete', '321_ibm.com')).toBe(false);
    expect(aclAllows(acl, 'Get', 'anyone')).toBe(true);
    expect(aclAllows(acl, 'Exec', 'www.sonera.fi-8765')).toBe(false);
  });

  it.each(['Add', 'Add=', 'Foo=x', 'Get=a b', 'Get=a*', 'Get=a&&Add=b'])('rejects %s', (text) => {
    expect(typeof parseAcl(text)).toBe('string');
  });

  it('empty text is the empty ACL', () => {
    expect(canonicalAcl('')).toBe('');
  });

  it('removing a ServerID: an emptied root command becomes * (TND 83)', () => {
    const acl = parseAcl('Add=*&Get=srvA&Replace=srvA+srvB');
    if (typeof acl === 'string') throw new Error(acl);
    expect(formatAcl(removeServerId(acl, 'srvA', true))).toBe('Add=*&Get=*&Replace=srvB');
    expect(formatAcl(removeServerId(acl, 'srvA', false))).toBe('Add=*&Replace=srvB');
  });
});
