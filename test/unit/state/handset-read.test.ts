import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { startHandsetRead, withHandsetDb, type HandsetDb } from '../../../src/adapters/db.ts';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import { AppState } from '../../../src/state/app.svelte.ts';
import { DeviceState } from '../../../src/state/device.svelte.ts';

/** Counts database opens, so a test can tell the boot's read was used and no second one made. */
function countingFactory(): { factory: IDBFactory; opens: string[] } {
  const factory = new IDBFactory();
  const opens: string[] = [];
  const open = factory.open.bind(factory);
  factory.open = (name: string, version?: number) => {
    opens.push(name);
    return open(name, version);
  };
  return { factory, opens };
}

/**
 * Whether a connection was closed. (Deleting the database would not tell: every handset
 * connection closes itself when another asks for a version change.)
 */
async function isClosed(db: HandsetDb): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  try {
    db.transaction('nodes');
    return false;
  } catch (error) {
    return (error as DOMException).name === 'InvalidStateError';
  }
}

/** A handset database with an identity and one node beyond the factory tree. */
async function seedHandset(name: string): Promise<void> {
  const device = new DeviceState();
  device.dbName = name;
  await device.load();
  await device.saveIdentity(DEFAULT_IDENTITY);
  const result = await device.tree!.batch(DEVICE, [
    { op: 'add', uri: './Seeded', value: 'from the last visit' },
  ]);
  expect(result.status).toBe(200);
  device.close();
}

describe('the handset read started at boot (decision 0172)', () => {
  let opens: string[];

  beforeEach(() => {
    const counting = countingFactory();
    globalThis.indexedDB = counting.factory;
    opens = counting.opens;
  });

  it('is the read the device uses: same identity and tree, no second connection', async () => {
    await seedHandset('boot-read');
    opens.length = 0;
    const read = startHandsetRead('boot-read');
    const device = new DeviceState();
    device.dbName = 'boot-read';
    await device.load(read);
    expect(opens).toEqual(['boot-read']);
    expect(device.storageError).toBeNull();
    expect(device.identity).toEqual(DEFAULT_IDENTITY);
    expect(device.tree?.get(DEVICE, './Seeded')).toMatchObject({ status: 200, value: 'from the last visit' });
    expect(await isClosed(await read.db)).toBe(false);
    device.close();
  });

  it('a handset closed before its read opened lets the connection go', async () => {
    await seedHandset('closed-early');
    const read = startHandsetRead('closed-early');
    const device = new DeviceState();
    device.dbName = 'closed-early';
    device.close();
    await device.load(read);
    expect(device.tree).toBeNull();
    expect(device.db).toBeNull();
    expect(await isClosed(await read.db)).toBe(true);
  });

  it("an app given another handset's read closes it", async () => {
    await seedHandset('remembered');
    const read = startHandsetRead('remembered');
    const app = new AppState({ dbName: 'registry-choice', read });
    expect(await isClosed(await read.db)).toBe(true);
    app.dispose();
  });

  it('a read that cannot open the database becomes the storage error, nothing thrown', async () => {
    // A database from a newer release of the app: this one must not downgrade it.
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open('newer', 99);
      request.onsuccess = () => resolve(request.result.close());
      request.onerror = () => reject(request.error);
    });
    const read = startHandsetRead('newer');
    const device = new DeviceState();
    device.dbName = 'newer';
    await device.load(read);
    expect(device.storageError).toMatch(/^The handset's storage could not be opened: /);
    expect(device.tree).toBeNull();
    expect(device.loading).toBe(false);
  });
});

describe('withHandsetDb', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
  });

  it('hands the body an open connection and closes it after, also when the body fails', async () => {
    let used: HandsetDb | undefined;
    const version = await withHandsetDb('scoped', async (db) => {
      used = db;
      expect(await isClosed(db)).toBe(false);
      return db.version;
    });
    expect(version).toBeGreaterThan(0);
    expect(await isClosed(used!)).toBe(true);
    await expect(
      withHandsetDb('scoped', async (db) => {
        used = db;
        throw new Error('body failed');
      }),
    ).rejects.toThrow('body failed');
    expect(await isClosed(used!)).toBe(true);
  });
});
