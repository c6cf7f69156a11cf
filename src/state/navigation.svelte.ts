import type { ServiceId } from './settings-model.ts';

/** The handset's screens. Each capability adds its own. */
export type Screen =
  | 'home'
  | 'settings'
  | 'settings/about'
  | 'settings/display'
  | 'settings/access-points'
  | 'settings/service'
  | 'settings/instance'
  | 'app/messages'
  | 'app/ptt';

/** A screen with its parameters: which service's list, which instance (null = a new one). */
export interface ScreenEntry {
  screen: Screen;
  service?: ServiceId;
  uri?: string | null;
}

export const screenTitles: Record<Screen, string> = {
  home: 'Home',
  settings: 'Settings',
  'settings/about': 'About phone',
  'settings/display': 'Display',
  'settings/access-points': 'Access points',
  'settings/service': 'Settings',
  'settings/instance': 'Settings',
  'app/messages': 'Messages',
  'app/ptt': 'Push-to-talk',
};

/** Titles of the per-service lists. */
export const serviceTitles: Record<ServiceId, string> = {
  mms: 'Messaging',
  poc: 'Push-to-talk',
  nap: 'Access points',
  px: 'Access points',
  dmacc: 'Device management',
};

/** A stack of screens, like a phone's back button. */
export class NavigationState {
  stack = $state<ScreenEntry[]>([{ screen: 'home' }]);
  entry = $derived<ScreenEntry>(this.stack[this.stack.length - 1] ?? { screen: 'home' });
  current = $derived<Screen>(this.entry.screen);

  open(screen: Screen, params: Omit<ScreenEntry, 'screen'> = {}): void {
    this.stack.push({ screen, ...params });
  }

  /** Replaces the top screen (after saving a new instance, show it rather than the empty form). */
  replace(screen: Screen, params: Omit<ScreenEntry, 'screen'> = {}): void {
    this.stack[this.stack.length - 1] = { screen, ...params };
  }

  back(): void {
    if (this.stack.length > 1) this.stack.pop();
  }

  home(): void {
    this.stack = [{ screen: 'home' }];
  }
}
