import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { AppState } from '../../../src/state/app.svelte.ts';

describe('AppState.start when the handset is let go of while it starts', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
    // /ota-config.json is relative to the page; Node has none, and the fetch fails (a stated problem).
    vi.stubGlobal('location', { origin: 'http://127.0.0.1:1' });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('ends quietly and starts nothing once disposed after the tree opened', async () => {
    const first = new AppState({ dbName: 'disposed-while-starting' });
    await first.start();
    await first.device.saveIdentity(DEFAULT_IDENTITY);
    first.dispose();

    const app = new AppState({ dbName: 'disposed-while-starting' });
    // The tester switches handsets just after the tree opened, while the CP pipeline's code and
    // /ota-config.json load: the inbox and traces would then be read from a closed database.
    vi.stubGlobal(
      'fetch',
      () =>
        new Promise((_, reject) =>
          queueMicrotask(() => {
            app.dispose();
            reject(new TypeError('offline'));
          }),
        ),
    );
    await expect(app.start()).resolves.toBeUndefined();
    expect(app.device.identity).toEqual(DEFAULT_IDENTITY);
    expect(app.provisioning).toBeNull();
    expect(app.push.status).not.toBe('connected');
  });
});
