import { describe, expect, it } from 'vitest';
import { encodeUtf8, toBase64 } from '../../../src/core/bytes/index.ts';
import { buildPackage0 } from '../../../src/core/dm/package0.ts';
import type { SessionTrace, TraceCommand } from '../../../src/core/dm/trace.ts';
import { bytesOf, hexDump } from '../../../src/ui/inspector/sessions/hex-dump.ts';
import { xmlOutline, escapeXmlText } from '../../../src/ui/inspector/sessions/xml-outline.ts';
import {
  filterCommands,
  formatDuration,
  outcomeLabel,
  package0VersionText,
  statusTone,
  traceFileName,
} from '../../../src/ui/inspector/sessions/trace-labels.ts';
import {
  malformedOffset,
  readHexInput,
  spacedHex,
} from '../../../src/ui/inspector/sessions/notification-input.ts';
import { exportable } from '../../../src/ui/inspector/sessions/export.ts';

describe('hex dump', () => {
  // Expected lines are what `hexdump -C` printed for the same 28 bytes.
  const bytes = encodeUtf8('SyncML\u0000\u0001\u0002\u007f');
  const all = new Uint8Array([...bytes, 0x80, ...encodeUtf8(' hello world, DM!')]);

  it('matches hexdump -C: offset, two groups of eight, padded ASCII column', () => {
    expect(hexDump(all)).toBe(
      [
        '00000000  53 79 6e 63 4d 4c 00 01  02 7f 80 20 68 65 6c 6c  |SyncML..... hell|',
        '00000010  6f 20 77 6f 72 6c 64 2c  20 44 4d 21              |o world, DM!|',
      ].join('\n'),
    );
  });

  it('stops at maxBytes and is empty for no bytes', () => {
    expect(hexDump(all, 16).split('\n')).toHaveLength(1);
    expect(hexDump(new Uint8Array(0))).toBe('');
  });

  it('reads the exact bytes back from a trace message', () => {
    expect([...bytesOf(toBase64(all))]).toEqual([...all]);
  });
});

describe('XML outline', () => {
  const text = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN" "http://www.openmobilealliance.org/tech/DTD/OMA-TS-SyncML_RepPro_DTD-V1_2.dtd">',
    '<SyncML xmlns="SYNCML:SYNCML1.2">',
    '  <SyncHdr>',
    '    <MsgID>1</MsgID>',
    '    <Meta><MaxMsgSize xmlns="syncml:metinf">16384</MaxMsgSize></Meta>',
    '  </SyncHdr>',
    '  <SyncBody>',
    '    <Replace><CmdID>2</CmdID><Item><Data>a &lt;b&gt; &amp; c</Data></Item></Replace>',
    '    <Final/>',
    '  </SyncBody>',
    '</SyncML>',
  ].join('\n');

  it('keeps the prolog, nests elements, counts what a collapsed element hides', () => {
    const outline = xmlOutline(text);
    if (!outline.ok) throw new Error(outline.error);
    expect(outline.prolog[0]).toBe('<?xml version="1.0" encoding="UTF-8"?>');
    expect(outline.prolog[1]).toMatch(/^<!DOCTYPE SyncML PUBLIC/);
    const root = outline.root;
    expect(root.name).toBe('SyncML');
    expect(root.attributes).toEqual([{ name: 'xmlns', value: 'SYNCML:SYNCML1.2' }]);
    const names = root.children.map((c) => (c.kind === 'element' ? c.name : c.kind));
    expect(names).toEqual(['SyncHdr', 'SyncBody']);
    // SyncHdr, MsgID, Meta, MaxMsgSize, SyncBody, Replace, CmdID, Item, Data, Final
    expect(root.descendants).toBe(10);
    expect(outline.elements).toBe(11);
  });

  it('puts a leaf text on its line as text (entities decoded, escaped again for display)', () => {
    const outline = xmlOutline(text);
    if (!outline.ok) throw new Error(outline.error);
    const body = outline.root.children[1];
    if (body?.kind !== 'element') throw new Error('no SyncBody');
    const replace = body.children[0];
    if (replace?.kind !== 'element') throw new Error('no Replace');
    const item = replace.children[1];
    if (item?.kind !== 'element') throw new Error('no Item');
    const data = item.children[0];
    expect(data).toMatchObject({ kind: 'element', name: 'Data', text: 'a <b> & c', children: [] });
    expect(escapeXmlText('a <b> & c')).toBe('a &lt;b&gt; &amp; c');
    const final = body.children[1];
    expect(final).toMatchObject({ name: 'Final', children: [] });
    expect(final?.kind === 'element' && 'text' in final).toBe(false);
  });

  it('reports malformed XML instead of throwing', () => {
    const outline = xmlOutline('<SyncML><SyncHdr></SyncML>');
    expect(outline.ok).toBe(false);
  });
});

describe('trace labels', () => {
  it('names every outcome in words with a symbol, not only a colour', () => {
    expect(outcomeLabel('completed')).toEqual({ word: 'Completed', symbol: '✓', tone: 'ok' });
    expect(outcomeLabel('failed').word).toBe('Failed');
    expect(outcomeLabel('aborted-by-server').word).toBe('Aborted by the server');
    expect(outcomeLabel(undefined).word).toBe('Not finished');
  });

  it('sorts status codes into tones', () => {
    expect([200, 212, 425, 500, 101, 301].map(statusTone)).toEqual([
      'ok',
      'ok',
      'bad',
      'bad',
      'warn',
      'warn',
    ]);
  });

  it('formats durations and file names (UTC, safe characters)', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(2345)).toBe('2.35 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(
      traceFileName({ serverId: 'operator.example/dm 1', started: Date.UTC(2025, 10, 21, 10, 42, 7) }),
    ).toBe('dm-trace-operator.example_dm_1-20251121-104207.json');
    expect(package0VersionText(11)).toBe('1.1 (11)');
  });

  it('filters commands by sender, problems and text', () => {
    const cmd = (over: Partial<TraceCommand>): TraceCommand => ({
      from: 'server',
      MsgID: '1',
      CmdID: '1',
      kind: 'Get',
      targets: [],
      sources: [],
      statuses: [],
      results: [],
      ...over,
    });
    const status = (code: number) => ({
      code,
      text: '',
      meaning: '',
      MsgID: '2',
      CmdID: '1',
      TargetRef: [],
      SourceRef: [],
      items: [],
    });
    const commands = [
      cmd({ CmdID: '3', targets: ['./DevInfo/Mod'], statuses: [status(200)] }),
      cmd({ CmdID: '4', kind: 'Replace', targets: ['./MMS/op/Addr'], statuses: [status(425)] }),
      cmd({ CmdID: '5', kind: 'Delete', targets: ['./MMS/x'] }),
      cmd({ from: 'client', CmdID: '1', kind: 'Alert', alert: 1201, statuses: [status(212)] }),
    ];
    expect(filterCommands(commands, 'all', '').map((c) => c.CmdID)).toEqual(['3', '4', '5', '1']);
    expect(filterCommands(commands, 'client', '').map((c) => c.CmdID)).toEqual(['1']);
    expect(filterCommands(commands, 'problems', '').map((c) => c.CmdID)).toEqual(['4', '5']);
    expect(filterCommands(commands, 'all', 'mms').map((c) => c.CmdID)).toEqual(['4', '5']);
    expect(filterCommands(commands, 'server', '425').map((c) => c.CmdID)).toEqual(['4']);
  });
});

describe('notification input', () => {
  const pkg = buildPackage0(
    { uiMode: 'background', initiator: 'server', sessionId: 0x1234, serverId: 'operator.example' },
    { password: 'srvpwd', nonce: new Uint8Array(4) },
  );
  const hex = Array.from(pkg, (b) => b.toString(16).padStart(2, '0')).join(' ');

  it('reads hex with spaces, line breaks and a 0x prefix', () => {
    const spaced = `0x${hex.slice(0, 20)}\n${hex.slice(20)}`;
    const read = readHexInput(spaced);
    expect(read.ok && [...read.bytes]).toEqual([...pkg]);
  });

  it('says where the hex is wrong', () => {
    const read = readHexInput('5a 3c zz');
    expect(read).toEqual({ ok: false, error: expect.stringContaining('offset 6') as string });
    expect(readHexInput('  ').ok).toBe(false);
  });

  it('finds the offset where a malformed package 0 stops', () => {
    expect(malformedOffset(pkg)).toBeUndefined();
    expect(malformedOffset(pkg.slice(0, 10))).toBe(10);
    expect(malformedOffset(pkg.slice(0, 30))).toBe(30);
  });

  it('shows a digest as spaced upper-case hex', () => {
    expect(spacedHex(new Uint8Array([0x0a, 0xff, 0x10]))).toBe('0A FF 10');
  });
});

describe('export', () => {
  it('writes the SessionTrace document without the store fields', () => {
    const trace: SessionTrace = {
      version: 1,
      SessionID: '1A',
      serverId: 's',
      accountUri: './DMAcc/s',
      serverUrl: 'http://127.0.0.1/dm',
      initiator: 'client',
      encoding: 'xml',
      started: 1,
      messages: [],
      commands: [],
      events: [],
    };
    expect(exportable({ ...trace, id: '1-1A-abc', serverName: 'S' })).toEqual(trace);
  });
});
