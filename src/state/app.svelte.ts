import { discardHandsetRead, type HandsetRead } from '../adapters/db.ts';
import { IdbInboxStore } from '../adapters/idb-inbox-store.ts';
import { IdbTraceStore } from '../adapters/idb-trace-store.ts';
import type { ReceivedPush } from '../adapters/push-event.ts';
import { loadOtaConfig, routingTransport, type OtaConfigLoad } from '../adapters/ota-config.ts';
import { systemClock } from '../adapters/system-clock.ts';
import { untrack } from 'svelte';
import { devId } from '../core/device/identity.ts';
import { AppUpdateState } from './app-update.svelte.ts';
import { ConnectivityState } from './connectivity.svelte.ts';
import { DeviceState } from './device.svelte.ts';
import { NavigationState } from './navigation.svelte.ts';
import { NotificationsState } from './notifications.svelte.ts';
import { PreferencesState } from './preferences.svelte.ts';
import { PromptsState } from './prompts.svelte.ts';
import { InspectorLinkState } from './inspector-link.svelte.ts';
import { PushState } from './push.svelte.ts';
import type { ProvisioningState } from './provisioning.svelte.ts';
import { SessionsState } from './sessions.svelte.ts';
import { SettingsState } from './settings.svelte.ts';

export interface AppStateOptions {
  /** The handset database of the profile shown (default `ota-handset`). */
  dbName?: string;
  /** The service worker state outlives a switch of handset: pass the one already registered. */
  update?: AppUpdateState;
  /** This handset's database read, already started by the boot script (decision 0172). */
  read?: HandsetRead;
}

/**
 * All state of one emulated handset, handed to the UI through context. Device profiles
 * (profiles.svelte.ts) build one per handset shown and `dispose()` it when switching away.
 */
export class AppState {
  readonly device = new DeviceState();
  readonly connectivity = new ConnectivityState();
  readonly navigation = new NavigationState();
  readonly update = new AppUpdateState();
  /** The handset's settings screens and service apps over the management tree. */
  readonly settings = new SettingsState(this.device);
  /** The phone's system dialogs; `prompts` is the DM session's Prompter. */
  readonly prompts = new PromptsState(this.device);
  readonly notifications = new NotificationsState(this.device);
  readonly preferences = new PreferencesState(this.device);
  inspectorOpen = $state(false);
  /** Records the phone asks the inspector to show (the lock line's link). */
  readonly inspectorLink = new InspectorLinkState();
  /** Received CP and DM bootstrap messages; set once the device's storage is open. */
  provisioning = $state.raw<ProvisioningState | null>(null);
  /** What `ota-handset serve` said in /ota-config.json (proxy, DM server); null until read. */
  otaConfig = $state.raw<OtaConfigLoad | null>(null);
  /** DM sessions: accounts, the running session, stored traces. Its store opens in start(). */
  readonly sessions = new SessionsState({
    tree: () => this.settings.tree,
    identity: () => this.device.identity,
    device: this.device,
    prompts: this.prompts,
    notifications: this.notifications,
    confirmOperatorChanges: () => this.preferences.confirmOperatorChanges,
    transport: () => routingTransport(location.origin, this.otaConfig?.config ?? {}),
    clock: systemClock,
  });
  /** The reference DM server's push channel (stands in for SMS); opened once there is an identity. */
  readonly push = new PushState({ deliver: (p) => this.#deliverPush(p) });
  #read: HandsetRead | undefined;
  #stopEffects: (() => void) | null = null;
  #disposed = false;
  #startedAt = 0;
  // Inbox records whose sessions were started (or were applied before this page opened).
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #sessionsStarted = new Set<string>();

  constructor(options: AppStateOptions = {}) {
    if (options.dbName) this.device.dbName = options.dbName;
    if (options.update) this.update = options.update;
    if (options.read?.dbName === this.device.dbName) this.#read = options.read;
    else if (options.read) discardHandsetRead(options.read);
  }

  /**
   * Lets go of this handset: closes its database connections and stops what start() began, so
   * another handset can be shown or this one rewritten as a whole (import, snapshot, reset).
   */
  dispose(): void {
    this.#disposed = true;
    this.#stopEffects?.();
    this.#stopEffects = null;
    this.push.disconnect();
    this.device.close();
  }

  /** Opens storage, then everything that lives in it. */
  async start(): Promise<void> {
    try {
      await this.#start();
    } catch (error) {
      // Disposed while starting (the tester switched, imported or reset): what failed was work on
      // its closed storage, and nothing of it is shown any more.
      if (!this.#disposed) throw error;
    }
  }

  async #start(): Promise<void> {
    await this.device.load(this.#read);
    this.#read = undefined;
    if (this.#disposed) return;
    // The CP pipeline (WBXML, XML, MAC checks) and /ota-config.json are not needed to show the
    // handset: loading them while the tree is read would compete with it for the main thread.
    const pipeline = import('./provisioning.svelte.ts');
    const config = loadOtaConfig().then((c) => (this.otaConfig = c));
    const db = this.device.db;
    if (!db) return;
    const { ProvisioningState } = await pipeline;
    if (this.#disposed) return;
    const provisioning = new ProvisioningState({
      store: new IdbInboxStore(db),
      tree: () => this.device.tree,
      imsi: () => this.device.identity?.imsi,
      clock: systemClock,
      dialogs: this.prompts,
    });
    await provisioning.load();
    this.provisioning = provisioning;
    await this.sessions.open(new IdbTraceStore(db));
    await config;
    // Effects started now would outlive dispose() (a push channel nobody closes).
    if (this.#disposed) return;
    this.#startedAt = systemClock.now();
    this.#stopEffects = $effect.root(() => {
      $effect(() => this.#watchPush());
      $effect(() => this.#watchApplied());
      // A CP message received before the first run takes its turn once there is an identity.
      $effect(() => {
        if (this.device.identity) untrack(() => this.provisioning?.syncDialog());
      });
    });
  }

  /** Opens (or explains the absence of) the push channel as the config and identity allow. */
  #watchPush(): void {
    const load = this.otaConfig;
    const identity = this.device.identity;
    untrack(() => {
      const dmServer = load?.config.dmServer;
      if (!load) return;
      if (!dmServer)
        this.push.unavailable(
          load.problem
            ? `No push channel: ${load.problem}, so the app is not served by \`ota-handset serve\` (npm start).`
            : 'No push channel: `ota-handset serve` runs without a DM server (--no-dm).',
        );
      else if (!identity) this.push.unavailable('The push channel opens after the first run.');
      else this.push.connect(dmServer, devId(identity), identity.imsi);
    });
  }

  /**
   * A bootstrap accepted now that asks for a session (w7 INIT, DM-profile bootstrap) starts the
   * first client-initiated session to the new account (decision 0093).
   */
  #watchApplied(): void {
    const inbox = this.provisioning?.inbox ?? [];
    for (const record of inbox) {
      if (record.status !== 'applied' || this.#sessionsStarted.has(record.id)) continue;
      this.#sessionsStarted.add(record.id);
      const starts = record.plan?.startSessions ?? [];
      if ((record.applied?.at ?? 0) < this.#startedAt || starts.length === 0) continue;
      const serverIds = starts.map((s) => s.serverId);
      untrack(() => void this.sessions.startAfterProvisioning(serverIds));
    }
  }

  /** Routes one push: CP and bootstraps to the provisioning inbox, package 0 to the sessions. */
  async #deliverPush(push: ReceivedPush): Promise<void> {
    if (push.kind === 'package0') {
      const result = await this.sessions.receiveNotification(push.bytes, 'push');
      if (!result.ok)
        this.notifications.add({ kind: 'dm', title: 'Server request not followed', body: result.message });
      return;
    }
    const provisioning = this.provisioning;
    if (!provisioning) return;
    const record = await provisioning.receive(push.bytes, { source: 'push', sourceName: push.title });
    this.notifications.add({
      kind: 'provisioning',
      title: 'New settings from your operator',
      body: push.title,
      action: { label: 'Open', run: () => provisioning.open(record.id) },
    });
  }
}
