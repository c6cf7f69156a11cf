import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DB_NAME, openHandsetDb } from '../../../src/adapters/db.ts';
import { readDeviceStateFromDb, writeDeviceStateToDb } from '../../../src/adapters/device-state-idb.ts';
import { parseBundle } from '../../../src/core/flow/bundle.ts';
import { createFactoryTree } from '../../../src/core/tree/factory.ts';
import { buildDemoBundle, readDemoBundle } from '../../../src/state/demo-bundle.ts';
import { ProfileManager, type HandsetApp } from '../../../src/state/profile-manager.ts';
import { byUri, sampleState, T0 } from './fixtures.ts';

describe('demo bundles from the browser', () => {
  it('holds the chosen payloads, a flow replaying them oldest first, and the device as it is', () => {
    const state = sampleState();
    const text = buildDemoBundle(
      state,
      {
        name: 'MMS demo',
        payloadIds: ['m1', 'm2'],
        fromFactory: false,
        scenarios: ['02-mms-campaign-locked'],
      },
      T0,
    );
    const bundle = parseBundle(text, 'demo.json');
    expect(bundle.name).toBe('MMS demo');
    expect(bundle.scenarios).toEqual(['02-mms-campaign-locked']);
    expect([...bundle.payloads.keys()]).toEqual(['1-m1.bin', '2-m2.bin']);
    expect(bundle.payloads.get('1-m1.bin')).toEqual(state.inbox[1]!.raw);
    expect(bundle.flow.steps).toEqual([
      { type: 'cp', title: 'Receive m1.bin', payload: { file: '1-m1.bin' } },
      { type: 'cp', title: 'Receive m2.bin', payload: { file: '2-m2.bin' } },
    ]);
    expect(readDemoBundle(text, 'demo.json').device).toEqual(state);
  });

  it('can start from the factory state of the handset, identity kept', () => {
    const state = sampleState();
    const text = buildDemoBundle(
      state,
      { name: '', payloadIds: ['m2'], fromFactory: true, scenarios: [] },
      T0,
    );
    const { bundle, device } = readDemoBundle(text, 'demo.json');
    expect(bundle.name).toBe('Test handset demo');
    expect(device).toEqual({
      identity: state.identity,
      nodes: createFactoryTree(state.identity, T0),
      inbox: [],
      traces: [],
      settings: {},
    });
  });

  it('refuses a bundle without payloads, or with an unknown one', () => {
    const choice = { name: 'x', fromFactory: false, scenarios: [] };
    expect(() => buildDemoBundle(sampleState(), { ...choice, payloadIds: [] }, T0)).toThrow(/at least one/);
    expect(() => buildDemoBundle(sampleState(), { ...choice, payloadIds: ['nope'] }, T0)).toThrow(
      /at least one/,
    );
  });

  it('a damaged bundle is refused whole', () => {
    const text = buildDemoBundle(
      sampleState(),
      { name: 'x', payloadIds: ['m1'], fromFactory: false, scenarios: [] },
      T0,
    );
    const damaged = text.replace('"version": 2', '"version": 7');
    expect(() => readDemoBundle(damaged, 'd.json')).toThrow(/version 7, newer/);
  });

  describe('through the profiles', () => {
    beforeEach(() => {
      globalThis.indexedDB = new IDBFactory();
    });

    it('exports the shown handset and imports the bundle as a new handset', async () => {
      let n = 0;
      const m = new ProfileManager<HandsetApp>({
        createApp: () => ({ start: async () => undefined, dispose: () => undefined }),
        clock: { now: () => T0 },
        newId: () => `p${++n}`,
      });
      await m.load();
      const db = await openHandsetDb(DEFAULT_DB_NAME);
      await writeDeviceStateToDb(db, sampleState());
      db.close();
      const text = await m.exportBundle({
        name: 'Demo',
        payloadIds: ['m1'],
        fromFactory: false,
        scenarios: [],
      });
      const { device } = readDemoBundle(text, 'demo.json');
      const created = await m.importAsNew(device, 'Demo');
      expect(m.current?.id).toBe(created.id);
      const copy = await openHandsetDb(created.dbName);
      const stored = await readDeviceStateFromDb(copy);
      copy.close();
      expect(stored).toEqual({ ...sampleState(), nodes: byUri(sampleState().nodes) });
    });
  });
});
