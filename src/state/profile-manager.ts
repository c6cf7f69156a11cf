/**
 * Device profiles: several emulated handsets side by side, each with its own handset database.
 * The manager owns the registry, the live state of the handset shown (`app`) and every
 * operation that replaces a handset's data: switch, create, rename, duplicate, delete, import,
 * export, snapshots and factory reset. Plain TypeScript over IndexedDB (no runes) so it runs
 * in Node tests; `profiles.svelte.ts` mirrors it for the UI.
 *
 * Anything that rewrites the shown handset's data tears its live state down first (closing its
 * database connections and stopping its sessions), writes the whole device in one transaction
 * (device-state-idb.ts), then builds a fresh live state over it: the in-memory tree, inbox and
 * traces can never disagree with storage. See docs/decisions/0137-device-profiles.md.
 */
import type { Clock } from '../core/ports.ts';
import { DEFAULT_DB_NAME, loadIdentity, withHandsetDb } from '../adapters/db.ts';
import { readDeviceStateFromDb, writeDeviceStateToDb } from '../adapters/device-state-idb.ts';
import {
  DEFAULT_PROFILE_ID,
  deleteHandsetDb,
  handsetDbNameFor,
  openProfilesDb,
  PROFILES_DB_NAME,
  ProfileRegistry,
  type ProfileRecord,
  type SnapshotRecord,
} from '../adapters/profiles-db.ts';
import {
  parseDeviceState,
  serializeDeviceState,
  type CompleteDeviceState,
} from '../core/device/state-document.ts';
import { createFactoryTree } from '../core/tree/factory.ts';
import { OtaError } from '../core/errors.ts';
import type { DemoBundleChoice } from './demo-bundle.ts';
import type { LastShownProfile } from '../adapters/last-shown-profile.ts';

/** What the manager needs from the live state of one handset (AppState in the browser). */
export interface HandsetApp {
  start(): Promise<void>;
  /** Closes its database connections and stops whatever runs (sessions, push channel). */
  dispose(): void | Promise<void>;
}

export interface ProfileManagerOptions<A extends HandsetApp> {
  /** Builds (not starts) the live state of a profile's handset. */
  createApp(profile: ProfileRecord): A;
  clock: Clock;
  /** A fresh unique id (profiles, snapshots). */
  newId(): string;
  registryName?: string;
  /**
   * A synchronous memory of the profile shown last (localStorage in the browser), so load() can
   * start that handset while the registry is still opening; the registry stays the authority.
   */
  lastShown?: LastShownProfile;
  /** Told after every change of the list, the current profile, its app or its snapshots. */
  onChange?(): void;
}

export class ProfileError extends OtaError {
  constructor(
    code: 'profile-unknown' | 'profile-last' | 'profile-not-set-up' | 'snapshot-unknown',
    message: string,
  ) {
    super(code, message);
  }
}

const NAME_MAX = 60;

/** A trimmed, non-empty, bounded name. */
function cleanName(name: string, fallback: string): string {
  const trimmed = name.replace(/\s+/g, ' ').trim().slice(0, NAME_MAX);
  return trimmed === '' ? fallback : trimmed;
}

export class ProfileManager<A extends HandsetApp> {
  profiles: ProfileRecord[] = [];
  current: ProfileRecord | null = null;
  app: A | null = null;
  /** The current profile's snapshots, newest first. */
  snapshots: SnapshotRecord[] = [];
  #registry: ProfileRegistry | null = null;
  readonly #options: ProfileManagerOptions<A>;

  constructor(options: ProfileManagerOptions<A>) {
    this.#options = options;
  }

  /** Opens the registry (creating the first profile over the existing `ota-handset` database) and starts the current handset. */
  async load(): Promise<void> {
    // Start the handset shown last while the registry opens, instead of after it (decision 0171).
    const remembered = this.#options.lastShown?.read() ?? null;
    let early: Promise<void> | null = null;
    if (remembered) {
      const app = this.#options.createApp(remembered);
      this.app = app;
      this.current = remembered;
      this.#options.onChange?.();
      early = app.start();
    }
    const registry = new ProfileRegistry(
      await openProfilesDb(this.#options.registryName ?? PROFILES_DB_NAME),
    );
    this.#registry = registry;
    let profiles = await registry.list();
    if (profiles.length === 0) {
      const name = (await withHandsetDb(DEFAULT_DB_NAME, loadIdentity))?.name ?? 'Handset 1';
      await registry.put({
        id: DEFAULT_PROFILE_ID,
        name,
        dbName: DEFAULT_DB_NAME,
        created: this.#options.clock.now(),
      });
      profiles = await registry.list();
    }
    const currentId = await registry.currentId();
    const current = profiles.find((p) => p.id === currentId) ?? profiles[0]!;
    this.profiles = profiles;
    if (early && remembered?.id === current.id && remembered.dbName === current.dbName) {
      // The guess was right: keep the handset already starting; take the registry's record (name).
      this.current = current;
      this.#options.lastShown?.write(current);
      if (currentId !== current.id) await registry.setCurrent(current.id);
      await this.#refresh();
      await early;
      this.#options.onChange?.();
      return;
    }
    // No memory, or it disagrees with the registry (another tab switched): the registry wins.
    early?.catch(() => undefined);
    await this.#show(current);
    // Opening a deleted profile's database created it again, empty: delete that orphan.
    if (remembered && !profiles.some((p) => p.dbName === remembered.dbName))
      await deleteHandsetDb(remembered.dbName).catch(() => undefined);
  }

  /** Shows another handset; the one shown is torn down first. */
  async switchTo(id: string): Promise<void> {
    if (id === this.current?.id) return;
    await this.#show(this.#profile(id));
  }

  /** A new, empty handset, shown at once: the phone asks for its identity (first run). */
  async create(name: string): Promise<ProfileRecord> {
    const profile = await this.#newProfile(cleanName(name, `Handset ${this.profiles.length + 1}`));
    await this.#show(profile);
    return profile;
  }

  async rename(id: string, name: string): Promise<void> {
    const profile = this.#profile(id);
    const renamed = { ...profile, name: cleanName(name, profile.name) };
    await this.#registry!.put(renamed);
    if (this.current?.id === id) {
      this.current = renamed;
      this.#options.lastShown?.write(renamed);
    }
    await this.#refresh();
  }

  /** A new profile holding a copy of every record of `id`'s database (not shown). */
  async duplicate(id: string): Promise<ProfileRecord> {
    const source = this.#profile(id);
    const state = await withHandsetDb(source.dbName, readDeviceStateFromDb);
    const copy = await this.#newProfile(cleanName(`${source.name} (copy)`, source.name));
    if (state) await withHandsetDb(copy.dbName, (db) => writeDeviceStateToDb(db, state));
    return copy;
  }

  /** Deletes a profile, its database and its snapshots; never the last one. Deleting the shown one shows another first. */
  async remove(id: string): Promise<void> {
    const profile = this.#profile(id);
    if (this.profiles.length <= 1)
      throw new ProfileError('profile-last', 'The last handset cannot be deleted; create another one first.');
    if (this.current?.id === id) await this.#show(this.profiles.find((p) => p.id !== id)!);
    await this.#registry!.delete(id);
    await deleteHandsetDb(profile.dbName);
    await this.#refresh();
  }

  /** The shown handset as a state document, or null before its first run. */
  async exportCurrent(): Promise<string | null> {
    const state = await this.#readCurrent();
    return state ? serializeDeviceState(state, this.#options.clock.now()) : null;
  }

  /** The shown handset as a demo bundle with the chosen inbox payloads (demo-bundle.ts). */
  async exportBundle(choice: DemoBundleChoice): Promise<string> {
    const state = await this.#readCurrent();
    if (!state) throw new ProfileError('profile-not-set-up', 'This handset has not been set up yet.');
    // The flow format and its validator are not first-screen code (decision 0170).
    const { buildDemoBundle } = await import('./demo-bundle.ts');
    return buildDemoBundle(state, choice, this.#options.clock.now());
  }

  /** Replaces the shown handset with a validated document, all or nothing. */
  async importIntoCurrent(state: CompleteDeviceState): Promise<void> {
    await this.#replaceCurrent(state);
  }

  /** A new profile holding `state`, shown at once. */
  async importAsNew(state: CompleteDeviceState, name?: string): Promise<ProfileRecord> {
    const profile = await this.#newProfile(cleanName(name ?? state.identity.name, state.identity.name));
    await withHandsetDb(profile.dbName, (db) => writeDeviceStateToDb(db, state));
    await this.#show(profile);
    return profile;
  }

  /** Stores the shown handset under a name, in the registry database. */
  async takeSnapshot(name: string): Promise<SnapshotRecord> {
    const state = await this.#readCurrent();
    if (!state)
      throw new ProfileError(
        'profile-not-set-up',
        'This handset has not been set up yet: nothing to snapshot.',
      );
    const now = this.#options.clock.now();
    const snapshot: SnapshotRecord = {
      id: this.#options.newId(),
      profileId: this.current!.id,
      name: cleanName(name, `Snapshot ${this.snapshots.length + 1}`),
      created: now,
      document: serializeDeviceState(state, now),
      nodeCount: state.nodes.length,
      inboxCount: state.inbox.length,
      traceCount: state.traces.length,
    };
    await this.#registry!.putSnapshot(snapshot);
    await this.#refresh();
    return snapshot;
  }

  /** Puts the shown handset back to a snapshot (validated again: it may come from an older version). */
  async restoreSnapshot(id: string): Promise<void> {
    const snapshot = await this.#registry!.snapshot(id);
    if (!snapshot || snapshot.profileId !== this.current?.id)
      throw new ProfileError('snapshot-unknown', 'That snapshot no longer exists.');
    await this.#replaceCurrent(parseDeviceState(snapshot.document, `Snapshot "${snapshot.name}"`));
  }

  async deleteSnapshot(id: string): Promise<void> {
    await this.#registry!.deleteSnapshot(id);
    await this.#refresh();
  }

  /**
   * Factory reset of the shown handset: the identity stays; the tree goes back to the factory
   * tree built from it (the same createFactoryTree the tree reset and the CLI use); inbox,
   * traces and settings are emptied.
   */
  async factoryReset(): Promise<void> {
    const state = await this.#readCurrent();
    if (!state) throw new ProfileError('profile-not-set-up', 'This handset has not been set up yet.');
    await this.#replaceCurrent({
      identity: state.identity,
      nodes: createFactoryTree(state.identity, this.#options.clock.now()),
      inbox: [],
      traces: [],
      settings: {},
    });
  }

  /** Tears the live state down (closing its database). */
  async dispose(): Promise<void> {
    await this.app?.dispose();
    this.app = null;
    this.#registry?.close();
    this.#registry = null;
  }

  #profile(id: string): ProfileRecord {
    const profile = this.profiles.find((p) => p.id === id);
    if (!profile) throw new ProfileError('profile-unknown', 'That handset no longer exists.');
    return profile;
  }

  async #newProfile(name: string): Promise<ProfileRecord> {
    const id = this.#options.newId();
    const profile: ProfileRecord = {
      id,
      name,
      dbName: handsetDbNameFor(id),
      created: this.#options.clock.now(),
    };
    await this.#registry!.put(profile);
    this.profiles = await this.#registry!.list();
    return profile;
  }

  async #show(profile: ProfileRecord): Promise<void> {
    await this.app?.dispose();
    this.app = null;
    this.current = profile;
    await this.#registry!.setCurrent(profile.id);
    this.#options.lastShown?.write(profile);
    await this.#startApp();
  }

  async #startApp(): Promise<void> {
    const app = this.#options.createApp(this.current!);
    this.app = app;
    await this.#refresh();
    await app.start();
    this.#options.onChange?.();
  }

  async #replaceCurrent(state: CompleteDeviceState): Promise<void> {
    const profile = this.current!;
    await this.app?.dispose();
    this.app = null;
    try {
      await withHandsetDb(profile.dbName, (db) => writeDeviceStateToDb(db, state));
    } finally {
      // Also after a failed write: the database kept what it had; show it again.
      await this.#startApp();
    }
  }

  async #readCurrent(): Promise<CompleteDeviceState | null> {
    return withHandsetDb(this.current!.dbName, readDeviceStateFromDb);
  }

  async #refresh(): Promise<void> {
    this.profiles = await this.#registry!.list();
    this.snapshots = this.current ? await this.#registry!.snapshots(this.current.id) : [];
    this.#options.onChange?.();
  }
}
