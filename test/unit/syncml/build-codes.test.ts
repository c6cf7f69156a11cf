import { describe, expect, it } from 'vitest';
import {
  CmdIdCounter,
  MessageBuilder,
  createHeader,
  resultsFor,
  statusFor,
  statusForHeader,
  statusForItem,
} from '../../../src/core/syncml/build.ts';
import {
  STATUS_CODES,
  StatusCode,
  isSuccess,
  statusMeaning,
  statusText,
} from '../../../src/core/syncml/status-codes.ts';
import {
  ALERT_CODES,
  AlertCode,
  alertText,
  isUserInteractionAlert,
} from '../../../src/core/syncml/alert-codes.ts';
import { effectiveMeta } from '../../../src/core/syncml/meta.ts';
import type { Copy, Get, Replace, SyncHdr } from '../../../src/core/syncml/message.ts';
import { readSyncML } from '../../../src/core/syncml/read.ts';
import { writeSyncML } from '../../../src/core/syncml/write.ts';

const serverHdr: SyncHdr = {
  VerDTD: '1.2',
  VerProto: 'DM/1.2',
  SessionID: '1A2B',
  MsgID: '3',
  Target: { LocURI: 'IMEI:490154203237518' },
  Source: { LocURI: 'http://dm.example.com/manage' },
};

describe('builders (oma-dm.md §4 references)', () => {
  it('Status for the SyncHdr: CmdRef 0, Cmd SyncHdr, refs echo the received Target / Source', () => {
    expect(statusForHeader(serverHdr, 200, '1')).toEqual({
      kind: 'Status',
      CmdID: '1',
      MsgRef: '3',
      CmdRef: '0',
      Cmd: 'SyncHdr',
      TargetRef: ['IMEI:490154203237518'],
      SourceRef: ['http://dm.example.com/manage'],
      Data: 200,
      Items: [],
    });
  });

  it('Status per command lists all item refs; per item only that item', () => {
    const copy: Copy = {
      kind: 'Copy',
      CmdID: '7',
      Items: [{ Target: { LocURI: './B' }, Source: { LocURI: './A' } }],
    };
    expect(statusFor(copy, 200, { CmdID: '2', MsgRef: '3' })).toMatchObject({
      CmdRef: '7',
      Cmd: 'Copy',
      MsgRef: '3',
      TargetRef: ['./B'],
      SourceRef: ['./A'],
    });
    const replace: Replace = {
      kind: 'Replace',
      CmdID: '8',
      Items: [{ Target: { LocURI: './X' } }, { Target: { LocURI: './Y' } }],
    };
    expect(statusFor(replace, 200, { CmdID: '3', MsgRef: '3' }).TargetRef).toEqual(['./X', './Y']);
    const second = replace.Items[1];
    if (!second) throw new Error('fixture');
    expect(statusForItem(replace, second, 404, { CmdID: '4', MsgRef: '3' })).toMatchObject({
      CmdRef: '8',
      TargetRef: ['./Y'],
      SourceRef: [],
      Data: 404,
    });
  });

  it('Results point to the Get', () => {
    const get: Get = { kind: 'Get', CmdID: '5', Items: [{ Target: { LocURI: './DevInfo/Mod' } }] };
    expect(
      resultsFor(get, [{ Source: { LocURI: './DevInfo/Mod' }, Data: 'X1' }], { CmdID: '4', MsgRef: '3' }),
    ).toEqual({
      kind: 'Results',
      CmdID: '4',
      MsgRef: '3',
      CmdRef: '5',
      Items: [{ Source: { LocURI: './DevInfo/Mod' }, Data: 'X1' }],
    });
  });

  it('MessageBuilder numbers CmdIDs from 1 in order, SyncHdr status first, and writes a readable message', () => {
    const get: Get = { kind: 'Get', CmdID: '5', Items: [{ Target: { LocURI: './DevInfo/Mod' } }] };
    const b = new MessageBuilder(
      createHeader({
        SessionID: '1A2B',
        MsgID: 2,
        Target: 'http://dm.example.com/manage',
        Source: { LocURI: 'IMEI:490154203237518', LocName: 'handset' },
        MaxMsgSize: 16384,
      }),
    );
    b.statusForHeader(serverHdr, 200);
    b.statusFor(get, 200, serverHdr.MsgID);
    b.resultsFor(get, [{ Source: { LocURI: './DevInfo/Mod' }, Data: 'X1' }], serverHdr.MsgID);
    b.alert(AlertCode.GenericAlert, [{ Data: 'ok' }], 'corr-1');
    const msg = b.build(true);
    expect(msg.SyncBody.commands.map((c) => [c.kind, c.CmdID])).toEqual([
      ['Status', '1'],
      ['Status', '2'],
      ['Results', '3'],
      ['Alert', '4'],
    ]);
    expect(msg.SyncHdr).toMatchObject({
      VerDTD: '1.2',
      VerProto: 'DM/1.2',
      MsgID: '2',
      Meta: { MaxMsgSize: 16384 },
    });
    const back = readSyncML(writeSyncML(msg));
    expect(back.warnings).toEqual([]);
    delete back.warnings;
    expect(back).toEqual(msg);
    const ids = new CmdIdCounter();
    expect([ids.next(), ids.next(), ids.count]).toEqual(['1', '2', 2]);
  });

  it('effective Meta: item overrides command, defaults chr / text/plain', () => {
    expect(effectiveMeta({ Format: 'node', Type: 'x' }, { Meta: { Format: 'b64' } })).toEqual({
      Format: 'b64',
      Type: 'x',
    });
    expect(effectiveMeta(undefined, {})).toEqual({ Format: 'chr', Type: 'text/plain' });
  });
});

describe('status and alert code tables', () => {
  it('covers every code DM 1.2 uses (oma-dm.md §5-§6) without duplicates', () => {
    const codes = STATUS_CODES.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
    const required = [
      101,
      200,
      201,
      202,
      203,
      204,
      205,
      206,
      207,
      208,
      210,
      211,
      212,
      213,
      214,
      215,
      216,
      300,
      301,
      302,
      303,
      304,
      305,
      ...Array.from({ length: 26 }, (_, i) => 400 + i),
      500,
      501,
      502,
      503,
      504,
      505,
      506,
      507,
      508,
      510,
      511,
      512,
      513,
      514,
      516,
      517,
    ];
    for (const code of required) expect(codes, String(code)).toContain(code);
    for (const s of STATUS_CODES) {
      expect(s.name.length).toBeGreaterThan(1);
      expect(s.meaning.length).toBeGreaterThan(10);
    }
    for (const code of Object.values(StatusCode)) expect(codes).toContain(code);
  });

  it('names and explains codes for testers', () => {
    expect(statusText(425)).toBe('Permission denied');
    expect(statusMeaning(425)).toBe(
      "Permission denied: the node's ACL does not grant this command to this server.",
    );
    expect(statusText(304)).toBe('Not modified');
    expect(statusMeaning(304)).toContain('"No"');
    expect(statusText(499)).toBe('Originator error (unknown code 499)');
    expect(statusText(999)).toBe('Unknown status 999');
    expect(isSuccess(200)).toBe(true);
    expect(isSuccess(212)).toBe(true);
    expect(isSuccess(304)).toBe(false);
    expect(isSuccess(101)).toBe(false);
    expect(isSuccess(425)).toBe(false);
  });

  it('alert codes', () => {
    const codes = ALERT_CODES.map((a) => a.code);
    expect(codes).toEqual([1100, 1101, 1102, 1103, 1104, 1200, 1201, 1222, 1223, 1224, 1225, 1226]);
    expect(alertText(1201)).toBe('Client-initiated management');
    expect(alertText(1150)).toBe('Reserved alert 1150');
    expect(isUserInteractionAlert(1104)).toBe(true);
    expect(isUserInteractionAlert(1200)).toBe(false);
  });
});
