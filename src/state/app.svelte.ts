import { IdbInboxStore } from '../adapters/idb-inbox-store.ts';
import { IdbTraceStore } from '../adapters/idb-trace-store.ts';
import { loadOtaConfig, routingTransport, type OtaConfigLoad } from '../adapters/ota-config.ts';
import { systemClock } from '../adapters/system-clock.ts';
import { AppUpdateState } from './app-update.svelte.ts';
import { ConnectivityState } from './connectivity.svelte.ts';
import { DeviceState } from './device.svelte.ts';
import { NavigationState } from './navigation.svelte.ts';
import { NotificationsState } from './notifications.svelte.ts';
import { PreferencesState } from './preferences.svelte.ts';
import { PromptsState } from './prompts.svelte.ts';
import type { ProvisioningState } from './provisioning.svelte.ts';
import { SessionsState } from './sessions.svelte.ts';
import { SettingsState } from './settings.svelte.ts';

/** All state of one emulated handset, created once and handed to the UI through context. */
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
  readonly preferences = new PreferencesState();
  inspectorOpen = $state(false);
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
    transport: () => routingTransport(location.origin, this.otaConfig?.config ?? {}),
    clock: systemClock,
  });

  /** Opens storage, then everything that lives in it. */
  async start(): Promise<void> {
    // The CP pipeline (WBXML, XML, MAC checks) is not needed to paint the home screen: its
    // module is fetched alongside opening storage, not in the first-screen bundle.
    const pipeline = import('./provisioning.svelte.ts');
    const config = loadOtaConfig().then((c) => (this.otaConfig = c));
    await this.device.load();
    const db = this.device.db;
    if (!db) return;
    const { ProvisioningState } = await pipeline;
    const provisioning = new ProvisioningState({
      store: new IdbInboxStore(db),
      tree: () => this.device.tree,
      imsi: () => this.device.identity?.imsi,
      clock: systemClock,
    });
    await provisioning.load();
    this.provisioning = provisioning;
    await this.sessions.open(new IdbTraceStore(db));
    await config;
  }
}
