import { describe, expect, it } from 'vitest';
import type { UserInteraction } from '../../../src/core/dm/alerts.ts';
import {
  answerUserInteraction,
  checkTextInput,
  defaultAnswer,
  parseAlertOptions,
  parseUserInteraction,
} from '../../../src/core/dm/alerts.ts';
import type { Alert } from '../../../src/core/syncml/message.ts';

function alert(code: number, ...data: (string | undefined)[]): Alert {
  return {
    kind: 'Alert',
    CmdID: '4',
    Data: code,
    Items: data.map((d) => (d === undefined ? {} : { Data: d })),
  };
}

function request(a: Alert): UserInteraction {
  const parsed = parseUserInteraction(a);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.request;
}

describe('parseAlertOptions (oma-dm.md §9)', () => {
  it('reads the well-formed options string with URL decoding', () => {
    expect(parseAlertOptions('MINDT=2&MAXDT=30&DR=John+Doe%21&MAXLEN=12&IT=A&ET=P')).toEqual({
      MINDT: 2,
      MAXDT: 30,
      DR: 'John Doe!',
      MAXLEN: 12,
      IT: 'A',
      ET: 'P',
      unknown: [],
      warnings: [],
    });
  });

  it('is lenient with spaces, lower-case keys, missing values, trailing & and unknown keys', () => {
    const o = parseAlertOptions(' mindt = 5 & MaxDT=60&DR=&FOO=bar&&IT&');
    expect(o).toMatchObject({ MINDT: 5, MAXDT: 60, unknown: ['FOO'] });
    expect(o.DR).toBeUndefined();
    expect(o.IT).toBeUndefined();
    expect(o.warnings).toEqual(['DR has no value; ignored', 'IT has no value; ignored']);
    expect(parseAlertOptions('')).toEqual({ unknown: [], warnings: [] });
    expect(parseAlertOptions('MAXDT=soon').warnings).toEqual(['MAXDT=soon is not a number; ignored']);
  });

  it('repairs the missing & of AOSP testalertconfirmatomic.xml (MAXDT=15DR=1)', () => {
    const o = parseAlertOptions('MAXDT=15DR=1');
    expect(o).toMatchObject({ MAXDT: 15, DR: '1' });
    expect(o.warnings).toEqual(["missing '&' before DR; repaired"]);
    // but not inside a word: ABIT=... is one value
    expect(parseAlertOptions('DR=ABIT=3').DR).toBe('ABIT=3');
  });
});

describe('parseUserInteraction', () => {
  it('1100 display: text, MINDT / MAXDT, DR ignored', () => {
    const r = request(alert(1100, 'MINDT=3&MAXDT=10&DR=1', 'Your <b>settings</b> were updated'));
    expect(r).toMatchObject({
      kind: 'display',
      alertCode: 1100,
      CmdID: '4',
      text: 'Your <b>settings</b> were updated',
      minDisplaySeconds: 3,
      maxDisplaySeconds: 10,
      choices: [],
    });
    expect(r.defaultResponse).toBeUndefined();
  });

  it('1101 confirm: DR 0/1 and an empty options item (<Item/> or <Item><Data/></Item>)', () => {
    expect(request(alert(1101, 'DR=1', 'Install?')).defaultAccept).toBe(true);
    expect(request(alert(1101, 'DR=0', 'Install?')).defaultAccept).toBe(false);
    const bare = request(alert(1101, undefined, 'Install?'));
    expect(bare).toMatchObject({ kind: 'confirm', text: 'Install?', warnings: [] });
    expect(bare.defaultAccept).toBeUndefined();
    expect(request(alert(1101, '', 'Install?')).warnings).toEqual([]);
  });

  it('1102 text input: MAXLEN, IT, ET, default text', () => {
    const r = request(alert(1102, 'MAXLEN=4&IT=n&ET=p&DR=1234', 'PIN'));
    expect(r).toMatchObject({
      kind: 'text-input',
      maxLength: 4,
      inputType: 'numeric',
      echoType: 'password',
      defaultText: '1234',
    });
    const defaults = request(alert(1102, '', 'Name'));
    expect(defaults).toMatchObject({ inputType: 'alphanumeric', echoType: 'text' });
    expect(request(alert(1102, 'IT=X', 'Name')).warnings).toEqual(['IT=X is unknown; alphanumeric used']);
    for (const [it, type] of [
      ['D', 'date'],
      ['T', 'time'],
      ['P', 'phone'],
      ['I', 'ip'],
      ['A', 'alphanumeric'],
    ] as const) {
      expect(request(alert(1102, `IT=${it}`, 'x')).inputType).toBe(type);
    }
  });

  it('1103 single choice and 1104 multiple choice: title, choices, default choices', () => {
    const single = request(alert(1103, 'DR=2', 'Pick a profile', 'Home', 'Work', 'Roaming'));
    expect(single).toMatchObject({
      kind: 'single-choice',
      text: 'Pick a profile',
      choices: ['Home', 'Work', 'Roaming'],
      defaultChoices: [2],
    });
    const multi = request(alert(1104, 'DR=3-1', 'Pick', 'a', 'b', 'c', 'd'));
    expect(multi.defaultChoices).toEqual([1, 3]);
    // AOSP testalertmultiplechoice.xml: DR=1-3,6 -> commas separate, a-b is a range
    const aosp = request(alert(1104, 'DR=1-3,6', 'Pick', 'a', 'b', 'c', 'd', 'e', 'f'));
    expect(aosp.defaultChoices).toEqual([1, 2, 3, 6]);
    const outOfRange = request(alert(1104, 'DR=2-9', 'Pick', 'a', 'b'));
    expect(outOfRange.defaultChoices).toEqual([2]);
    expect(outOfRange.warnings).toContain('default choices out of range ignored in DR=2-9');
  });

  it('returns 412 for unusable alerts instead of throwing', () => {
    expect(parseUserInteraction(alert(1100, 'MINDT=1'))).toMatchObject({ ok: false, status: 412 });
    expect(parseUserInteraction(alert(1103, '', 'Pick'))).toMatchObject({ ok: false, status: 412 });
    expect(parseUserInteraction(alert(1226, '', 'x'))).toMatchObject({ ok: false, status: 412 });
  });

  it('reads opaque item data as UTF-8 text', () => {
    const a: Alert = {
      kind: 'Alert',
      CmdID: '9',
      Data: 1100,
      Items: [{ Data: new TextEncoder().encode('MINDT=1') }, { Data: new TextEncoder().encode('Grüße') }],
    };
    expect(request(a)).toMatchObject({ text: 'Grüße', minDisplaySeconds: 1 });
  });
});

describe('answerUserInteraction (oma-dm.md §9 Responses)', () => {
  it('display: 200 once shown, also on cancel or timeout', () => {
    const r = request(alert(1100, '', 'hi'));
    for (const kind of ['ok', 'cancel', 'timeout'] as const) {
      expect(answerUserInteraction(r, { kind })).toEqual({ code: 200, Items: [], effect: 'continue' });
    }
    expect(() => answerUserInteraction(r, { kind: 'text', text: 'x' })).toThrow(
      expect.objectContaining({ code: 'alert-answer-invalid' }),
    );
  });

  it('confirm: yes 200, no 304 (rejected), cancel 214 (cancelled), timeout 408', () => {
    const r = request(alert(1101, 'DR=0', 'Sure?'));
    expect(answerUserInteraction(r, { kind: 'yes' })).toEqual({ code: 200, Items: [], effect: 'continue' });
    expect(answerUserInteraction(r, { kind: 'no' })).toEqual({ code: 304, Items: [], effect: 'rejected' });
    expect(answerUserInteraction(r, { kind: 'cancel' })).toEqual({
      code: 214,
      Items: [],
      effect: 'cancelled',
    });
    expect(answerUserInteraction(r, { kind: 'timeout' })).toEqual({
      code: 408,
      Items: [],
      effect: 'continue',
    });
    // timeoutUsesDefault: DR=0 -> "No"
    expect(answerUserInteraction(r, { kind: 'timeout' }, { timeoutUsesDefault: true })).toEqual({
      code: 304,
      Items: [],
      effect: 'rejected',
    });
    expect(defaultAnswer(r)).toEqual({ kind: 'no' });
  });

  it('text input: 200 + one Item with the text', () => {
    const r = request(alert(1102, 'DR=abc', 'Name'));
    expect(answerUserInteraction(r, { kind: 'text', text: 'Jane & Joe <x>' })).toEqual({
      code: 200,
      Items: [{ Data: 'Jane & Joe <x>' }],
      effect: 'continue',
    });
    expect(answerUserInteraction(r, { kind: 'timeout' }, { timeoutUsesDefault: true }).Items).toEqual([
      { Data: 'abc' },
    ]);
    expect(answerUserInteraction(r, { kind: 'cancel' }).code).toBe(214);
  });

  it('single choice: 200 + one Item with the 1-based index; multiple: one Item per index', () => {
    const single = request(alert(1103, '', 'Pick', 'a', 'b', 'c'));
    expect(answerUserInteraction(single, { kind: 'choice', indices: [3] })).toEqual({
      code: 200,
      Items: [{ Data: '3' }],
      effect: 'continue',
    });
    expect(() => answerUserInteraction(single, { kind: 'choice', indices: [1, 2] })).toThrow(
      expect.objectContaining({ code: 'alert-answer-invalid' }),
    );
    expect(() => answerUserInteraction(single, { kind: 'choice', indices: [4] })).toThrow(
      expect.objectContaining({ code: 'alert-answer-invalid' }),
    );
    const multi = request(alert(1104, '', 'Pick', 'a', 'b', 'c'));
    expect(answerUserInteraction(multi, { kind: 'choice', indices: [3, 1, 3] }).Items).toEqual([
      { Data: '3' },
      { Data: '1' },
    ]);
    expect(answerUserInteraction(multi, { kind: 'choice', indices: [] })).toEqual({
      code: 200,
      Items: [],
      effect: 'continue',
    });
    expect(answerUserInteraction(multi, { kind: 'timeout' }).code).toBe(408);
  });
});

describe('checkTextInput', () => {
  it('checks MAXLEN and the IT formats', () => {
    const pin = request(alert(1102, 'MAXLEN=4&IT=N', 'PIN'));
    expect(checkTextInput(pin, '1234')).toEqual([]);
    expect(checkTextInput(pin, '12345')).toEqual(['at most 4 characters']);
    expect(checkTextInput(pin, '12a')).toEqual(['must be a number (digits, decimal point, sign)']);
    expect(checkTextInput(request(alert(1102, 'IT=D', 'x')), '31122026')).toEqual([]);
    expect(checkTextInput(request(alert(1102, 'IT=D', 'x')), '2026-12-31')).toHaveLength(1);
    expect(checkTextInput(request(alert(1102, 'IT=T', 'x')), '235959')).toEqual([]);
    expect(checkTextInput(request(alert(1102, 'IT=P', 'x')), '+4930p123w5')).toEqual([]);
    expect(checkTextInput(request(alert(1102, 'IT=I', 'x')), '192.168.0.1')).toEqual([]);
    expect(checkTextInput(request(alert(1102, 'IT=I', 'x')), '192.168.0.256')).toHaveLength(1);
  });
});
