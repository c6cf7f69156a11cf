import { AppUpdateState } from './app-update.svelte.ts';
import { ConnectivityState } from './connectivity.svelte.ts';
import { DeviceState } from './device.svelte.ts';
import { NavigationState } from './navigation.svelte.ts';

/** All state of one emulated handset, created once and handed to the UI through context. */
export class AppState {
  readonly device = new DeviceState();
  readonly connectivity = new ConnectivityState();
  readonly navigation = new NavigationState();
  readonly update = new AppUpdateState();
  inspectorOpen = $state(false);
}
