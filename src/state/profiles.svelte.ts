import { isOtaError } from '../core/errors.ts';
import { parseDeviceState, type CompleteDeviceState } from '../core/device/state-document.ts';
import type { ProfileRecord, SnapshotRecord } from '../adapters/profiles-db.ts';
import { discardHandsetRead, type HandsetRead } from '../adapters/db.ts';
import { systemClock } from '../adapters/system-clock.ts';
import { browserLastShownProfile } from '../adapters/last-shown-profile.ts';
import { AppState } from './app.svelte.ts';
import type { AppUpdateState } from './app-update.svelte.ts';
import { ProfileManager } from './profile-manager.ts';
import type { DemoBundleChoice } from './demo-bundle.ts';
import { count, sentence } from './wording.ts';

/** Where a notice belongs: the Handsets tab, its demo bundle section, or the Device tab's export/import. */
export type NoticeArea = 'profiles' | 'bundle' | 'transfer';

export interface ProfilesNotice {
  ok: boolean;
  text: string;
  area: NoticeArea;
}

export interface ProfilesOptions {
  /** The service worker state, shared by every handset's AppState. */
  update: AppUpdateState;
  /** Told about each handset's new live state (test hooks). */
  onAppCreated?(app: AppState): void;
  /** The remembered handset's database read, started by the boot script; the first app takes it. */
  read?: HandsetRead | null;
}

/**
 * The emulated handsets (device profiles) for the UI: mirrors ProfileManager's fields as runes
 * and turns failures into notices. Its notices and the inspector's open state outlive a switch
 * of handset, which rebuilds the whole AppState.
 */
export class ProfilesState {
  profiles = $state.raw<ProfileRecord[]>([]);
  current = $state.raw<ProfileRecord | null>(null);
  /** The live state of the handset shown; replaced on every switch, import, restore and reset. */
  app = $state.raw<AppState | null>(null);
  snapshots = $state.raw<SnapshotRecord[]>([]);
  busy = $state(false);
  notice = $state.raw<ProfilesNotice | null>(null);
  /** Why the registry could not be opened (private browsing, full disk). */
  loadError = $state<string | null>(null);
  readonly #manager: ProfileManager<AppState>;

  /** The boot's read until the first handset takes it. */
  #read: HandsetRead | null;

  constructor(options: ProfilesOptions) {
    this.#read = options.read ?? null;
    this.#manager = new ProfileManager<AppState>({
      clock: systemClock,
      lastShown: browserLastShownProfile(),
      newId: () => crypto.randomUUID(),
      createApp: (profile) => {
        // Only the first handset shown can use the boot's read; AppState checks it is the same database.
        const app = new AppState({
          dbName: profile.dbName,
          update: options.update,
          read: this.#read ?? undefined,
        });
        this.#read = null;
        // The tester keeps the inspector where it was across a switch.
        app.inspectorOpen = this.app?.inspectorOpen ?? false;
        options.onAppCreated?.(app);
        return app;
      },
      onChange: () => this.#sync(),
    });
  }

  async load(): Promise<void> {
    try {
      await this.#manager.load();
    } catch (error) {
      this.loadError = `The list of handsets could not be opened: ${(error as Error).message}. Private browsing or a full disk can cause this.`;
    } finally {
      // No handset took the boot's read (nothing remembered after all, or the registry failed).
      if (this.#read) discardHandsetRead(this.#read);
      this.#read = null;
    }
  }

  switchTo(id: string): Promise<boolean> {
    if (this.#sessionRunning('profiles')) return Promise.resolve(false);
    return this.#run(
      'profiles',
      () => this.#manager.switchTo(id),
      () => `Showing ${this.current?.name ?? ''}.`,
    );
  }

  create(name: string): Promise<boolean> {
    if (this.#sessionRunning('profiles')) return Promise.resolve(false);
    return this.#run(
      'profiles',
      () => this.#manager.create(name),
      (p) => `Created ${p.name}: set up its identity on the phone.`,
    );
  }

  rename(id: string, name: string): Promise<boolean> {
    return this.#run(
      'profiles',
      () => this.#manager.rename(id, name),
      () => 'Renamed.',
    );
  }

  duplicate(id: string): Promise<boolean> {
    return this.#run(
      'profiles',
      () => this.#manager.duplicate(id),
      (p) => `Created ${p.name}.`,
    );
  }

  remove(id: string): Promise<boolean> {
    if (id === this.current?.id && this.#sessionRunning('profiles')) return Promise.resolve(false);
    const name = this.profiles.find((p) => p.id === id)?.name ?? 'The handset';
    return this.#run(
      'profiles',
      () => this.#manager.remove(id),
      () => `Deleted ${name}.`,
    );
  }

  exportCurrent(): Promise<string | null> {
    return this.#manager.exportCurrent();
  }

  /** Validates a file's text; a bad or newer file becomes a notice and nothing changes. */
  readFile(text: string, fileName: string, area: NoticeArea): CompleteDeviceState | null {
    try {
      return parseDeviceState(text, fileName);
    } catch (error) {
      if (!isOtaError(error)) throw error;
      this.notice = {
        ok: false,
        area,
        text: `Not imported: ${sentence(error.message)} Nothing was changed.`,
      };
      return null;
    }
  }

  importIntoCurrent(state: CompleteDeviceState, fileName: string): Promise<boolean> {
    if (this.#sessionRunning('transfer')) return Promise.resolve(false);
    return this.#run(
      'transfer',
      () => this.#manager.importIntoCurrent(state),
      () => `Imported ${fileName}: ${describe(state)}.`,
      ' Nothing was changed.',
    );
  }

  importAsNew(state: CompleteDeviceState, fileName: string): Promise<boolean> {
    if (this.#sessionRunning('profiles')) return Promise.resolve(false);
    return this.#run(
      'profiles',
      () => this.#manager.importAsNew(state),
      (p) => `Imported ${fileName} as the new handset ${p.name}: ${describe(state)}.`,
      ' Nothing was changed.',
    );
  }

  /** The shown handset as a demo bundle (text), or null with a notice saying why not. */
  async exportBundle(choice: DemoBundleChoice): Promise<string | null> {
    let text: string | null = null;
    await this.#run(
      'bundle',
      async () => (text = await this.#manager.exportBundle(choice)),
      () =>
        `Exported the demo bundle "${choice.name.trim() || 'demo'}" with ${choice.payloadIds.length} payload(s).`,
    );
    return text;
  }

  /** Reads a demo bundle and imports its device as a new handset; a bad bundle changes nothing. */
  async importBundle(text: string, fileName: string): Promise<boolean> {
    if (this.#sessionRunning('bundle')) return false;
    let read;
    try {
      // The flow format and its validator are not first-screen code (decision 0170).
      const { readDemoBundle } = await import('./demo-bundle.ts');
      read = readDemoBundle(text, fileName);
    } catch (error) {
      if (!isOtaError(error)) throw error;
      this.notice = {
        ok: false,
        area: 'bundle',
        text: `Not imported: ${sentence(error.message)} Nothing was changed.`,
      };
      return false;
    }
    const { bundle, device } = read;
    return this.#run(
      'bundle',
      () => this.#manager.importAsNew(device, bundle.title ?? bundle.name),
      (p) =>
        `Imported the demo bundle as the new handset ${p.name}: ${describe(device)}. Its flow has ${bundle.flow.steps.length} step(s) over ${bundle.payloads.size} payload(s)${bundle.scenarios.length > 0 ? `; it needs the server scenario(s) ${bundle.scenarios.join(', ')}` : ''}.`,
      ' Nothing was changed.',
    );
  }

  takeSnapshot(name: string): Promise<boolean> {
    return this.#run(
      'profiles',
      () => this.#manager.takeSnapshot(name),
      (s) => `Snapshot "${s.name}" taken.`,
    );
  }

  restoreSnapshot(id: string): Promise<boolean> {
    if (this.#sessionRunning('profiles')) return Promise.resolve(false);
    const name = this.snapshots.find((s) => s.id === id)?.name ?? '';
    return this.#run(
      'profiles',
      () => this.#manager.restoreSnapshot(id),
      () => `Restored snapshot "${name}".`,
      ' Nothing was changed.',
    );
  }

  deleteSnapshot(id: string): Promise<boolean> {
    return this.#run(
      'profiles',
      () => this.#manager.deleteSnapshot(id),
      () => 'Snapshot deleted.',
    );
  }

  factoryReset(): Promise<boolean> {
    if (this.#sessionRunning('profiles')) return Promise.resolve(false);
    return this.#run(
      'profiles',
      () => this.#manager.factoryReset(),
      () =>
        'Factory reset done: the identity was kept; tree, inbox, session traces and settings were cleared.',
      ' Nothing was changed.',
    );
  }

  /**
   * True (with a notice) while a DM session runs on the shown handset: tearing it down would cut
   * the session and lose its trace, so switching and whole-device changes wait for it.
   */
  #sessionRunning(area: NoticeArea): boolean {
    const server = this.app?.sessions.busyWith;
    if (!server) return false;
    this.notice = {
      ok: false,
      area,
      text: 'A DM session is running on this handset: wait until it ends, then try again. Nothing was changed.',
    };
    return true;
  }

  async #run<T>(
    area: NoticeArea,
    action: () => Promise<T>,
    success: (result: T) => string,
    failureTail = '',
  ): Promise<boolean> {
    this.busy = true;
    this.notice = null;
    try {
      const result = await action();
      this.notice = { ok: true, area, text: success(result) };
      return true;
    } catch (error) {
      this.notice = { ok: false, area, text: `${sentence((error as Error).message)}${failureTail}` };
      return false;
    } finally {
      this.busy = false;
      this.#sync();
    }
  }

  #sync(): void {
    const m = this.#manager;
    this.profiles = m.profiles;
    this.current = m.current;
    this.app = m.app;
    this.snapshots = m.snapshots;
  }
}

function describe(state: CompleteDeviceState): string {
  return `${count(state.nodes.length, 'tree node')}, ${count(state.inbox.length, 'inbox message')}, ${count(state.traces.length, 'session trace')}`;
}
