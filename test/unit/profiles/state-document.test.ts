import { describe, expect, it } from 'vitest';
import {
  parseDeviceState,
  readDeviceStateJson,
  serializeDeviceState,
  STATE_FILE_FORMAT,
  STATE_FILE_VERSION,
} from '../../../src/core/device/state-document.ts';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { createFactoryTree } from '../../../src/core/tree/factory.ts';
import { sampleState, T0 } from './fixtures.ts';

function codeOf(body: () => unknown): string | undefined {
  try {
    body();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('device state document v2', () => {
  it('round-trips every section, bytes included', () => {
    const state = sampleState();
    expect(state.nodes.some((n) => n.value === '2.0-custom')).toBe(true);
    const text = serializeDeviceState(state, T0);
    const doc = JSON.parse(text) as { version: number; inbox: { raw: unknown }[] };
    expect(doc.version).toBe(2);
    expect(doc.inbox[0]!.raw).toEqual({ $bytes: 'AQYvHy22kYE=' });
    const back = parseDeviceState(text);
    expect(back).toEqual(state);
    expect(back.inbox[0]!.raw).toBeInstanceOf(Uint8Array);
    expect(serializeDeviceState(back, T0)).toBe(text);
  });

  it('reads a version 1 file (identity and tree) with empty extra sections', () => {
    const nodes = createFactoryTree(DEFAULT_IDENTITY, T0);
    const v1 = JSON.stringify({ format: STATE_FILE_FORMAT, version: 1, identity: DEFAULT_IDENTITY, nodes });
    expect(parseDeviceState(v1)).toEqual({
      identity: DEFAULT_IDENTITY,
      nodes,
      inbox: [],
      traces: [],
      settings: {},
    });
  });

  it('writes empty sections for a state that only has identity and tree (the CLI)', () => {
    const nodes = createFactoryTree(DEFAULT_IDENTITY, T0);
    const doc = JSON.parse(serializeDeviceState({ identity: DEFAULT_IDENTITY, nodes }, T0)) as Record<
      string,
      unknown
    >;
    expect(doc).toMatchObject({ version: STATE_FILE_VERSION, inbox: [], traces: [], settings: {} });
  });

  it('refuses a newer version with a message that says so', () => {
    const text = serializeDeviceState(sampleState(), T0).replace('"version": 2', '"version": 3');
    expect(() => parseDeviceState(text, 'phone.json')).toThrow(
      /phone\.json has state file version 3, newer than/,
    );
    expect(codeOf(() => parseDeviceState(text))).toBe('state-file-version');
  });

  const good = (): Record<string, unknown> =>
    JSON.parse(serializeDeviceState(sampleState(), T0)) as Record<string, unknown>;
  const damage: [string, (doc: Record<string, unknown>) => void, RegExp][] = [
    ['another format', (d) => (d.format = 'something-else'), /not an ota-handset device state file/],
    ['a version that is not a number', (d) => (d.version = '2'), /no valid state file version/],
    ['an invalid IMEI', (d) => ((d.identity as Record<string, unknown>).imei = '12'), /invalid identity/],
    [
      'no root node',
      (d) => (d.nodes = (d.nodes as { uri: string }[]).filter((n) => n.uri !== '.')),
      /management tree/,
    ],
    ['a duplicate node', (d) => (d.nodes as unknown[]).push((d.nodes as unknown[])[1]), /management tree/],
    [
      'a node with a numeric value',
      (d) => (((d.nodes as unknown[])[1] as Record<string, unknown>).value = 5),
      /management tree/,
    ],
    [
      'an inbox record without bytes',
      (d) => delete ((d.inbox as unknown[])[0] as Record<string, unknown>).raw,
      /inbox/,
    ],
    [
      'an inbox record with a bad status',
      (d) => (((d.inbox as unknown[])[0] as Record<string, unknown>).status = 'x'),
      /inbox/,
    ],
    [
      'bad base64',
      (d) => (((d.inbox as unknown[])[0] as Record<string, unknown>).raw = { $bytes: '***' }),
      /bad base64/,
    ],
    [
      'a trace without messages',
      (d) => delete ((d.traces as unknown[])[0] as Record<string, unknown>).messages,
      /session traces/,
    ],
    ['an empty identity', (d) => (d.identity = {}), /identity/],
    [
      'an identity with a number for the IMEI',
      (d) => ((d.identity as Record<string, unknown>).imei = 35),
      /identity/,
    ],
    ['a missing inbox section', (d) => delete d.inbox, /inbox/],
    ['settings as a list', (d) => (d.settings = []), /settings/],
    [
      'an identity among the settings',
      (d) => ((d.settings as Record<string, unknown>).identity = {}),
      /settings/,
    ],
  ];
  it.each(damage)('refuses a file with %s', (_what, change, message) => {
    const doc = good();
    change(doc);
    const text = JSON.stringify(doc);
    expect(() => parseDeviceState(text, 'f.json')).toThrow(message);
    expect(codeOf(() => parseDeviceState(text))).toBe('state-file-corrupt');
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseDeviceState('{"format":', 'cut.json')).toThrow(/cut\.json is not valid JSON/);
  });

  it('keeps a "__proto__" key as data instead of changing the prototype', () => {
    const text = serializeDeviceState(sampleState(), T0).replace(
      '"settings": {',
      '"settings": {\n  "__proto__": {"polluted": true},',
    );
    const state = parseDeviceState(text);
    expect(Object.getPrototypeOf(state.settings)).toBe(Object.prototype);
    expect(Object.keys(state.settings)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('validates a document already parsed (embedded in a bundle)', () => {
    const state = readDeviceStateJson(good(), 'bundle.json');
    expect(state.inbox[0]!.body).toBeInstanceOf(Uint8Array);
    expect(state).toEqual(sampleState());
  });
});
